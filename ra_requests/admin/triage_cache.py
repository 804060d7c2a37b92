"""The triage list, as an RA team member sees it, kept in the cache under their provider's data version.

RA teams reload the list all day, and drawing it (the admin's templates, its filters, 50 rows) costs
about ten times the cheapest page. It shows the provider's requests, what the list shows of their
organisations and assignees (a change to those columns changes the provider's token too:
``TrackShownColumns``) and reference data, so a page kept under those tokens cannot outlive a write.
The rest it depends on is in the key: the viewer (name, permissions), the query string, language,
time zone and templates. Time moves it on with no write (ages and deadlines:
``TriageChangeList.rows_change_at``). Each response has its own masked CSRF token.

Drawn afresh every time: national administrators' lists (every provider's requests), the SLA filter
(its results change as deadlines pass), popups, and a page with messages waiting to be shown.
"""

import hashlib
import re

import django
from django.contrib import messages
from django.contrib.admin.views.main import IS_POPUP_VAR
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils import timezone, translation

from cis_portal.fragment_versions import fragment_version
from organisations.data_versions import ValidUntil, cached, provider_scope

from .filters import SLAStateFilter

PAGE_TEMPLATES = (
    "admin/base_site.html",
    "admin/search_form.html",
    "admin/ra_requests/rarequest/change_list.html",
    "admin/ra_requests/rarequest/triage_table.html",
    "admin/ra_requests/rarequest/actions.html",
)
# Bump when Python code changes what the page shows but no template changes.
PAGE_PRESENTATION_VERSION = 1
# A page per viewer and query string, of some tens of kilobytes: kept long enough for a working
# session's reloads, not all day.
KEEP_SECONDS = 15 * 60
CSRF_TOKEN_VALUE = re.compile(r'(?<=name="csrfmiddlewaretoken" value=")[^"]*(?=")')


def can_cache(request) -> bool:
    return (
        request.method == "GET"
        and SLAStateFilter.parameter_name not in request.GET
        and IS_POPUP_VAR not in request.GET
        # len() reads the waiting messages without marking them shown.
        and not len(messages.get_messages(request))
    )


def page_key_parts(request) -> tuple[str, ...]:
    """What the page depends on besides the data: who is looking (the header names them, the
    navigation and actions follow their permissions), the query string, language and time zone,
    and the release (templates, Django's own admin templates, the static files' names)."""
    user = request.user
    viewer = (
        user.pk,
        user.get_short_name(),
        user.get_username(),
        user.has_usable_password(),  # the header's "Change password" link
        sorted(user.get_all_permissions()),
        request.META.get("QUERY_STRING", ""),
    )
    release = (
        fragment_version(PAGE_TEMPLATES, PAGE_PRESENTATION_VERSION),
        django.get_version(),
        getattr(staticfiles_storage, "manifest_hash", ""),
    )
    return (
        hashlib.sha256(repr((viewer, release)).encode()).hexdigest()[:32],
        translation.get_language(),
        timezone.get_current_timezone_name(),
    )


def serve(request, provider, draw_page) -> HttpResponse:
    """The provider's list from the cache, or drawn by ``draw_page()`` (the admin's change list
    view) and kept for the next request."""
    drawn = None

    def draw():
        nonlocal drawn
        drawn = draw_page()
        if not isinstance(drawn, TemplateResponse) or drawn.status_code != 200:
            return ValidUntil(None, timezone.now())  # a redirect or an error is never served from here
        drawn.render()
        pieces = CSRF_TOKEN_VALUE.split(drawn.content.decode(drawn.charset))
        return ValidUntil(pieces, drawn.context_data["cl"].rows_change_at())

    pieces = cached(
        "triage-list",
        provider_scope(provider.pk),
        draw,
        parts=page_key_parts(request),
        keep_seconds=KEEP_SECONDS,
    )
    if drawn is not None:
        return drawn
    if pieces is None:  # a clock set back past a kept redirect's moment (tests)
        return draw_page()
    return HttpResponse(get_token(request).join(pieces))

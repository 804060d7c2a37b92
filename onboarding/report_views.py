"""Readiness summary, organisation timeline and the ICB overview (with CSV export)."""

from __future__ import annotations

import csv
from typing import NamedTuple
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.views import View
from django.views.generic import TemplateView

from cis_portal.fragment_versions import fragment_version
from organisations import data_versions
from organisations.access import (
    REPORT_ROLES,
    OrganisationMemberMixin,
    is_national_admin,
    ra_provider_for_user,
)
from organisations.models import Organisation
from organisations.selectors import team_members

from . import overview, readiness, selectors, sources
from .models import ReadinessStatus


class SummaryView(OrganisationMemberMixin, TemplateView):
    """The body is rendered once and kept under the organisation's data version (see ``body_html``);
    status changes reach the timeline through a periodic job."""

    allowed_roles = REPORT_ROLES
    template_name = "onboarding/summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["body"] = self.body_html()
        return context

    def body_html(self) -> SummaryBody:
        """The rendered summary, until the organisation's data or the reference data change (every
        write path: ``organisations.data_versions``), the day turns, or an RA request's reply falls
        overdue. The viewer's roles choose which action links show; nothing else of theirs is in it."""
        today = timezone.localdate()
        return data_versions.cached(
            "onboarding:summary",
            self.organisation.pk,
            lambda: self.render_body(today),
            parts=(
                today.isoformat(),
                ",".join(sorted(self.access.roles)),
                translation.get_language(),
                timezone.get_current_timezone_name(),  # the computed-at and due times are local
                fragment_version(BODY_TEMPLATES, BODY_PRESENTATION_VERSION),
            ),
        )

    def render_body(self, today) -> data_versions.ValidUntil:
        summary = selectors.readiness_summary(self.organisation, today=today)
        context = {
            "organisation": self.organisation,
            "summary": summary,
            "actions": [self.action_link(item) for item in summary.actions],
            "chosen_by_group": summary.chosen_authenticators_by_group,
            "cis1_retirement_date": readiness.CIS1_RETIREMENT_DATE,
        }
        body = SummaryBody(*(render_to_string(name, context) for name in BODY_TEMPLATES))
        return data_versions.ValidUntil(body, summary.valid_until)

    # Where an action's own link (a wizard step, an RA request) is not this user's to open, the part's
    # own page may be: an IT lead plans authenticators and keeps training records, but not in the wizard.
    OTHER_WAY = {
        "plan": ("authenticators:plan", "Go to your authenticator plan"),
        "cis1": ("authenticators:plan", "Go to your authenticator plan"),
        "training": ("training:staff_list", "Go to your technical support staff"),
    }

    def action_link(self, item) -> tuple:
        """(item, url, label): the link this user may follow for the action, or no link."""
        if item.action_url and self.access.may_open(item.action_url):
            return item, item.action_url, item.action_label
        if item.key in self.OTHER_WAY:
            name, label = self.OTHER_WAY[item.key]
            url = reverse(name, args=[self.organisation.ods_code])
            if self.access.may_open(url):
                return item, url, label
        return item, "", ""


class SummaryBody(NamedTuple):
    checks: str  # the status and the checks, before the RA support box (shown live: its own clock)
    actions: str  # the action plan and the rest


# The body's templates, in ``SummaryBody``'s order: a change to either starts a new cache entry.
BODY_TEMPLATES = ("onboarding/_summary_checks.html", "onboarding/_summary_actions.html")
# Bump when Python code changes what the body shows (the checks' words) but no template does.
BODY_PRESENTATION_VERSION = 1


class TimelineView(OrganisationMemberMixin, TemplateView):
    allowed_roles = REPORT_ROLES
    template_name = "onboarding/timeline.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        category = self.request.GET.get("category", "")
        if category not in selectors.TIMELINE_CATEGORIES:
            category = ""
        events = selectors.organisation_timeline(self.organisation, category=category)
        context.update(
            entries=[
                {
                    "event": event,
                    "url": event.url if self.access.may_open(event.url) else "",
                    "category_label": selectors.TIMELINE_CATEGORIES.get(event.category, event.category),
                }
                for event in events
            ],
            categories=selectors.TIMELINE_CATEGORIES,
            category=category,
        )
        return context


class OverviewAccessMixin(LoginRequiredMixin):
    """RA team members see the organisations their provider supports; national administrators
    every organisation in England, with a region filter. Anyone else is refused."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.provider = ra_provider_for_user(request.user)
        self.is_national = self.provider is None and is_national_admin(request.user)
        if self.provider is None and not self.is_national:
            raise PermissionDenied(
                "Only RA team members and national administrators can see the ICB overview"
            )
        return super().dispatch(request, *args, **kwargs)

    def organisation_type(self) -> str:
        value = self.request.GET.get("organisation_type", "")
        return value if value in Organisation.OrganisationType.values else ""

    def status(self) -> str:
        value = self.request.GET.get("status", "")
        return value if value in ReadinessStatus.values else ""

    def region(self) -> str:
        if not self.is_national:
            return ""
        value = self.request.GET.get("region", "")
        return value if value in self.regions() else ""

    def regions(self) -> list[str]:
        if not hasattr(self, "_regions"):
            self._regions = overview.regions()
        return self._regions

    def filters(self) -> dict:
        return {
            key: value
            for key, value in (
                ("region", self.region()),
                ("organisation_type", self.organisation_type()),
                ("status", self.status()),
            )
            if value
        }

    def overview(self) -> overview.Overview:
        if self.is_national:
            return overview.national_overview(
                region=self.region(), organisation_type=self.organisation_type()
            )
        return overview.icb_overview(self.provider, organisation_type=self.organisation_type())


class ICBOverviewView(OverviewAccessMixin, TemplateView):
    """Counts over every organisation; the list itself a page of ``paginate_by`` at a time."""

    template_name = "onboarding/icb_overview.html"
    paginate_by = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = self.overview()
        status = self.status()
        records = result.records_with_status(status)
        count = {value: n for value, _, n in result.counts}[status] if status else result.total
        paginator = Paginator(records, self.paginate_by)
        paginator.count = count  # already counted by status; saves a COUNT over the same rows
        page = paginator.get_page(self.request.GET.get("page"))
        query = self.filters()
        without_status = {key: value for key, value in query.items() if key != "status"}
        organisation_type = self.organisation_type()
        context.update(
            overview=result,
            is_national=self.is_national,
            page=page,
            status=status,
            status_label=ReadinessStatus(status).label if status else "",
            status_links=[
                (value, label, n, "?" + urlencode({**without_status, "status": value}))
                for value, label, n in result.counts
            ],
            all_statuses_query="?" + urlencode(without_status),
            csv_query=f"?{urlencode(query)}" if query else "",
            organisation_types=Organisation.OrganisationType.choices,
            organisation_type=organisation_type,
            organisation_type_label=dict(Organisation.OrganisationType.choices).get(organisation_type, ""),
            regions=self.regions() if self.is_national else [],
            region=self.region(),
            statuses=ReadinessStatus,
        )
        return context


def _safe_cell(value) -> str:
    """Stops a spreadsheet treating text from the portal as a formula."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_HEADER = [
    "ODS code",
    "Organisation",
    "Type",
    "ICB",
    "Readiness",
    "RA support",
    "Authenticator plan",
    "Technical support staff in date for every module that applies to them (%)",
    "CIS1 applications",
    "Applications without a way to sign in",
    "Last changed",
]


class ICBOverviewCSVView(OverviewAccessMixin, View):
    def get(self, request, *args, **kwargs):
        result = self.overview()
        scope = self.provider.ods_code if self.provider else "england"
        # Written row by row from a database cursor, so 80,000 rows never sit in memory as model objects.
        response = HttpResponse(
            self._lines(result.records_with_status(self.status())), content_type="text/csv; charset=utf-8"
        )
        filename = f"cis-readiness-{scope}-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def _lines(self, records):
        buffer = _LineBuffer()
        writer = csv.writer(buffer)
        yield writer.writerow(CSV_HEADER)
        for record in records.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    _safe_cell(value)
                    for value in (
                        record.ods_code,
                        record.name,
                        record.get_organisation_type_display(),
                        record.icb.name,
                        record.status_label,
                        record.ra_detail,
                        record.plan_label,
                        record.trained_staff.percent_text.rstrip("%"),
                        "; ".join(record.cis1_applications),
                        "; ".join(record.uncovered_applications),
                        f"{timezone.localtime(record.changed_at):%Y-%m-%d %H:%M}",
                    )
                ]
            )


class _LineBuffer:
    """csv.writer target that hands each written line back instead of storing it."""

    def write(self, value):
        return value


class RAOrganisationView(OverviewAccessMixin, TemplateView):
    """Read-only view of one organisation for its RA provider's team (or a national administrator):
    its readiness, its RA requests to that provider, and who to contact. 404 for any organisation the
    viewer's provider does not support, the same as for a code that does not exist."""

    template_name = "onboarding/ra_organisation.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = selectors.organisation_for_overview_viewer(
            self.kwargs["ods_code"], provider=self.provider
        )
        if organisation is None:
            raise Http404("No such organisation")
        requests = sources.ra_requests_for_organisation(organisation)
        if self.provider is not None:
            requests = requests.filter(provider=self.provider)
        context.update(
            organisation=organisation,
            record=selectors.stored_readiness(organisation),
            ra_requests=list(requests),
            can_open_requests=self.request.user.has_perm("ra_requests.view_rarequest"),
            people=team_members(organisation),
            is_national=self.is_national,
        )
        return context

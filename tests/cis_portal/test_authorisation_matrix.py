"""Who may open what: every URL pattern in the project, for every role, against one hand-written table.

The patterns come from the URLconf, so a new URL without a row here fails
``test_every_url_pattern_has_a_row``. Pages under an organisation are tried with organisation A's
ODS code, which makes organisation B's admin and provider 2's RA team "someone else"; object
pages are also tried with A's code and B's object id ("[B's-id]"), which must be 404 for everyone.
The RA teams' read-only organisation page is also tried with B's code ("[B's-org]"): only B's RA team
and national staff may see it.

Outcomes: ``200``; ``login`` (302 to the portal's or the admin's sign-in page); ``302`` (a redirect
elsewhere: a form's next page, or the admin's short object URL); ``gone`` (the admin's "does not
exist" redirect to the admin index, which is how Django's admin answers an object outside a user's
scope); ``refused`` (any of 403, 404 and ``gone``, where the fix may take either form); ``400``
(an empty POST to a form that then shows its errors); ``403``; ``404``; ``405``.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .authz_world import ADMIN_A, ADMIN_B, ANON, IT_LEAD_A, NATIONAL, RA_1, RA_2, ROLES, SUPERUSER

# fmt: off
# Columns: anonymous | org admin A | IT lead A | org admin B | RA team 1 (A's ICB) | RA team 2 (B's ICB) |
#          national admin | superuser
PORTAL = """
home                                         GET   200   200   200   200   200   200   200   200
healthz                                      GET   200   200   200   200   200   200   200   200
pages:accessibility                          GET   200   200   200   200   200   200   200   200
organisations:login                          GET   200   302   302   302   302   302   302   302
organisations:logout                         POST  302   302   302   302   302   302   302   302
organisations:signup                         GET   200   302   302   302   302   302   302   302
organisations:register_organisation          GET   login 200   200   200   200   200   200   200
organisations:signup_done                    GET   200   200   200   200   200   200   200   200
organisations:resend_confirmation            GET   200   200   200   200   200   200   200   200
organisations:confirm_email                  GET   200   200   200   200   200   200   200   200
organisations:password_reset                 GET   200   200   200   200   200   200   200   200
organisations:password_reset_done            GET   200   200   200   200   200   200   200   200
organisations:password_reset_confirm         GET   200   200   200   200   200   200   200   200
organisations:password_reset_complete        GET   200   200   200   200   200   200   200   200
organisations:accept_invitation              GET   200   200   200   200   200   200   200   200
organisations:team                           GET   login 200   404   404   404   404   404   404
organisations:remove_membership              POST  login 400   404   404   404   404   404   404
organisations:cancel_invitation              POST  login 302   404   404   404   404   404   404
organisations:cancel_invitation[B's-id]      POST  login 404   404   404   404   404   404   404
ra_requests:list                             GET   login 200   404   404   404   404   404   404
ra_requests:create                           GET   login 200   404   404   404   404   404   404
ra_requests:choose_icb                       GET   login 302   404   404   404   404   404   404
ra_requests:detail                           GET   login 200   404   404   404   404   404   404
ra_requests:detail[B's-id]                   GET   login 404   404   404   404   404   404   404
ra_requests:reply                            POST  login 400   404   404   404   404   404   404
ra_requests:reply[B's-id]                    POST  login 404   404   404   404   404   404   404
ra_requests:reopen                           POST  login 400   404   404   404   404   404   404
ra_requests:reopen[B's-id]                   POST  login 404   404   404   404   404   404   404
ra_requests:reroute                          POST  login 400   404   404   404   404   404   404
ra_requests:reroute[B's-id]                  POST  login 404   404   404   404   404   404   404
authenticators:chooser                       GET   200   200   200   200   200   200   200   200
authenticators:api_recommendation            GET   200   200   200   200   200   200   200   200
authenticators:plan                          GET   login 200   200   404   404   404   404   404
authenticators:print                         GET   login 200   200   404   404   404   404   404
authenticators:csv                           GET   login 200   200   404   404   404   404   404
authenticators:matrix                        GET   login 200   200   404   404   404   404   404
authenticators:inventory                     GET   login 200   200   404   404   404   404   404
authenticators:local_add                     GET   login 200   200   404   404   404   404   404
authenticators:local_remove                  GET   login 200   200   404   404   404   404   404
authenticators:local_remove[B's-id]          GET   login 404   404   404   404   404   404   404
authenticators:estate                        GET   login 200   200   404   404   404   404   404
authenticators:group_add                     GET   login 200   200   404   404   404   404   404
authenticators:group_edit                    GET   login 200   200   404   404   404   404   404
authenticators:group_edit[B's-id]            GET   login 404   404   404   404   404   404   404
authenticators:group_remove                  GET   login 200   200   404   404   404   404   404
authenticators:group_remove[B's-id]          GET   login 404   404   404   404   404   404   404
authenticators:choose                        GET   login 200   200   404   404   404   404   404
authenticators:choose[B's-id]                GET   login 404   404   404   404   404   404   404
training:dashboard                           GET   login 200   200   404   404   404   404   404
training:modules                             GET   login 200   200   404   404   404   404   404
training:staff_list                          GET   login 200   200   404   404   404   404   404
training:staff_add                           GET   login 200   200   404   404   404   404   404
training:staff_import                        GET   login 200   200   404   404   404   404   404
training:staff_import_template               GET   login 200   200   404   404   404   404   404
training:staff_import_confirm                POST  login 302   302   404   404   404   404   404
training:staff_export                        GET   login 200   200   404   404   404   404   404
training:staff_detail                        GET   login 200   200   404   404   404   404   404
training:staff_detail[B's-id]                GET   login 404   404   404   404   404   404   404
training:staff_edit                          GET   login 200   200   404   404   404   404   404
training:staff_edit[B's-id]                  GET   login 404   404   404   404   404   404   404
training:staff_leave                         GET   login 200   200   404   404   404   404   404
training:staff_leave[B's-id]                 GET   login 404   404   404   404   404   404   404
training:staff_reinstate                     POST  login 302   302   404   404   404   404   404
training:staff_reinstate[B's-id]             POST  login 404   404   404   404   404   404   404
training:completion_add                      GET   login 200   200   404   404   404   404   404
training:completion_evidence                 GET   login 200   200   404   404   404   404   404
training:completion_evidence[B's-id]         GET   login 404   404   404   404   404   404   404
onboarding:icb_overview                      GET   login 403   403   403   200   200   200   200
onboarding:icb_overview_csv                  GET   login 403   403   403   200   200   200   200
onboarding:ra_organisation                   GET   login 403   403   403   200   404   200   200
onboarding:ra_organisation[B's-org]          GET   login 403   403   403   404   200   200   200
onboarding:task_list                         GET   login 200   404   404   404   404   404   404
onboarding:step                              GET   login 200   404   404   404   404   404   404
onboarding:check_answers                     GET   login 200   404   404   404   404   404   404
onboarding:confirmation                      GET   login 302   404   404   404   404   404   404
onboarding:summary                           GET   login 200   200   404   404   404   404   404
onboarding:timeline                          GET   login 200   200   404   404   404   404   404
onboarding:details_correction                GET   login 200   404   404   404   404   404   404
organisations:claim                          GET   login 404   404   200   404   404   404   404
organisations:withdraw_claim                 POST  login 404   404   302   404   404   404   404
organisations:directory_entry                GET   login 404   404   404   200   200   404   404
finder:search                                GET   200   200   200   200   200   200   200   200
finder:organisation                          GET   404   404   404   404   404   404   404   404
finder:icb                                   GET   200   200   200   200   200   200   200   200
finder:api_organisation                      GET   404   404   404   404   404   404   404   404
finder:health                                GET   login 403   403   403   403   403   200   200
finder:health_csv                            GET   login 403   403   403   403   403   200   200
"""

# The admin site itself, and every page of the models RA teams use, written out. The object is organisation
# A's or provider 1's (A's RA request, A's local application, A itself, provider 1) or, for the catalogue,
# shared; so RA team 2 is the other provider. A user's password page is tried on an ordinary account and on
# a superuser's. "[save]" POSTs (an empty form) to a history version's page, which saves what it is sent:
# only those who may change the object may get that far (200 here is the form's errors).
ADMIN = """
admin:index                                  GET   login login login login 200   200   200   200
admin:login                                  GET   200   200   200   200   302   302   302   302
admin:logout                                 POST  302   302   302   302   302   302   302   302
admin:password_change                        GET   login login login login 200   200   200   200
admin:password_change_done                   GET   login login login login 200   200   200   200
admin:autocomplete                           GET   login login login login 403   403   403   403
admin:jsi18n                                 GET   login login login login 200   200   200   200
admin:view_on_site                           GET   login login login login 404   404   404   404
admin:app_list                               GET   login login login login 200   200   200   200
admin:catch_all                              GET   login login login login 404   404   404   404
admin:ra_requests_rarequest_changelist       GET   login login login login 200   200   200   200
admin:ra_requests_rarequest_add              GET   login login login login 403   403   403   403
admin:ra_requests_rarequest_change           GET   login login login login 200   gone  200   200
admin:ra_requests_rarequest_history          GET   login login login login 200   404   200   200
admin:ra_requests_rarequest_simple_history   GET   login login login login 200   404   200   200
admin:ra_requests_rarequest_delete           GET   login login login login 403   403   403   403
admin:ra_requests_rarequest_redirect         GET   login login login login 302   302   302   302
admin:authenticators_application_changelist  GET   login login login login 200   200   200   200
admin:authenticators_application_add         GET   login login login login 403   403   200   200
admin:authenticators_application_change      GET   login login login login 200   gone  200   200
admin:authenticators_application_history     GET   login login login login 200   404   200   200
admin:authenticators_application_simple_history GET login login login login 200  404   200   200
admin:authenticators_application_delete      GET   login login login login 403   403   403   200
admin:authenticators_application_redirect    GET   login login login login 302   302   302   302
admin:authenticators_authenticator_changelist GET  login login login login 200   200   200   200
admin:authenticators_authenticator_add       GET   login login login login 403   403   200   200
admin:authenticators_authenticator_change    GET   login login login login 200   200   200   200
admin:authenticators_authenticator_history   GET   login login login login 200   200   200   200
admin:authenticators_authenticator_simple_history GET login login login login 200 200  200   200
admin:authenticators_authenticator_delete    GET   login login login login 403   403   403   200
admin:authenticators_authenticator_redirect  GET   login login login login 302   302   302   302
admin:organisations_raprovider_changelist    GET   login login login login 200   200   200   200
admin:organisations_raprovider_add           GET   login login login login 403   403   200   200
admin:organisations_raprovider_change        GET   login login login login 200   gone  200   200
admin:organisations_raprovider_history       GET   login login login login 200   404   200   200
admin:organisations_raprovider_simple_history GET  login login login login 200   404   200   200
admin:organisations_raprovider_delete        GET   login login login login 403   403   403   200
admin:organisations_raprovider_redirect      GET   login login login login 302   302   302   302
admin:organisations_organisation_changelist  GET   login login login login 200   200   200   200
admin:organisations_organisation_add         GET   login login login login 403   403   403   200
admin:organisations_organisation_change      GET   login login login login 200   gone  200   200
admin:organisations_organisation_history     GET   login login login login 200   404   200   200
admin:organisations_organisation_simple_history GET login login login login 200  404   200   200
admin:organisations_organisation_delete      GET   login login login login 403   403   403   200
admin:organisations_organisation_redirect    GET   login login login login 302   302   302   302
admin:organisations_raprovider_simple_history[save] POST login login login login 403 404 200   200
admin:organisations_organisation_simple_history[save] POST login login login login 403 404 200 200
admin:authenticators_application_simple_history[save] POST login login login login 403 refused 200 200
admin:authenticators_authenticator_simple_history[save] POST login login login login 403 403 200 200
admin:organisations_organisationclaim_changelist GET login login login login 200 200   200   200
admin:organisations_organisationclaim_add    GET   login login login login 403   403   403   403
admin:organisations_organisationclaim_change GET   login login login login 200   gone  200   200
admin:organisations_organisationclaim_history GET  login login login login 200   404   200   200
admin:organisations_organisationclaim_delete GET   login login login login 403   403   403   403
admin:organisations_organisationclaim_redirect GET login login login login 302   302   302   302
admin:auth_user_password_change              GET   login login login login 403   403   200   200
admin:auth_user_password_change[superuser]   GET   login login login login 403   403   refused 200
"""

# Every other admin model: RA team members have no permission on it (403 on the list and add pages; 403 or
# 404 on an object's pages; 302 for the short object URL, which redirects before any check); people
# without staff status are sent to the admin's sign-in.
# What national admins and superusers may do with the object: v view, a add, c change, d delete.
ADMIN_POWERS = """
auth.group                                   national -     superuser vacd
axes.accessattempt                           national -     superuser vd
axes.accesslog                               national -     superuser vd
axes.accessfailurelog                        national -     superuser vd
organisations.user                           national vac   superuser vacd
organisations.rateammembership               national vacd  superuser vacd
organisations.invitation                     national -     superuser vd
notifications.outboundemail                  national v     superuser v
onboarding.readinessjourney                  national v     superuser vd
onboarding.readinessevent                    national v     superuser vd
training.trainingmodule                      national vac   superuser vacd
ra_requests.declinereason                    national vac   superuser vac
training.moduleversion                       national va    superuser va
authenticators.usergroup                     national -     superuser vacd
authenticators.estatefacts                   national -     superuser vacd
authenticators.planevent                     national -     superuser vacd
"""
# fmt: on

# Cells whose fix is another branch's item: the table above says what they must be; these say why
# they do not pass yet. The coordinator drops each line once that branch is merged.
PENDING: dict[tuple[str, str], str] = {}

ADMIN_ACTIONS = ("changelist", "add", "change", "history", "simple_history", "delete", "redirect")


def parse_table(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    rows = {}
    for line in text.strip().splitlines():
        name, method, *outcomes = line.split()
        assert len(outcomes) == len(ROLES), f"{name}: one outcome per role"
        assert name not in rows, f"{name} twice in the table"
        rows[name] = (method, dict(zip(ROLES, outcomes, strict=True)))
    return rows


def admin_power_rows(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Expand each model's powers into one row per admin page of that model (those it has)."""
    existing = {name for name, _ in url_patterns()}
    rows = {}
    for line in text.strip().splitlines():
        model, _, national, _, superuser = line.split()
        prefix = model.replace(".", "_")
        for action in ADMIN_ACTIONS:
            outcomes = dict.fromkeys((ANON, ADMIN_A, IT_LEAD_A, ADMIN_B), "login")
            for role in (RA_1, RA_2):
                outcomes[role] = "403" if action in ("changelist", "add") else _admin_outcome(action, "x")
            for role, powers in ((NATIONAL, national), (SUPERUSER, superuser)):
                outcomes[role] = _admin_outcome(action, powers)
            if f"admin:{prefix}_{action}" in existing:
                rows[f"admin:{prefix}_{action}"] = ("GET", outcomes)
    return rows


def _admin_outcome(action: str, powers: str) -> str:
    if action == "redirect":
        return "302"
    if powers == "x":
        return "refused"
    needed = {
        "changelist": "vc",
        "change": "vc",
        "history": "vc",
        "simple_history": "vc",
        "add": "a",
        "delete": "d",
    }[action]
    return "200" if set(needed) & set(powers) else "403"


# --- The URLconf: every pattern, named the way the table names it -------------------------------


def url_patterns(resolver=None, namespace="", prefix=""):
    """(table name, route) for every pattern in the URLconf, admin included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else namespace
            yield from url_patterns(pattern, pattern.namespace or inner, route)
        elif isinstance(pattern, URLPattern):
            yield _table_name(namespace, pattern, route), route


def _table_name(namespace: str, pattern: URLPattern, route: str) -> str:
    if pattern.name:
        return f"{namespace}:{pattern.name}" if namespace else pattern.name
    # The admin's unnamed patterns: the short object URL and the catch-all.
    if route.endswith("<path:object_id>/"):
        model = route.removeprefix("admin/").split("/")
        return f"admin:{model[0]}_{model[1]}_redirect"
    if route.endswith("(?P<url>.*)$"):
        return "admin:catch_all"
    return f"{namespace}:?{route}"


TABLE = {**parse_table(PORTAL), **parse_table(ADMIN), **admin_power_rows(ADMIN_POWERS)}


def test_every_url_pattern_has_a_row():
    patterns = {name for name, _ in url_patterns()}
    assert sorted(patterns - TABLE.keys(), key=str) == [], "URL patterns missing from the table"
    rows = {name.split("[")[0] for name in TABLE}
    assert sorted(rows - patterns) == [], "table rows for URL patterns that no longer exist"


# --- Building each row's URL -------------------------------------------------------------------

OBJECT_FOR = {
    "organisations:cancel_invitation": "invitation",
    "ra_requests:detail": "ra_request",
    "ra_requests:reply": "ra_request",
    "ra_requests:reopen": "ra_request",
    "ra_requests:reroute": "ra_request",
    "authenticators:local_remove": "local_application",
    "authenticators:group_edit": "group",
    "authenticators:group_remove": "group",
    "authenticators:choose": "group",
    "training:staff_detail": "staff",
    "training:staff_edit": "staff",
    "training:staff_leave": "staff",
    "training:staff_reinstate": "leaver",
    "training:completion_evidence": "completion",
}


def build_url(world, name: str) -> str:
    url_name, _, variant = name.partition("[")
    if url_name.startswith("admin:"):
        return _admin_url(world, url_name.removeprefix("admin:"), variant)
    a = world.a
    object_side = world.b if variant else a
    kwargs = {}
    if url_name in OBJECT_FOR:
        kwargs = {"ods_code": a.organisation.ods_code, "pk": object_side.objects[OBJECT_FOR[url_name]].pk}
    elif url_name == "organisations:accept_invitation":
        kwargs = {"token": a.objects["invitation_token"]}
    elif url_name == "organisations:confirm_email":
        kwargs = {"token": "not-a-real-token"}
    elif url_name == "organisations:password_reset_confirm":
        kwargs = {"uidb64": "MQ", "token": "not-a-real-token"}
    elif url_name in ("organisations:claim", "organisations:withdraw_claim"):
        # Organisation B's admin made the claim: the claimant's own page, 404 for anyone else.
        kwargs = {"pk": world.claim.pk}
    elif url_name == "finder:icb":
        kwargs = {"ods_code": a.provider.ods_code}
    elif url_name == "onboarding:ra_organisation":
        kwargs = {"ods_code": object_side.organisation.ods_code}
    elif url_name == "onboarding:step":
        kwargs = {"ods_code": a.organisation.ods_code, "slug": "organisation-details"}
    elif "<str:ods_code>" in dict(url_patterns()).get(url_name, ""):
        kwargs = {"ods_code": a.organisation.ods_code}
    url = reverse(url_name, kwargs=kwargs)
    if url_name == "authenticators:api_recommendation":
        url += "?applications=ncrs"
    return url


def _admin_url(world, name: str, variant: str) -> str:
    if name == "auth_user_password_change":
        user = world.admin_objects["organisations.user (superuser)" if variant else "organisations.user"]
        return reverse("admin:auth_user_password_change", args=[user.pk])
    site_pages = {
        "app_list": "/admin/ra_requests/",
        "catch_all": "/admin/no-such-page/",
        "autocomplete": reverse("admin:autocomplete"),
    }
    if name in site_pages:
        return site_pages[name]
    if name == "view_on_site":
        organisation = world.a.organisation
        return reverse(
            "admin:view_on_site", args=[ContentType.objects.get_for_model(organisation).pk, organisation.pk]
        )
    if name in ("index", "login", "logout", "password_change", "password_change_done", "jsi18n"):
        return reverse(f"admin:{name}")
    for model, obj in world.admin_objects.items():
        prefix = model.replace(".", "_")
        if not name.startswith(prefix + "_"):
            continue
        action = name.removeprefix(prefix + "_")
        if action == "changelist":
            return reverse(f"admin:{name}")
        if action == "add":
            return reverse(f"admin:{name}")
        if action == "redirect":
            return reverse(f"admin:{prefix}_change", args=[obj.pk]).removesuffix("change/")
        if action == "simple_history":
            return reverse(f"admin:{prefix}_history", args=[obj.pk]) + f"{obj.history.first().history_id}/"
        return reverse(f"admin:{name}", args=[obj.pk])
    raise AssertionError(f"no admin object for {name}")


# --- The cells ---------------------------------------------------------------------------------


def cells():
    for name, (method, outcomes) in TABLE.items():
        for role in ROLES:
            marks = []
            reason = PENDING.get((name, role))
            if reason:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            yield pytest.param(name, method, role, outcomes[role], marks=marks, id=f"{name}-{role}")


def outcome_of(response, url: str) -> str:
    if response.status_code != 302:
        return str(response.status_code)
    location = response["Location"]
    sign_in_pages = (reverse("organisations:login"), reverse("admin:login"))
    if location.startswith(sign_in_pages):
        return "login"
    if location == reverse("admin:index") and url.endswith(("/change/", "/delete/")):
        return "gone"
    return "302"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "role", "expected"), list(cells()))
def test_role_gets_declared_outcome(authz_world, name, method, role, expected):
    url = build_url(authz_world, name)
    client = authz_world.client_for(role)

    response = client.post(url) if method == "POST" else client.get(url)

    outcome = outcome_of(response, url)
    if expected == "refused":
        assert outcome in ("403", "404", "gone"), f"{role} {method} {url}: {outcome}"
    else:
        assert outcome == expected, f"{role} {method} {url}: {outcome}"

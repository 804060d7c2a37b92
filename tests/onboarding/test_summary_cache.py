"""The summary page's body is cached under the organisation's data version: every kind of write shows
on the next view, time moves it on with no write, and no organisation or role sees another's."""

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onboarding import readiness
from onboarding.selectors import readiness_summary
from organisations.models import Organisation, RAProvider
from organisations.services.directory import update_organisation_icb
from ra_requests import services as ra_services
from ra_requests.models import RARequest
from tests.data_version_helpers import assert_reads_only_tracked_tables
from training import services as training_services

from .test_summary import make_plan, submit_request

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')  # masked afresh on each render


@pytest.fixture
def clock(monkeypatch):
    """clock(moment): from then on ``django.utils.timezone.now()`` returns ``moment``."""
    return lambda moment: monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def view_as(organisation):
    """view_as(user, organisation=organisation) -> the summary page's HTML for that user."""
    clients = {}

    def _view(user, organisation=organisation):
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        response = clients[user.pk].get(reverse("onboarding:summary", args=[organisation.ods_code]))
        assert response.status_code == 200
        return response.content.decode()

    return _view


@pytest.fixture
def page(view_as, org_admin, national_team, catalogue, training_modules):
    """page(): the organisation's summary as its admin sees it."""
    return lambda: view_as(org_admin)


# --- Every write path shows on the next view ---------------------------------------------------


def test_a_submitted_ra_request_shows_on_the_next_view(page, organisation, org_admin):
    assert "is submitted: waiting for the RA team" not in page()

    request = submit_request(organisation, org_admin)

    assert f"Request {request.reference} to {organisation.icb.name} is submitted" in page()


def test_each_ra_request_status_change_and_reply_through_the_services_shows_on_the_next_view(
    page, organisation, org_admin, ra_team_member
):
    request = submit_request(organisation, org_admin)
    assert f"{request.reference} to {organisation.icb.name} is submitted" in page()

    ra_services.acknowledge_ra_request(request, acting_user=ra_team_member)
    assert f"{request.reference} to {organisation.icb.name} is acknowledged" in page()

    ra_services.ask_organisation(request, acting_user=ra_team_member, comment="How many staff?")
    assert f"The RA team is waiting for your reply to {request.reference}." in page()

    ra_services.reply_to_ra_request(request, acting_user=org_admin, comment="Twelve")
    assert f"{request.reference} to {organisation.icb.name} is in progress" in page()

    ra_services.resolve_ra_request(request, acting_user=ra_team_member, comment="Set up")
    assert f"{organisation.icb.name} resolved your request {request.reference}." in page()


def test_an_ra_request_acknowledged_in_the_admin_shows_on_the_next_view(
    page, client, organisation, org_admin, ra_team_member, role_groups
):
    request = submit_request(organisation, org_admin)
    assert "is submitted" in page()
    client.force_login(ra_team_member)

    client.post(
        reverse("admin:ra_requests_rarequest_changelist"),
        {"action": "acknowledge_selected", "_selected_action": [request.pk]},
    )

    assert RARequest.objects.get(pk=request.pk).status == "acknowledged"
    assert f"{request.reference} to {organisation.icb.name} is acknowledged" in page()


def test_the_wizards_ra_answer_shows_on_the_next_view(page, save, details_answers):
    save("organisation-details", details_answers)
    assert "You have not arranged RA support or asked for it." in page()

    save("ra-support", {"has_ra_support": "yes", "provider_name": "Lancashire RA team"})

    assert "You told us you have RA support from Lancashire RA team." in page()


def test_a_plan_change_shows_on_the_next_view(page, organisation, org_admin):
    assert "Clinicians" not in page()

    make_plan(organisation, org_admin)

    html = page()
    assert '<th scope="row" class="nhsuk-table__header">Clinicians</th>' in html
    assert "EMIS Web (unconfirmed) still uses CIS1." in html


def test_training_records_show_on_the_next_view(page, organisation, org_admin):
    assert "You have not named any technical support staff." in page()

    training_services.add_staff_member(
        organisation,
        full_name="Tom Jones",
        email="tom@riverside.example.org",
        role="deskside",
        employment_type="in_house",
        acting_user=org_admin,
    )

    html = page()
    assert "You have not named any technical support staff." not in html
    assert "training modules are overdue" in html or "in date for every module" in html


def test_an_organisation_renamed_by_any_write_shows_on_the_next_view(page, organisation):
    """A bare ``QuerySet.update`` goes through no service: only the data version in the key notices it."""
    assert f"{organisation.name} ({organisation.ods_code})" in page()

    Organisation.objects.filter(pk=organisation.pk).update(name="Riverside Health Centre")

    assert f"Riverside Health Centre ({organisation.ods_code})" in page()


def test_an_ra_request_changed_by_a_bare_update_shows_on_the_next_view(page, organisation, org_admin):
    request = submit_request(organisation, org_admin)
    assert "is submitted" in page()

    RARequest.objects.filter(pk=request.pk).update(status="in_progress")

    assert f"{request.reference} to {organisation.icb.name} is in progress" in page()


def test_an_icb_change_and_an_icb_rename_show_on_the_next_view(page, organisation, other_icb):
    assert f"({organisation.ods_code}), {organisation.icb.name}</span>" in page()

    update_organisation_icb(organisation, icb=other_icb)
    assert f"({organisation.ods_code}), {other_icb.name}</span>" in page()

    RAProvider.objects.filter(pk=other_icb.pk).update(name="Renamed ICB")  # reference data
    assert f"({organisation.ods_code}), Renamed ICB</span>" in page()


# --- Time --------------------------------------------------------------------------------------


def test_an_sla_passing_turns_the_words_overdue_with_no_write(
    page, organisation, org_admin, clock, django_assert_num_queries
):
    request = submit_request(organisation, org_admin)
    due = request.sla_due_at()
    due_words = f"{timezone.localtime(due):%-d %B %Y, %H:%M}"
    clock(due - datetime.timedelta(minutes=5))
    assert f"A reply is due by {due_words}." in page()

    clock(due)
    assert f"A reply is due by {due_words}." in page()
    clock(due + datetime.timedelta(seconds=1))

    assert f"A reply was due by {due_words}: it is overdue." in page()


def test_the_day_changing_updates_the_days_to_cis1_retirement(page, organisation, org_admin, clock):
    make_plan(organisation, org_admin)
    evening = datetime.datetime(2026, 12, 1, 23, 30, tzinfo=LONDON)
    clock(evening)
    assert "That leaves 89 days." in page()

    clock(evening + datetime.timedelta(hours=1))

    assert "That leaves 88 days." in page()


def test_the_computed_at_time_is_when_the_shown_summary_was_worked_out(page, clock):
    first = datetime.datetime(2026, 12, 1, 9, 15, tzinfo=LONDON)
    clock(first)
    page()
    clock(first + datetime.timedelta(hours=2))

    assert "records on 1 December 2026 at 09:15." in page()


# --- Nobody sees another's content --------------------------------------------------------------


def test_two_organisations_never_see_each_others_summary(
    page, view_as, organisation, other_organisation, other_org_admin, org_admin
):
    submit_request(organisation, org_admin)
    mine = page()

    theirs = view_as(other_org_admin, organisation=other_organisation)

    assert f"{other_organisation.name} ({other_organisation.ods_code})" in theirs
    assert organisation.name not in theirs
    assert organisation.ods_code not in theirs
    assert "is submitted" not in theirs
    assert other_organisation.name not in mine


def test_two_roles_never_see_each_others_action_links(page, view_as, organisation, it_lead):
    step = reverse("onboarding:step", args=[organisation.ods_code, "applications"])
    admins = page()

    it_leads = view_as(it_lead)

    assert f'href="{step}"' in admins
    assert "Your organisation admin can do this." not in admins
    assert f'href="{step}"' not in it_leads
    assert "Your organisation admin can do this." in it_leads
    assert f'href="{step}"' in page()


# --- What the cache reads, and what a repeat view costs --------------------------------------------


def test_the_cached_body_is_built_only_from_tracked_tables(
    client, organisation, org_admin, save, details_answers, catalogue, training_modules, national_team
):
    from organisations.data_versions import page_cache

    save("organisation-details", details_answers)
    submit_request(organisation, org_admin)
    make_plan(organisation, org_admin)
    client.force_login(org_admin)
    view = client.get(reverse("onboarding:summary", args=[organisation.ods_code])).context["view"]
    page_cache.clear()  # the training figure has a cache of its own: read its tables too

    # "pairs" and "classified" name the training figure's common table expressions, not tables.
    assert_reads_only_tracked_tables(
        lambda: view.render_body(timezone.localdate()), ignore=("pairs", "classified")
    )


def test_a_repeat_view_reads_only_the_session_membership_and_data_version(
    page, organisation, org_admin, django_assert_num_queries
):
    submit_request(organisation, org_admin)
    make_plan(organisation, org_admin)
    first = page()

    # Session, user, membership with organisation and ICB, the data version.
    with django_assert_num_queries(4):
        repeat = page()

    assert CSRF.sub("", repeat) == CSRF.sub("", first)


def test_the_summary_knows_when_an_ra_requests_reply_falls_due(organisation, org_admin, national_team):
    assert readiness_summary(organisation).valid_until is None
    request = submit_request(organisation, org_admin)

    assert readiness_summary(organisation).valid_until == request.sla_due_at()


# --- The markup is what the single template gave --------------------------------------------------

BEFORE = Path(__file__).with_name("summary_before_fragments.html").read_text()


@pytest.mark.parametrize("user_fixture", ["org_admin", "it_lead"])
def test_the_page_is_the_html_the_single_template_gave(
    request,
    client,
    organisation,
    org_admin,
    save,
    details_answers,
    catalogue,
    training_modules,
    national_team,
    clock,
    user_fixture,
):
    save("organisation-details", details_answers)
    submit_request(organisation, org_admin)
    make_plan(organisation, org_admin)
    client.force_login(request.getfixturevalue(user_fixture))
    clock(timezone.now())  # the same "computed at" both ways

    response = client.get(reverse("onboarding:summary", args=[organisation.ods_code]))

    view = response.context["view"]
    summary = readiness_summary(organisation)
    before = (
        engines["django"]
        .from_string(BEFORE)
        .render(
            {
                "view": view,
                "organisation": organisation,
                "summary": summary,
                "actions": [view.action_link(item) for item in summary.actions],
                "chosen_by_group": summary.chosen_authenticators_by_group,
                "cis1_retirement_date": readiness.CIS1_RETIREMENT_DATE,
            },
            request=response.wsgi_request,
        )
    )
    assert CSRF.sub("", response.content.decode()) == CSRF.sub("", before)

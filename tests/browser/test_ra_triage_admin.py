"""An RA team member triages in the admin site, in a real browser, checked with axe-core."""

import datetime

import pytest
from django.utils import timezone

from notifications.models import OutboundEmail
from organisations import services as organisation_services
from organisations.models import Role
from ra_requests import services
from tests.factories import (
    TEST_PASSWORD,
    NationalRATeamFactory,
    OrganisationFactory,
    RAProviderFactory,
    UserFactory,
)

from .helpers import assert_no_serious_axe_violations, sign_in


def _submit(organisation, admin, contact_email):
    return services.submit_ra_request(
        organisation,
        submitted_by=admin,
        help_needed=["issue_smartcards"],
        staff_affected=3,
        needed_by=timezone.localdate() + datetime.timedelta(days=14),
        contact_name="Asha Patel",
        contact_phone="01632 960001",
        contact_email=contact_email,
        already_tried="Emailed the ICB twice.",
        charge_acknowledged=True,
    )


@pytest.fixture
def triage_world(transactional_db, decline_reasons):
    NationalRATeamFactory()
    icb = RAProviderFactory(
        ods_code="QE1",
        name="NHS Lancashire and South Cumbria ICB",
        region="",
        ra_contact_email="ra@lsc.example.org",
    )
    RAProviderFactory(ods_code="QWO", name="NHS West Yorkshire ICB", region="North East and Yorkshire")
    riverside = OrganisationFactory(ods_code="A81001", name="Riverside Medical Practice", icb=icb)
    meadow = OrganisationFactory(ods_code="A81002", name="Meadow Lane Practice", icb=icb)
    admin = UserFactory(email="admin@riverside.example.org", first_name="Asha", last_name="Patel")
    organisation_services.add_membership(riverside, user=admin, role=Role.ORG_ADMIN)
    member = UserFactory(email="sam@lsc.example.org", first_name="Sam", last_name="Clarke")
    colleague = UserFactory(email="ben@lsc.example.org", first_name="Ben", last_name="Okafor")
    organisation_services.add_ra_team_member(icb, user=member)
    organisation_services.add_ra_team_member(icb, user=colleague)
    for _ in range(4):
        _submit(meadow, admin, "meadow@example.org")
    ra_request = _submit(riverside, admin, "asha@riverside.example.org")
    _submit(meadow, admin, "meadow@example.org")
    return {"request": ra_request, "admin": admin, "member": member, "colleague": colleague}


class Console:
    """Console errors the pages themselves cause. axe-core's own stylesheet reading trips the CSP on
    pages that @import a stylesheet, so errors raised while axe runs are dropped."""

    def __init__(self, page):
        self.errors = []
        page.on(
            "console", lambda message: self.errors.append(message.text) if message.type == "error" else None
        )

    def check_page(self, page):
        own = [error for error in self.errors if "Content Security Policy" in error or "404" in error]
        assert own == [], f"console errors on {page.url}: {own}"
        assert_no_serious_axe_violations(page)
        self.errors.clear()


def _save(page, button="Save and continue editing"):
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    return page.locator(".messagelist").inner_text()


def test_ra_team_member_triages_a_request_from_search_to_decline(page, base_url, triage_world):
    ra_request, colleague = triage_world["request"], triage_world["colleague"]
    console = Console(page)
    sign_in(page, base_url, triage_world["member"].email, TEST_PASSWORD)

    with page.expect_navigation():
        page.get_by_role("link", name="Triage RA requests").click()
    assert page.get_by_role("heading", level=1).inner_text() == "RA requests"
    assert page.locator("#result_list tbody tr").count() == 6
    console.check_page(page)

    page.get_by_label("Search", exact=True).fill(ra_request.reference)
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    assert page.locator("#result_list tbody tr").count() == 1
    console.check_page(page)
    with page.expect_navigation():
        page.get_by_role("link", name=ra_request.reference).click()
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == f"{ra_request.reference} — Riverside Medical Practice"
    )
    console.check_page(page)

    page.get_by_label("Assigned to").select_option(label="Ben Okafor")
    assigned = _save(page)
    page.get_by_label("Note to the organisation").fill("We have ordered three smartcards.")
    noted = _save(page)
    page.get_by_label("Acknowledge").check()
    acknowledged = _save(page)
    page.get_by_label("Decline").check()
    page.get_by_label("Reason for declining").select_option(label="The organisation is outside our area")
    declined = _save(page)
    console.check_page(page)

    assert assigned == f"{ra_request.reference}: assigned to Ben Okafor, who has been emailed."
    assert noted.startswith(
        f"{ra_request.reference}: your note was added to the timeline and emailed to asha@"
    )
    assert acknowledged.startswith(f"{ra_request.reference}: acknowledged.")
    assert declined.startswith(f"{ra_request.reference}: declined.")
    ra_request.refresh_from_db()
    assert (ra_request.status, ra_request.assigned_to, ra_request.decline_reason) == (
        "declined",
        colleague,
        "outside_area",
    )
    outbox = {
        (tuple(email.to), email.subject.split(" [")[0])
        for email in OutboundEmail.objects.filter(topic=f"ra_request:{ra_request.pk}")
    }
    contact = ("asha@riverside.example.org",)
    assert {
        (("ben@lsc.example.org",), "Assigned to you: RA support request from Riverside Medical Practice"),
        (contact, "A note about your RA support request from NHS Lancashire and South Cumbria ICB"),
        (contact, "Your RA support request: acknowledged"),
        (contact, "Your RA support request: declined"),
    } <= outbox

    page.context.clear_cookies()
    sign_in(page, base_url, triage_world["admin"].email, TEST_PASSWORD)
    page.goto(f"{base_url}/ra-requests/A81001/{ra_request.pk}/")
    timeline = page.get_by_role("table", name="Everything that has happened to this request").inner_text()
    for step in ("Assigned to Ben Okafor", "We have ordered three smartcards.", "Acknowledged", "Declined"):
        assert step in timeline
    assert "Declined: The organisation is outside our area" in page.content()
    console.check_page(page)


def test_national_admin_pages_with_autocomplete_filters_and_dates_pass_axe(page, base_url, triage_world):
    national = UserFactory(email="national@example.org")
    organisation_services.make_national_admin(national)
    console = Console(page)
    sign_in(page, base_url, national.email, TEST_PASSWORD)
    provider = RAProviderFactory(ods_code="QZZ", name="NHS Nowhere ICB", region="")

    for path in [
        "/admin/organisations/raprovider/",
        "/admin/organisations/raprovider/?region=none",
        f"/admin/organisations/raprovider/{provider.pk}/change/",
        "/admin/organisations/organisation/",
        "/admin/organisations/rateammembership/add/",
        f"/admin/organisations/user/{national.pk}/change/",
        f"/admin/ra_requests/rarequest/{triage_world['request'].pk}/history/",
        "/admin/ra_requests/rarequest/?assigned=nobody&status=open",
        "/admin/ra_requests/declinereason/",
    ]:
        page.goto(base_url + path)
        page.wait_for_load_state("load")
        console.check_page(page)

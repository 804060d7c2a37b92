"""The organisation's RA request pages in a real browser (Chromium), checked with axe-core."""

import datetime

from django.utils import timezone

from organisations import services as organisation_services
from organisations.models import Role
from ra_requests.models import RARequest
from tests.factories import (
    TEST_PASSWORD,
    NationalRATeamFactory,
    OrganisationFactory,
    RAProviderFactory,
    UserFactory,
)

from .helpers import assert_no_serious_axe_violations, sign_in


def test_organisation_admin_asks_for_ra_support_and_sees_the_timeline(page, base_url):
    NationalRATeamFactory()
    icb = RAProviderFactory(ods_code="QE1", name="NHS Lancashire and South Cumbria ICB")
    organisation = OrganisationFactory(ods_code="A81001", name="Riverside Surgery", icb=icb)
    admin = UserFactory(email="admin@riverside.example.org")
    organisation_services.add_membership(organisation, user=admin, role=Role.ORG_ADMIN)
    sign_in(page, base_url, admin.email, TEST_PASSWORD)

    page.goto(f"{base_url}/ra-requests/A81001/")
    assert_no_serious_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Ask for RA support").click()
    page.get_by_label("Issue smartcards").check()
    page.get_by_label("Contact name").fill("Asha Patel")
    with page.expect_navigation():
        page.get_by_role("button", name="Send request").click()

    summary = page.locator(".nhsuk-error-summary")
    assert summary.is_visible()
    assert "Enter a contact phone number" in summary.inner_text()
    assert page.get_by_label("Issue smartcards").is_checked()
    assert page.get_by_label("Contact name").input_value() == "Asha Patel"
    assert_no_serious_axe_violations(page)

    needed_by = timezone.localdate() + datetime.timedelta(days=14)
    page.get_by_label("How many staff are affected?").fill("3")
    page.get_by_label("Day").fill(str(needed_by.day))
    page.get_by_label("Month").fill(str(needed_by.month))
    page.get_by_label("Year").fill(str(needed_by.year))
    page.get_by_label("Contact phone number").fill("01632 960001")
    page.get_by_label("Contact email address").fill("asha@riverside.example.org")
    page.get_by_label("What has your organisation already tried?").fill("Emailed the ICB twice.")
    page.get_by_label("I understand that whoever provides RA support may charge").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send request").click()

    ra_request = RARequest.objects.get()
    assert page.get_by_role("heading", level=1).inner_text() == f"RA support request {ra_request.reference}"
    assert (
        "Routed to NHS Lancashire and South Cumbria ICB because"
        in page.locator(".nhsuk-inset-text").inner_text()
    )
    timeline = page.get_by_role("table", name="Everything that has happened to this request")
    assert "Submitted" in timeline.inner_text()
    assert_no_serious_axe_violations(page)


def test_organisation_replies_and_accepts_a_decline_next_step_accessibly(page, base_url, decline_reasons):
    from ra_requests import services

    NationalRATeamFactory()
    icb = RAProviderFactory(ods_code="QE1", name="NHS Lancashire and South Cumbria ICB")
    organisation = OrganisationFactory(ods_code="A81001", name="Riverside Surgery", icb=icb)
    admin = UserFactory(email="admin@riverside.example.org")
    ra_member = UserFactory(email="ra@lsc.example.org")
    organisation_services.add_membership(organisation, user=admin, role=Role.ORG_ADMIN)
    ra_request = services.submit_ra_request(
        organisation,
        submitted_by=admin,
        help_needed=["unlock_renew"],
        staff_affected=2,
        needed_by=timezone.localdate() + datetime.timedelta(days=7),
        contact_name="Asha Patel",
        contact_phone="01632 960001",
        contact_email="asha@riverside.example.org",
        already_tried="Self-service unlock failed.",
        charge_acknowledged=True,
    )
    services.acknowledge_ra_request(ra_request, acting_user=ra_member)
    services.ask_organisation(ra_request, acting_user=ra_member, comment="Have the certificates expired?")
    sign_in(page, base_url, admin.email, TEST_PASSWORD)
    page.goto(f"{base_url}/ra-requests/A81001/{ra_request.pk}/")

    with page.expect_navigation():
        page.get_by_role("button", name="Send reply").click()
    assert "Enter your reply" in page.locator(".nhsuk-error-summary").inner_text()
    assert_no_serious_axe_violations(page)
    page.get_by_label("Your reply").fill("Yes, both expired last month.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send reply").click()
    services.decline_ra_request(ra_request, reason="not_supported", acting_user=ra_member)
    page.reload()

    assert "What you can do next: Send the request to the national RA team." in page.content()
    assert_no_serious_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Send this request to the national RA team").click()
    assert page.locator("main .nhsuk-tag").first.inner_text() == "Re-routed"
    assert "Yes, both expired last month." in page.get_by_role("table").inner_text()

"""The account pages in a real browser, each checked with axe-core: sign-up, sign-in, team, invitation."""

import pytest
from django.conf import settings

from organisations import services
from organisations.models import Invitation, Role
from tests.browser.helpers import assert_no_serious_axe_violations, sign_in
from tests.factories import TEST_PASSWORD, OrganisationFactory, RAProviderFactory, UserFactory

from .helpers import emails_to, link_path

pytestmark = pytest.mark.browser

PASSWORD = "lighthouse-harbour-2026"


def wait_for_frontend(page):
    page.wait_for_function("document.body.classList.contains('nhsuk-frontend-supported')")


def test_sign_up_errors_then_success_are_accessible(page, base_url):
    RAProviderFactory(ods_code="QE1", name="NHS Lancashire and South Cumbria Integrated Care Board")
    page.goto(f"{base_url}/account/sign-up/")
    wait_for_frontend(page)
    assert_no_serious_axe_violations(page)

    page.get_by_label("Work email address").fill("asha.patel@example.org")
    page.get_by_label("Your organisation's ODS code").fill("12")
    with page.expect_navigation():
        page.get_by_role("button", name="Create account").click()
    wait_for_frontend(page)

    assert page.title().startswith("Error: Create an organisation admin account")
    summary = page.locator(".nhsuk-error-summary")
    assert summary.get_by_role("link", name="Enter a valid ODS code", exact=False).get_attribute("href") == (
        "#id_ods_code"
    )
    assert page.get_by_label("Work email address").input_value() == "asha.patel@example.org"
    assert_no_serious_axe_violations(page)

    page.get_by_label("First name").fill("Asha")
    page.get_by_label("Last name").fill("Patel")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD)
    page.get_by_label("Your organisation's ODS code").fill("A81234")
    page.get_by_label("Organisation name").fill("Canal Street Surgery")
    page.get_by_label("GP practice").check()
    page.get_by_label("Integrated care board (ICB)").select_option(
        label="NHS Lancashire and South Cumbria Integrated Care Board"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Create account").click()

    assert page.locator("h1").inner_text() == "Check your email"
    assert_no_serious_axe_violations(page)
    [email] = emails_to("asha.patel@example.org")
    page.goto(base_url + link_path(email, "/account/confirm-email/"))
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm and sign in").click()
    assert page.locator("h1").inner_text() == "Your organisations"
    assert "Canal Street Surgery" in page.locator("main").inner_text()


def test_sign_in_error_and_lockout_pages_are_accessible(page, base_url):
    UserFactory(email="asha@example.org")
    page.goto(f"{base_url}/account/sign-in/")
    page.get_by_label("Email address").fill("asha@example.org")
    page.get_by_label("Password", exact=True).fill("wrong-password-1")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    wait_for_frontend(page)

    assert "Enter a correct email address and password" in page.locator(".nhsuk-error-summary").inner_text()
    assert_no_serious_axe_violations(page)

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page.get_by_label("Password", exact=True).fill("wrong-password-1")
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in", exact=True).click()
    assert page.locator("h1").inner_text() == "Your account is locked for 1 hour"
    assert_no_serious_axe_violations(page)


def test_team_page_and_invitation_acceptance_are_accessible(page, base_url):
    icb = RAProviderFactory(ods_code="QE1")
    organisation = OrganisationFactory(ods_code="A81001", name="Riverside Surgery", icb=icb)
    admin = UserFactory(email="admin@riverside.example.org", first_name="Priya", last_name="Shah")
    services.add_membership(organisation, user=admin, role=Role.ORG_ADMIN)
    sign_in(page, base_url, admin.email, TEST_PASSWORD)

    page.goto(f"{base_url}/account/A81001/team/")
    page.get_by_label("Email address").fill("nia.lead@example.org")
    page.get_by_label("IT lead").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send invitation").click()
    wait_for_frontend(page)

    assert "Invitation sent to nia.lead@example.org as an IT lead." in page.locator("main").inner_text()
    assert "nia.lead@example.org" in page.locator("main table").nth(1).inner_text()
    assert_no_serious_axe_violations(page)

    invitation = Invitation.objects.get()
    link = link_path(emails_to(invitation.email)[0], "/account/invitation/")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    page.goto(base_url + link)
    assert_no_serious_axe_violations(page)
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Lead")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Create account and accept").click()

    assert "You are now an IT lead at Riverside Surgery." in page.locator("main").inner_text()
    assert_no_serious_axe_violations(page)

"""The home page in a real browser: signing in, what an organisation admin sees, axe and keyboard."""

from organisations import services
from organisations.models import Role
from tests.factories import TEST_PASSWORD, OrganisationFactory, RAProviderFactory, UserFactory

from .helpers import assert_no_serious_axe_violations, sign_in


def make_org_admin():
    icb = RAProviderFactory(ods_code="QE1", name="NHS Lancashire and South Cumbria Integrated Care Board")
    organisation = OrganisationFactory(ods_code="A81001", name="Riverside Surgery", icb=icb)
    OrganisationFactory(ods_code="B82002", name="Hillside Surgery", icb=icb)
    user = UserFactory(email="priya.shah@riverside.example.org", first_name="Priya", last_name="Shah")
    services.add_membership(organisation, user=user, role=Role.ORG_ADMIN)
    return user


def test_home_org_admin_signs_in_sees_their_organisation_accessibly(page, base_url):
    user = make_org_admin()

    sign_in(page, base_url, user.email, TEST_PASSWORD)

    assert page.url == f"{base_url}/"
    assert page.title() == "Your organisations \N{EN DASH} CIS onboarding portal"
    assert page.locator("h1").inner_text() == "Your organisations"
    assert page.locator("main h2").first.inner_text().startswith("Riverside Surgery")
    assert "Hillside Surgery" not in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Team").get_attribute("href") == "/account/A81001/team/"
    account = page.get_by_role("navigation", name="Account")
    assert "Priya Shah" in account.inner_text()
    assert account.get_by_role("button", name="Sign out").is_visible()
    # nhsuk-frontend's JavaScript loaded as an ES module and started.
    page.wait_for_function("document.body.classList.contains('nhsuk-frontend-supported')")
    assert_no_serious_axe_violations(page)


def test_home_keyboard_skip_link_comes_first_and_moves_focus_to_main(page, base_url):
    user = make_org_admin()
    sign_in(page, base_url, user.email, TEST_PASSWORD)
    page.wait_for_function("document.body.classList.contains('nhsuk-frontend-supported')")

    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.textContent.trim()]")
    page.keyboard.press("Enter")
    focused_after_enter = page.evaluate("document.activeElement.id")

    assert focused == ["nhsuk-skip-link", "Skip to main content"]
    assert focused_after_enter == "maincontent"


def test_home_sign_out_button_signs_the_user_out(page, base_url):
    user = make_org_admin()
    sign_in(page, base_url, user.email, TEST_PASSWORD)

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()

    assert page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in").is_visible()
    assert page.locator("h1").inner_text() == "Get ready for the Care Identity Service"


def test_sign_in_errors_take_focus_to_the_error_summary_which_links_to_each_field(page, base_url):
    page.goto(f"{base_url}/account/sign-in/")

    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_function("document.activeElement.classList.contains('nhsuk-error-summary')")
    summary = page.locator(".nhsuk-error-summary")
    links = summary.get_by_role("link")

    assert page.title().startswith("Error: ")
    assert summary.get_by_role("heading").inner_text() == "There is a problem"
    assert [links.nth(i).inner_text() for i in range(links.count())] == [
        "Enter your email address",
        "Enter your password",
    ]
    links.nth(1).click()
    assert page.evaluate("document.activeElement.id") == "id_password"
    assert_no_serious_axe_violations(page)

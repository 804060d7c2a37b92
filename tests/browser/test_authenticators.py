"""The authenticator chooser and plan pages in a real browser, checked with axe-core."""

from django.conf import settings

from authenticators import reference_data, services
from organisations import services as organisation_services
from organisations.models import Role
from tests.factories import TEST_PASSWORD, OrganisationFactory, RAProviderFactory, UserFactory

from .helpers import assert_no_serious_axe_violations, sign_in


def test_public_chooser_choose_applications_and_see_matrix_and_recommendation(page, base_url):
    reference_data.load(settings.REFERENCE_DATA_DIR)

    page.goto(f"{base_url}/authenticators/")
    assert_no_serious_axe_violations(page)
    page.get_by_label("National Care Records Service (NCRS)").check()
    page.get_by_label("SystmOne").check()
    page.get_by_label("EMIS Web").check()
    page.get_by_role("group", name="Do staff share workstations or devices?").get_by_label("Yes").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Show authenticators").click()

    assert page.get_by_role("heading", name="Your results").is_visible()
    matrix = page.get_by_role("table", name="Which authenticators work with each application you chose")
    assert matrix.is_visible()
    emis_row = matrix.get_by_role("row", name="EMIS Web", exact=False)
    smartcard_cell = emis_row.get_by_role("cell").filter(has_text="NHS smartcard with EMIS Web")
    passkey_cell = emis_row.get_by_role("cell").filter(has_text="Passkey with EMIS Web")
    assert smartcard_cell.inner_text().startswith("Can use")
    assert passkey_cell.inner_text().startswith("Cannot use")
    page.get_by_text("Why each authenticator can or cannot be used with EMIS Web").click()
    assert page.get_by_text(
        "Passkey: cannot use. This application still uses CIS1, which accepts only smartcards over HSCN"
    ).is_visible()
    assert "EMIS Web still uses CIS1" in page.locator(".nhsuk-warning-callout").inner_text()
    recommended = page.locator(".nhsuk-card").first
    assert recommended.get_by_role("listitem").first.inner_text() == "NHS smartcard (AAL3)"
    assert page.get_by_label("EMIS Web").is_checked()
    assert_no_serious_axe_violations(page)


def test_public_chooser_without_applications_shows_error_summary_accessibly(page, base_url):
    reference_data.load(settings.REFERENCE_DATA_DIR)

    page.goto(f"{base_url}/authenticators/")
    with page.expect_navigation():
        page.get_by_role("button", name="Show authenticators").click()

    summary = page.locator(".nhsuk-error-summary")
    assert summary.get_by_role("link", name="Select at least one application").get_attribute("href") == (
        "#id_applications_0"
    )
    assert page.title().startswith("Error: ")
    assert_no_serious_axe_violations(page)


def test_org_admin_plan_matrix_and_choice_pages_are_accessible(page, base_url):
    reference_data.load(settings.REFERENCE_DATA_DIR)
    icb = RAProviderFactory(ods_code="QE1", name="NHS Lancashire and South Cumbria Integrated Care Board")
    organisation = OrganisationFactory(ods_code="A81001", name="Riverside Surgery", icb=icb)
    user = UserFactory(email="priya.shah@riverside.example.org")
    organisation_services.add_membership(organisation, user=user, role=Role.ORG_ADMIN)
    services.save_application_inventory(organisation, catalogue_slugs=["ncrs", "systmone", "emis-web"])
    group = services.save_user_group(
        organisation, name="Clinicians", head_count=5, application_slugs=["systmone", "emis-web"]
    )

    sign_in(page, base_url, user.email, TEST_PASSWORD)
    for path in [
        "",
        "matrix/",
        "applications/",
        "applications/local/",
        "estate/",
        "groups/new/",
        f"groups/{group.pk}/choose/",
        f"groups/{group.pk}/remove/",
        "print/",
    ]:
        page.goto(f"{base_url}/authenticators/A81001/{path}")
        assert page.locator("h1").is_visible()
        assert_no_serious_axe_violations(page)

    page.goto(f"{base_url}/authenticators/A81001/groups/{group.pk}/choose/")
    page.get_by_label("Windows Hello (AAL3)").check()
    page.get_by_label("NHS smartcard (AAL3)").uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Save choice").click()

    # A choice that leaves EMIS Web (CIS1) without a way to sign in is stopped, naming what covers it.
    assert page.url == f"{base_url}/authenticators/A81001/groups/{group.pk}/choose/"
    assert "Clinicians would have no way to sign in to EMIS Web. Add NHS smartcard" in (
        page.locator(".nhsuk-error-summary").inner_text()
    )
    assert_no_serious_axe_violations(page)
    page.get_by_label("NHS smartcard (AAL3)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save choice").click()
    assert page.url == f"{base_url}/authenticators/A81001/"
    assert_no_serious_axe_violations(page)

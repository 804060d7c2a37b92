"""The training modules page and the staff CSV import in a real browser, checked with axe-core."""

from django.conf import settings

from organisations import services
from organisations.models import Role
from tests.factories import TEST_PASSWORD, OrganisationFactory, RAProviderFactory, UserFactory
from training import reference_data

from .helpers import assert_no_serious_axe_violations, sign_in


def test_it_lead_reads_module_proposals_and_imports_a_file_with_a_wrong_role(page, base_url, tmp_path):
    reference_data.load(settings.REFERENCE_DATA_DIR)
    icb = RAProviderFactory(ods_code="QE1", name="NHS Lancashire and South Cumbria Integrated Care Board")
    organisation = OrganisationFactory(ods_code="A81001", name="Riverside Surgery", icb=icb)
    user = UserFactory(email="tom.jones@riverside.example.org")
    services.add_membership(organisation, user=user, role=Role.IT_LEAD)
    sign_in(page, base_url, user.email, TEST_PASSWORD)

    page.goto(f"{base_url}/training/A81001/modules/")
    assert page.get_by_text("Proposal, unconfirmed").count() >= 2
    assert_no_serious_axe_violations(page)

    page.goto(f"{base_url}/training/A81001/staff/import/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download a template CSV file").click()
    template = tmp_path / "staff.csv"
    download.value.save_as(template)
    template.write_text(template.read_text() + "Bob Brown,bob@example.org,astronaut,in_house,\n")
    page.locator("input[type=file][name=file]").set_input_files(template)
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and check").click()

    assert 'The role "astronaut" is not one the portal knows.' in page.locator("#preview-table").inner_text()
    assert "In-house" in page.locator("#preview-table").inner_text()
    assert_no_serious_axe_violations(page)

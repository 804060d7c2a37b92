"""The public Find-your-RA page in a real browser, by keyboard only, checked with axe on each page."""

import datetime

import pytest
from django.utils import timezone

from organisations.models import KnownOrganisation, RAProvider
from organisations.ods_data import search_text_for
from tests.factories import NationalRATeamFactory, RAProviderFactory

from .helpers import assert_no_serious_axe_violations


@pytest.fixture
def directory(base_url):
    NationalRATeamFactory()
    confirmed = RAProviderFactory(
        ods_code="QE1",
        name="NHS Lancashire and South Cumbria Integrated Care Board",
        ra_contact_phone="01632 960100",
        contact_given_by="ra_team",
        contact_confirmed_at=timezone.now() - datetime.timedelta(days=20),
    )
    without_contact = RAProviderFactory(
        ods_code="QHM", name="NHS North East Integrated Care Board", ra_contact_email=""
    )
    for code, name, postcode, icb in [
        ("P81001", "RIVERSIDE MEDICAL PRACTICE", "PR1 2AB", confirmed),
        ("A81001", "THE DENSHAM SURGERY", "TS18 1HU", without_contact),
    ]:
        KnownOrganisation.objects.create(
            ods_code=code,
            name=name,
            postcode=postcode,
            organisation_type="gp_practice",
            icb=icb,
            source="gp-practices.csv",
            search_text=search_text_for(name, postcode),
        )
    return base_url


def _search_by_keyboard(page, text):
    page.get_by_label("ODS code, practice name or postcode").focus()
    page.keyboard.type(text)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_search_by_code_opens_the_answer_with_the_contact(page, directory):
    page.goto(f"{directory}/directory/")
    assert_no_serious_axe_violations(page)

    _search_by_keyboard(page, "p81001")

    assert page.url == f"{directory}/directory/organisations/P81001/"
    main = page.locator("main").inner_text()
    assert "RA support for Riverside Medical Practice" in main
    assert "01632 960100" in main
    assert "Last confirmed" in main
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize("text", ["riverside", "PR1 2AB"])
def test_search_by_name_or_postcode_then_follow_the_result_by_keyboard(page, directory, text):
    page.goto(f"{directory}/directory/")

    _search_by_keyboard(page, text)

    assert page.get_by_role("heading", name=f'1 result for "{text}"').is_visible()
    assert_no_serious_axe_violations(page)
    result = page.get_by_role("link", name="Riverside Medical Practice")
    result.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{directory}/directory/organisations/P81001/"


def test_no_result_says_so_accessibly(page, directory):
    page.goto(f"{directory}/directory/")

    _search_by_keyboard(page, "Nowhere Health Centre")

    assert "We could not find a GP practice matching that" in page.locator("main").inner_text()
    assert_no_serious_axe_violations(page)


def test_empty_search_shows_the_error_summary_and_focuses_it(page, directory):
    page.goto(f"{directory}/directory/")
    page.wait_for_function("document.body.classList.contains('nhsuk-frontend-supported')")

    with page.expect_navigation():
        page.get_by_role("button", name="Search").press("Enter")

    assert page.title().startswith("Error: ")
    page.wait_for_function("document.activeElement.classList.contains('nhsuk-error-summary')")
    assert_no_serious_axe_violations(page)


def test_provider_without_a_contact_gives_the_national_route(page, directory):
    page.goto(f"{directory}/directory/organisations/A81001/")

    main = page.locator("main").inner_text()
    assert "We have no working contact for NHS North East Integrated Care Board's RA team" in main
    assert "national-ra@example.org" in main
    assert RAProvider.objects.get(ods_code="QHM").ra_contact_email == ""
    assert_no_serious_axe_violations(page)


def test_choosing_an_icb_from_the_list_by_keyboard(page, directory):
    page.goto(f"{directory}/directory/")

    page.get_by_label("Or choose your integrated care board (ICB)").select_option("QE1")
    page.get_by_role("button", name="Show RA support for this ICB").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url == f"{directory}/directory/icbs/QE1/"
    assert_no_serious_axe_violations(page)

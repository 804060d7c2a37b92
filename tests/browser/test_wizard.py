"""The readiness wizard in a real browser: a new organisation admin's whole journey.

Fills the wizard, signs out half-way, signs back in and resumes, changes the RA answer from check
your answers (which brings in and sends the RA request, then returns there), submits, and sees the
summary reflect the RA request and the plan. axe runs on every wizard page; the first three steps
are done with the keyboard only (Tab, Space, Enter and typing).
"""

import datetime
import re

from django.conf import settings

from authenticators import reference_data as authenticator_reference_data
from onboarding import services as onboarding_services
from organisations import services
from organisations.models import Role
from ra_requests.models import RARequest
from tests.factories import (
    TEST_PASSWORD,
    NationalRATeamFactory,
    OrganisationFactory,
    RAProviderFactory,
    UserFactory,
)
from training import reference_data as training_reference_data
from training.models import StaffMember

from .helpers import assert_no_serious_axe_violations, sign_in

MAX_TABS = 60


def make_new_admin():
    authenticator_reference_data.load(settings.REFERENCE_DATA_DIR)
    training_reference_data.load(settings.REFERENCE_DATA_DIR)
    NationalRATeamFactory()
    icb = RAProviderFactory(ods_code="QE1", name="NHS Lancashire and South Cumbria Integrated Care Board")
    organisation = OrganisationFactory(ods_code="A81001", name="Riverside Surgery", icb=icb)
    user = UserFactory(email="asha.patel@riverside.example.org", first_name="Asha", last_name="Patel")
    services.add_membership(organisation, user=user, role=Role.ORG_ADMIN)
    return organisation, user


def tab_to(page, selector: str) -> None:
    """Press Tab until the element matching ``selector`` has focus, as a keyboard user would."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def tab_and_type(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def submit_with_enter(page, selector: str = "main form button[type=submit]") -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def heading(page) -> str:
    return page.locator("h1").inner_text()


def test_wizard_new_admin_completes_the_journey_with_a_sign_out_half_way(page, base_url):
    organisation, user = make_new_admin()
    needed_by = datetime.date.today() + datetime.timedelta(days=45)
    sign_in(page, base_url, user.email, TEST_PASSWORD)

    # Task list, reached from the home page.
    with page.expect_navigation():
        page.get_by_role("link", name="Readiness tasks").click()
    assert heading(page) == "Get ready for the Care Identity Service"
    assert page.locator("#section-authenticators-status").inner_text() == "Cannot start yet"
    assert_no_serious_axe_violations(page)

    # Keyboard only (Tab, Space, Enter and typing) through the first three steps.
    tab_to(page, "a.nhsuk-task-list__link[href$='/questions/organisation-details/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert heading(page) == "Your organisation's details"
    assert page.locator("#id_icb").input_value() == str(organisation.icb_id)
    assert_no_serious_axe_violations(page)
    tab_and_type(page, "#id_contact_name", "Asha Patel")
    tab_and_type(page, "#id_contact_job_title", "Practice manager")
    tab_and_type(page, "#id_contact_phone", "01632 960 001")
    submit_with_enter(page)  # the staff count is missing: the error summary takes focus
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert (
        "Enter how many staff will need to sign in with CIS"
        in page.locator(".nhsuk-error-summary").inner_text()
    )
    assert page.locator("#id_contact_name").input_value() == "Asha Patel"
    assert_no_serious_axe_violations(page)
    tab_and_type(page, "#id_cis_user_count", "14")
    submit_with_enter(page)

    assert heading(page) == "Registration Authority support"
    assert_no_serious_axe_violations(page)
    tab_to(page, "#id_has_ra_support_0")
    page.keyboard.press("Space")
    tab_and_type(page, "#id_provider_name", "Our ICB's smartcard team")
    submit_with_enter(page)

    assert heading(page) == "Applications your staff use"
    assert_no_serious_axe_violations(page)
    tab_to(page, "input[name=applications][value=ncrs]")
    page.keyboard.press("Space")
    tab_to(page, "input[name=applications][value=emis-web]")
    page.keyboard.press("Space")
    tab_and_type(page, "#id_local_applications", "Practice rota, CIS2, AAL2")
    submit_with_enter(page)
    assert heading(page) == "Staff groups and your estate"

    # Sign out half-way, sign back in and resume where we left off.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    sign_in(page, base_url, user.email, TEST_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("link", name="Readiness tasks").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue where you left off: staff groups and your estate").click()
    assert heading(page) == "Staff groups and your estate"
    assert_no_serious_axe_violations(page)
    page.locator("#id_group_1_name").fill("Clinicians")
    page.locator("#id_group_1_head_count").fill("9")
    for index in range(3):
        page.locator(f"#id_group_1_applications_{index}").check()
    for name, answer in [
        ("hscn", 0),
        ("windows_tpm", 0),
        ("ipads", 1),
        ("smartphones", 0),
        ("shared_workstations", 1),
    ]:
        page.locator(f"#id_estate_{name}_{answer}").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()

    assert heading(page) == "Choose authenticators"
    assert_no_serious_axe_violations(page)
    assert page.locator("main input[type=checkbox]:checked").count() >= 1  # the recommendation is ticked
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()

    assert heading(page) == "Technical support staff"
    assert_no_serious_axe_violations(page)
    page.get_by_label("Our own staff (in-house)").check()
    page.locator("#id_staff_1_full_name").fill("Tom Jones")
    page.locator("#id_staff_1_email").fill("tom.jones@riverside.example.org")
    page.locator("#id_staff_1_role").select_option("deskside")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()

    # Check your answers: change the RA answer, which brings in the request, then come back.
    assert heading(page) == "Check your answers"
    assert_no_serious_axe_violations(page)
    assert RARequest.objects.count() == 0
    with page.expect_navigation():
        page.locator("a[href$='/questions/ra-support/?return=check']").first.click()
    page.get_by_label("No", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and return to check your answers").click()
    assert heading(page) == "Ask for RA support"
    assert f"Your request will go to {organisation.icb.name}" in page.locator("main").inner_text()
    assert_no_serious_axe_violations(page)
    page.get_by_label("Register new users").check()
    page.get_by_label("Issue smartcards").check()
    page.locator("#id_staff_affected").fill("6")
    page.locator("#id_needed_by_day").fill(str(needed_by.day))
    page.locator("#id_needed_by_month").fill(str(needed_by.month))
    page.locator("#id_needed_by_year").fill(str(needed_by.year))
    page.locator("#id_contact_email").fill("asha.patel@riverside.example.org")
    page.locator("#id_already_tried").fill("Emailed the ICB digital team.")
    page.get_by_label(
        "I understand that whoever provides RA support may charge my organisation for it"
    ).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send request").click()
    assert heading(page) == "Check your answers"
    request = RARequest.objects.get()
    assert request.help_needed_list == ["register_users", "issue_smartcards"]
    main = page.locator("main").inner_text()
    assert request.reference in main
    assert "Tom Jones" in main  # later answers kept

    with page.expect_navigation():
        page.get_by_role("button", name="Submit answers").click()
    assert page.locator("h1").inner_text() == "Answers submitted"
    assert_no_serious_axe_violations(page)

    with page.expect_navigation():
        page.get_by_role("button", name="See your readiness summary").click()
    assert heading(page) == "Readiness for the Care Identity Service"
    ra_row = page.locator("#check-ra").inner_text()
    assert f"Request {request.reference} to {organisation.icb.name} is submitted" in ra_row
    assert "Done" in page.locator("#check-plan").inner_text()
    assert "EMIS Web" in page.locator("#check-cis1").inner_text()
    assert page.locator("#overall-status").inner_text() == "Not ready"  # nobody is trained yet
    assert StaffMember.objects.get().full_name == "Tom Jones"
    assert_no_serious_axe_violations(page)

    # Printed (or saved as PDF), the summary drops the service's menus and the on-screen links.
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Sign out").is_visible()
    assert not page.locator("main a.app-no-print").first.is_visible()
    assert page.locator("#check-ra").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # one A4 page


def test_wizard_icb_overview_and_timeline_pages_pass_axe(page, base_url):
    organisation, user = make_new_admin()
    ra_member = UserFactory(email="ra.team@lsc.example.org")
    services.add_ra_team_member(organisation.icb, user=ra_member)
    OrganisationFactory(
        ods_code="FZZ91",
        name="Harbour Pharmacy",
        icb=organisation.icb,
        organisation_type="community_pharmacy",
    )
    onboarding_services.record_readiness_statuses()  # the hourly job stores what the overview reads

    sign_in(page, base_url, ra_member.email, TEST_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("link", name="Readiness of the organisations you support").click()
    assert heading(page) == "Readiness of the organisations you support"
    assert page.locator("[data-status=not_ready]").inner_text() == "2"
    assert_no_serious_axe_violations(page)
    page.get_by_label("Type of organisation").select_option("community_pharmacy")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert page.locator("[data-status=not_ready]").inner_text() == "1"
    assert "Riverside Surgery" not in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Harbour Pharmacy (FZZ91)").click()
    assert heading(page) == "Harbour Pharmacy (FZZ91)"
    assert "Not ready" in page.locator("#readiness").inner_text()
    assert_no_serious_axe_violations(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    national = UserFactory(email="national@example.org")
    services.make_national_admin(national)
    sign_in(page, base_url, national.email, TEST_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("link", name="Readiness of organisations in England").click()
    assert heading(page) == "Readiness of organisations in England"
    page.get_by_label("NHS England region").select_option(organisation.icb.region)
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert page.locator("[data-status=not_ready]").inner_text() == "2"
    assert_no_serious_axe_violations(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    sign_in(page, base_url, user.email, TEST_PASSWORD)
    onboarding_services.record_readiness_statuses()  # what the periodic job does
    page.goto(f"{base_url}/readiness/{organisation.ods_code}/summary/")
    with page.expect_navigation():
        page.get_by_role("link", name="See your organisation's timeline").click()
    assert heading(page) == "Timeline"
    assert "Readiness status first worked out: not ready" in page.locator("#timeline").inner_text()
    assert_no_serious_axe_violations(page)

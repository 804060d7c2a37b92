"""The wizard pages: each step saves, moves on, keeps answers, and refuses bad input and stale saves."""

import pytest
from django.urls import reverse

from authenticators.models import Authenticator
from authenticators.selectors import inventory_for, plan_summary, user_groups_for
from onboarding.models import ReadinessJourney
from onboarding.selectors import journey_for_organisation
from ra_requests.models import RARequest
from tests.factories import RAProviderFactory
from training.models import StaffMember

from .conftest import future_date

pytestmark = pytest.mark.django_db


def step_url(organisation, slug, query=""):
    return reverse("onboarding:step", args=[organisation.ods_code, slug]) + query


def post_step(client, organisation, slug, data, query=""):
    data = {"version": journey_for_organisation(organisation).version, **data}
    return client.post(step_url(organisation, slug, query), data)


def details_form(organisation, **overrides):
    return {
        "icb": organisation.icb_id,
        "contact_name": "Asha Patel",
        "contact_job_title": "Practice manager",
        "contact_phone": "01632 960 001",
        "cis_user_count": "14",
        **overrides,
    }


def ra_request_form(**overrides):
    day = future_date(40)
    return {
        "help_needed": ["register_users", "issue_smartcards"],
        "staff_affected": "6",
        "needed_by_day": str(day.day),
        "needed_by_month": str(day.month),
        "needed_by_year": str(day.year),
        "contact_email": "asha@riverside.example.org",
        "already_tried": "Emailed our ICB's digital team in October.",
        "charge_acknowledged": "on",
        **overrides,
    }


def test_task_list_shows_section_states_for_a_new_organisation(client, organisation, org_admin):
    client.force_login(org_admin)

    response = client.get(reverse("onboarding:task_list", args=[organisation.ods_code]))

    rows = [(row["section"].key, row["state"]) for row in response.context["rows"]]
    assert rows == [
        ("organisation", "not_started"),
        ("ra", "not_started"),
        ("applications", "not_started"),
        ("authenticators", "cannot_start"),
        ("technical", "not_started"),
    ]
    html = response.content.decode()
    assert "Cannot start yet" in html
    assert "Complete these first: Applications your staff use, Staff groups and your estate." in html
    assert not ReadinessJourney.objects.exists()  # reading never creates a journey


def test_organisation_details_get_is_prefilled_from_the_organisation(client, organisation, org_admin):
    client.force_login(org_admin)

    response = client.get(step_url(organisation, "organisation-details"))

    form = response.context["form"]
    assert form.initial["icb"] == organisation.icb_id
    html = response.content.decode()
    assert organisation.name in html
    assert organisation.ods_code in html
    assert "GP practice" in html


def test_organisation_details_lists_the_active_icbs_with_the_organisations_chosen(
    client, organisation, org_admin, other_icb
):
    closed = RAProviderFactory(name="NHS Closed Integrated Care Board", status="closed")
    client.force_login(org_admin)

    html = client.get(step_url(organisation, "organisation-details")).content.decode()

    assert f'<option value="{organisation.icb_id}" selected>{organisation.icb.name}</option>' in html
    assert f'<option value="{other_icb.pk}">{other_icb.name}</option>' in html
    assert closed.name not in html


def test_organisation_details_page_queries_do_not_grow_with_the_icbs(
    client, organisation, org_admin, save, details_answers, django_assert_num_queries
):
    save("organisation-details", details_answers)
    client.force_login(org_admin)
    url = step_url(organisation, "organisation-details")
    client.get(url)

    # Session, user, membership with the organisation, its ICB and its journey, the ICB options.
    with django_assert_num_queries(4):
        client.get(url)
    RAProviderFactory.create_batch(30)
    with django_assert_num_queries(4) as queries:
        response = client.get(url)

    assert response.content.decode().count("<option ") == 32  # "Select your ICB", its own, the 30
    assert not any("DECLARE" in query["sql"] for query in queries.captured_queries)
    assert f'name="contact_name" value="{details_answers["contact_name"]}"' in response.content.decode()


def test_wizard_pages_of_an_organisation_nobody_has_started_read_no_journey_row(
    client, organisation, org_admin
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(org_admin)
    client.get(reverse("onboarding:task_list", args=[organisation.ods_code]))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(step_url(organisation, "organisation-details"))

    # The membership's query looked for the journey (a join); nothing asks for it again.
    assert not any('FROM "onboarding_readinessjourney"' in query["sql"] for query in queries.captured_queries)
    assert response.status_code == 200
    assert 'name="version" value="1"' in response.content.decode()
    assert not ReadinessJourney.objects.filter(organisation=organisation).exists()


def test_organisation_details_saves_and_moves_to_ra_support(client, organisation, org_admin):
    client.force_login(org_admin)

    response = post_step(client, organisation, "organisation-details", details_form(organisation))

    assert response.status_code == 302
    assert response["Location"] == step_url(organisation, "ra-support")
    journey = ReadinessJourney.objects.get(organisation=organisation)
    assert journey.answers["organisation-details"]["contact_name"] == "Asha Patel"
    assert journey.answers["organisation-details"]["cis_user_count"] == 14
    assert journey.version == 2
    assert journey.current_step == "ra-support"


def test_organisation_details_moves_the_organisation_to_another_icb(
    client, organisation, org_admin, other_icb
):
    client.force_login(org_admin)

    post_step(client, organisation, "organisation-details", details_form(organisation, icb=other_icb.pk))

    organisation.refresh_from_db()
    assert organisation.icb == other_icb
    assert organisation.history.first().history_user == org_admin


def test_organisation_details_bad_input_shows_errors_and_keeps_saved_answers(client, organisation, org_admin):
    client.force_login(org_admin)
    post_step(client, organisation, "organisation-details", details_form(organisation))

    response = post_step(
        client,
        organisation,
        "organisation-details",
        details_form(organisation, contact_name="", contact_phone="abc"),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_contact_name"' in html
    assert "Enter your full name" in html
    assert "Enter a phone number, like 01632 960 001" in html
    assert 'value="abc"' in html  # what was typed is shown again
    assert response.context["form"].data["cis_user_count"] == "14"
    journey = ReadinessJourney.objects.get(organisation=organisation)
    assert journey.answers["organisation-details"]["contact_name"] == "Asha Patel"
    assert journey.version == 2


def test_ra_support_yes_skips_the_request_step(client, organisation, org_admin, details_answers, save):
    client.force_login(org_admin)
    save("organisation-details", details_answers)

    response = post_step(
        client, organisation, "ra-support", {"has_ra_support": "yes", "provider_name": "Our own RA team"}
    )

    assert response["Location"] == step_url(organisation, "applications")
    journey = journey_for_organisation(organisation)
    assert journey.answers["ra-support"] == {"has_ra_support": "yes", "provider_name": "Our own RA team"}
    assert client.get(step_url(organisation, "ra-request")).status_code == 302


def test_ra_support_bad_input_shows_errors_and_keeps_saved_answers(
    client, organisation, org_admin, details_answers, save
):
    client.force_login(org_admin)
    save("organisation-details", details_answers)
    save("ra-support", {"has_ra_support": "no", "provider_name": ""})

    response = post_step(client, organisation, "ra-support", {"has_ra_support": "yes", "provider_name": ""})

    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter who gives you RA support" in html
    assert journey_for_organisation(organisation).answers["ra-support"]["has_ra_support"] == "no"


def test_ra_request_step_shows_the_route_and_submits_one_real_request(
    client, organisation, org_admin, details_answers, save, national_team
):
    client.force_login(org_admin)
    save("organisation-details", details_answers)
    save("ra-support", {"has_ra_support": "no", "provider_name": ""})

    page = client.get(step_url(organisation, "ra-request"))
    response = post_step(client, organisation, "ra-request", ra_request_form())
    again = post_step(client, organisation, "ra-request", {})

    assert f"Your request will go to <strong>{organisation.icb.name}</strong>" in page.content.decode()
    assert response["Location"] == step_url(organisation, "applications")
    assert again.status_code == 302
    request = RARequest.objects.get()
    assert request.organisation == organisation
    assert request.provider == organisation.icb
    assert request.contact_name == "Asha Patel"
    assert request.contact_phone == "01632 960 001"
    assert request.help_needed_list == ["register_users", "issue_smartcards"]
    assert request.submitted_by == org_admin
    answers = journey_for_organisation(organisation).answers["ra-request"]
    assert answers["request_id"] == request.pk
    assert answers["request_reference"] == request.reference


def test_ra_request_bad_input_shows_errors_and_sends_nothing(
    client, organisation, org_admin, details_answers, save, national_team
):
    client.force_login(org_admin)
    save("organisation-details", details_answers)
    save("ra-support", {"has_ra_support": "no", "provider_name": ""})

    response = post_step(
        client,
        organisation,
        "ra-request",
        ra_request_form(help_needed=[], charge_acknowledged="", needed_by_year="2020", staff_affected="0"),
    )

    html = response.content.decode()
    assert "There is a problem" in html
    assert "Select the help your organisation needs" in html
    assert "Confirm that you understand RA support may be charged for" in html
    assert "must be today or in the future" in html
    assert "Number of staff affected must be 1 or more" in html
    assert 'value="Emailed our ICB&#x27;s digital team in October."' in html or "Emailed our ICB" in html
    assert RARequest.objects.count() == 0
    assert "ra-request" not in journey_for_organisation(organisation).answers
    assert journey_for_organisation(organisation).answers["ra-support"]["has_ra_support"] == "no"


def test_applications_step_saves_catalogue_and_local_applications(client, organisation, org_admin, catalogue):
    client.force_login(org_admin)

    response = post_step(
        client,
        organisation,
        "applications",
        {
            "applications": ["ncrs", "emis-web"],
            "local_applications": "Practice rota, CIS2, AAL2\nOld lab link, CIS1",
        },
    )

    assert response["Location"] == step_url(organisation, "staff-groups")
    inventory = {a.name: (a.cis_generation, a.min_aal, a.is_local) for a in inventory_for(organisation)}
    assert inventory["Practice rota"] == ("CIS2", "AAL2", True)
    assert inventory["Old lab link"] == ("CIS1", "AAL3", True)
    assert len(inventory) == 4


def test_applications_bad_input_shows_errors_and_keeps_saved_inventory(
    client, organisation, org_admin, catalogue
):
    client.force_login(org_admin)
    post_step(client, organisation, "applications", {"applications": ["ncrs"], "local_applications": ""})

    response = post_step(
        client,
        organisation,
        "applications",
        {"applications": ["emis-web"], "local_applications": "Rota only"},
    )

    html = response.content.decode()
    assert "There is a problem" in html
    assert "Line 1 (&#x27;Rota only&#x27;): write the name, CIS1 or CIS2" in html
    assert [a.slug for a in inventory_for(organisation)] == ["ncrs"]


def complete_applications(save):
    save("applications", {"applications": ["ncrs", "systmone"], "local_applications": []})


def groups_form(**overrides):
    return {
        "group_1_name": "Clinicians",
        "group_1_head_count": "8",
        "group_1_applications": ["ncrs", "systmone"],
        "group_2_name": "Reception",
        "group_2_head_count": "4",
        "group_2_applications": ["ncrs"],
        "estate_hscn": "yes",
        "estate_windows_tpm": "yes",
        "estate_ipads": "no",
        "estate_smartphones": "not_sure",
        "estate_shared_workstations": "yes",
        **overrides,
    }


def test_staff_groups_step_saves_groups_and_estate(client, organisation, org_admin, catalogue, save):
    client.force_login(org_admin)
    complete_applications(save)

    response = post_step(client, organisation, "staff-groups", groups_form())

    assert response["Location"] == step_url(organisation, "authenticators")
    groups = {
        g.name: (g.head_count, sorted(a.slug for a in g.applications.all()))
        for g in user_groups_for(organisation)
    }
    assert groups == {"Clinicians": (8, ["ncrs", "systmone"]), "Reception": (4, ["ncrs"])}
    plan = plan_summary(organisation)
    assert (plan.estate.hscn, plan.estate.ipads, plan.estate.smartphones) == (True, False, None)


def test_staff_groups_bad_input_shows_errors_and_keeps_saved_groups(
    client, organisation, org_admin, catalogue, save
):
    client.force_login(org_admin)
    complete_applications(save)
    post_step(client, organisation, "staff-groups", groups_form())

    response = post_step(
        client,
        organisation,
        "staff-groups",
        groups_form(group_1_head_count="none", group_2_applications=[], estate_hscn=""),
    )

    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a whole number of staff, like 8" in html
    assert "Select the applications Reception signs in to" in html
    assert "Answer: is the organisation connected to HSCN" in html
    assert sorted(g.head_count for g in user_groups_for(organisation)) == [4, 8]


def test_authenticators_step_preselects_the_recommendation_and_saves_the_choice(
    client, organisation, org_admin, catalogue, save
):
    client.force_login(org_admin)
    complete_applications(save)
    post_step(client, organisation, "staff-groups", groups_form())
    groups = {g.name: g for g in user_groups_for(organisation)}
    plan = plan_summary(organisation)
    recommended = {g.name: list(g.recommended) for g in plan.groups}

    page = client.get(step_url(organisation, "authenticators"))
    response = post_step(
        client,
        organisation,
        "authenticators",
        {
            f"group_{groups['Clinicians'].pk}": recommended["Clinicians"],
            f"group_{groups['Reception'].pk}": ["smartcard", "microsoft-authenticator"],
        },
    )

    assert page.context["form"].initial[f"group_{groups['Clinicians'].pk}"] == recommended["Clinicians"]
    assert response["Location"] == step_url(organisation, "technical-support")
    plan = plan_summary(organisation)
    assert plan.has_plan
    assert {g.name: set(g.chosen) for g in plan.groups}["Reception"] == {
        "smartcard",
        "microsoft-authenticator",
    }


def test_authenticators_bad_input_shows_errors_and_keeps_saved_choice(
    client, organisation, org_admin, catalogue, save
):
    client.force_login(org_admin)
    complete_applications(save)
    post_step(client, organisation, "staff-groups", groups_form())
    groups = {g.name: g for g in user_groups_for(organisation)}
    choice = {f"group_{g.pk}": ["smartcard"] for g in groups.values()}
    post_step(client, organisation, "authenticators", choice)

    response = post_step(
        client, organisation, "authenticators", {f"group_{groups['Clinicians'].pk}": ["smartcard"]}
    )

    html = response.content.decode()
    assert "There is a problem" in html
    assert "Select at least one authenticator for Reception" in html
    assert {g.name: g.chosen for g in plan_summary(organisation).groups}["Reception"] == ("smartcard",)


def staff_form(**overrides):
    return {
        "support_model": "both",
        "supplier_name": "North IT Ltd",
        "staff_1_full_name": "Tom Jones",
        "staff_1_email": "tom@riverside.example.org",
        "staff_1_role": "deskside",
        "staff_1_outsourced": "in_house",
        "staff_2_full_name": "Sara Lee",
        "staff_2_email": "sara@north-it.example.org",
        "staff_2_role": "service_desk",
        "staff_2_outsourced": "outsourced",
        **overrides,
    }


def test_technical_support_step_creates_staff_records(client, organisation, org_admin):
    client.force_login(org_admin)

    post_step(client, organisation, "technical-support", staff_form())

    staff = {
        s.full_name: (s.email, s.role, s.employment_type, s.supplier_name) for s in StaffMember.objects.all()
    }
    assert staff == {
        "Tom Jones": ("tom@riverside.example.org", "deskside", "in_house", ""),
        "Sara Lee": ("sara@north-it.example.org", "service_desk", "outsourced", "North IT Ltd"),
    }
    assert StaffMember.objects.filter(organisation=organisation).count() == 2


def test_technical_support_bad_input_shows_errors_and_adds_nobody(client, organisation, org_admin):
    client.force_login(org_admin)
    post_step(
        client,
        organisation,
        "technical-support",
        staff_form(staff_2_full_name="", staff_2_email="", staff_2_role=""),
    )

    response = post_step(
        client,
        organisation,
        "technical-support",
        staff_form(supplier_name="", staff_1_email="tom@riverside.example.org", staff_2_role=""),
    )

    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter the name of the supplier that gives you technical support" in html
    assert "Someone with this email address is already on your staff list" in html
    assert "Select the person&#x27;s role" in html
    assert list(StaffMember.objects.values_list("full_name", flat=True)) == ["Tom Jones"]
    assert (
        journey_for_organisation(organisation).answers["technical-support"]["supplier_name"] == "North IT Ltd"
    )


def test_stale_version_is_refused_and_nothing_is_overwritten(
    client, organisation, org_admin, details_answers, save
):
    client.force_login(org_admin)
    save("organisation-details", details_answers)
    opened_at_version = journey_for_organisation(organisation).version
    save("ra-support", {"has_ra_support": "yes", "provider_name": "Our own RA team"})  # another admin saves

    response = client.post(
        step_url(organisation, "ra-support"),
        {"version": opened_at_version, "has_ra_support": "no", "provider_name": ""},
    )

    html = response.content.decode()
    assert "There is a problem" in html
    assert "Someone else in your organisation changed these answers after you opened this page" in html
    assert journey_for_organisation(organisation).answers["ra-support"]["provider_name"] == "Our own RA team"


def test_change_from_check_answers_returns_there_and_keeps_later_answers(
    client, organisation, org_admin, details_answers, save
):
    client.force_login(org_admin)
    save("organisation-details", details_answers)
    save("ra-support", {"has_ra_support": "yes", "provider_name": "Our own RA team"})
    save("technical-support", {"support_model": "in_house", "supplier_name": "", "new_staff": []})
    check = client.get(reverse("onboarding:check_answers", args=[organisation.ods_code]))

    response = post_step(
        client,
        organisation,
        "organisation-details",
        details_form(organisation, contact_name="Asha P. Patel"),
        "?return=check",
    )

    assert step_url(organisation, "organisation-details", "?return=check") in check.content.decode()
    assert response["Location"] == reverse("onboarding:check_answers", args=[organisation.ods_code])
    answers = journey_for_organisation(organisation).answers
    assert answers["organisation-details"]["contact_name"] == "Asha P. Patel"
    assert answers["ra-support"]["provider_name"] == "Our own RA team"
    assert answers["technical-support"]["support_model"] == "in_house"


def test_isolation_another_organisations_admin_gets_404_everywhere(
    client, organisation, org_admin, other_org_admin, details_answers, save
):
    save("organisation-details", details_answers)
    client.force_login(other_org_admin)
    code = organisation.ods_code

    urls = [
        reverse("onboarding:task_list", args=[code]),
        step_url(organisation, "organisation-details"),
        reverse("onboarding:check_answers", args=[code]),
        reverse("onboarding:confirmation", args=[code]),
        reverse("onboarding:summary", args=[code]),
        reverse("onboarding:timeline", args=[code]),
    ]

    responses = [client.get(url) for url in urls]

    assert [response.status_code for response in responses] == [404] * 6
    assert not any(organisation.name in response.content.decode() for response in responses)
    assert (
        client.post(step_url(organisation, "ra-support"), {"version": 2, "has_ra_support": "no"}).status_code
        == 404
    )
    assert "ra-support" not in journey_for_organisation(organisation).answers


def test_it_lead_can_read_the_summary_but_not_use_the_wizard(client, organisation, it_lead):
    client.force_login(it_lead)

    wizard = client.get(reverse("onboarding:task_list", args=[organisation.ods_code]))
    summary = client.get(reverse("onboarding:summary", args=[organisation.ods_code]))

    assert wizard.status_code == 404
    assert summary.status_code == 200
    assert "Readiness for the Care Identity Service" in summary.content.decode()


def test_signed_out_user_is_sent_to_sign_in(client, organisation):
    response = client.get(reverse("onboarding:task_list", args=[organisation.ods_code]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("organisations:login"))


def test_a_stale_save_of_a_part_backed_step_creates_nothing(
    client, organisation, org_admin, details_answers, save
):
    client.force_login(org_admin)
    opened_at_version = journey_for_organisation(organisation).version
    save("organisation-details", details_answers)  # another admin saves meanwhile

    response = client.post(
        step_url(organisation, "technical-support"), {**staff_form(), "version": opened_at_version}
    )

    assert "Someone else in your organisation changed these answers" in response.content.decode()
    assert StaffMember.objects.count() == 0


def test_a_step_that_cannot_start_yet_sends_the_admin_back_to_the_task_list(client, organisation, org_admin):
    client.force_login(org_admin)

    response = client.get(step_url(organisation, "authenticators"), follow=True)

    assert response.redirect_chain == [(reverse("onboarding:task_list", args=[organisation.ods_code]), 302)]
    assert "Choose authenticators: Complete these first" in response.content.decode()


def test_an_unknown_question_is_not_found(client, organisation, org_admin):
    client.force_login(org_admin)

    response = client.get(step_url(organisation, "no-such-question"))

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


def test_organisation_details_offers_the_icb_on_record_over_the_saved_answer(
    client, organisation, org_admin, other_icb, save, details_answers
):
    save("organisation-details", details_answers)
    type(organisation).objects.filter(pk=organisation.pk).update(icb=other_icb)  # moved since
    client.force_login(org_admin)

    moved = client.get(step_url(organisation, "organisation-details")).context["form"].initial
    type(other_icb).objects.filter(pk=other_icb.pk).update(status="closed")
    closed = client.get(step_url(organisation, "organisation-details")).context["form"].initial

    assert moved["icb"] == other_icb.pk
    assert moved["contact_name"] == "Asha Patel"
    assert closed["icb"] is None


def emis_clinicians(client, organisation, save):
    save("applications", {"applications": ["ncrs", "emis-web"], "local_applications": []})
    post_step(
        client,
        organisation,
        "staff-groups",
        groups_form(
            group_1_applications=["ncrs", "emis-web"],
            group_2_name="",
            group_2_head_count="",
            group_2_applications=[],
        ),
    )
    return user_groups_for(organisation).get(name="Clinicians")


def test_authenticators_step_stops_a_choice_that_leaves_an_application_without_a_way_to_sign_in(
    client, organisation, org_admin, catalogue, save
):
    client.force_login(org_admin)
    clinicians = emis_clinicians(client, organisation, save)
    smartcard = plan_summary(organisation).authenticator_name("smartcard")

    response = post_step(
        client, organisation, "authenticators", {f"group_{clinicians.pk}": ["microsoft-authenticator"]}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert (
        f"Clinicians would have no way to sign in to EMIS Web. Add {smartcard}: it works with EMIS Web."
        in html
    )
    assert plan_summary(organisation).groups[0].has_chosen is False


def test_authenticators_step_asks_to_confirm_applications_nothing_can_sign_in_to(
    client, organisation, org_admin, catalogue, save
):
    client.force_login(org_admin)
    # Without smartcards in the catalogue nothing signs in to a CIS1 application.
    Authenticator.objects.filter(slug="smartcard").delete()
    clinicians = emis_clinicians(client, organisation, save)
    choice = {f"group_{clinicians.pk}": ["microsoft-authenticator"]}

    page = client.get(step_url(organisation, "authenticators")).content.decode()
    unconfirmed = post_step(client, organisation, "authenticators", choice)
    confirmed = post_step(client, organisation, "authenticators", {**choice, "confirm_uncovered": "on"})

    warning = (
        "No authenticator you can use signs in to EMIS Web for Clinicians, "
        "given what you told us about your estate."
    )
    assert warning in page
    assert "Confirm that you understand these applications will have no way to sign in" in (
        unconfirmed.content.decode()
    )
    assert confirmed.status_code == 302
    assert plan_summary(organisation).groups[0].chosen == ("microsoft-authenticator",)


def test_wizard_starts_the_contact_questions_from_what_the_portal_has(
    client, organisation, org_admin, save, details_answers
):
    org_admin.first_name, org_admin.last_name = "Asha", "Patel"
    org_admin.save()
    client.force_login(org_admin)

    details = client.get(step_url(organisation, "organisation-details")).context["form"]
    save("organisation-details", details_answers)
    save("ra-support", {"has_ra_support": "no", "provider_name": ""})
    request_step = client.get(step_url(organisation, "ra-request")).context["form"]

    assert details["contact_name"].value() == "Asha Patel"
    assert request_step["contact_email"].value() == "admin@riverside.example.org"

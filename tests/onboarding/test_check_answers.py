"""Check your answers, submission, confirmation and resuming from the task list."""

import pytest
from django.urls import reverse

from onboarding.models import ReadinessEvent
from onboarding.selectors import journey_for_organisation

from .test_wizard import post_step, ra_request_form, step_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(organisation, org_admin, catalogue, save, details_answers):
    """Every step answered through the service, the RA question with 'yes'."""
    from authenticators.selectors import plan_summary

    save("organisation-details", details_answers)
    save("ra-support", {"has_ra_support": "yes", "provider_name": "Our own RA team"})
    save("applications", {"applications": ["ncrs"], "local_applications": []})
    save(
        "staff-groups",
        {
            "groups": [{"id": None, "name": "Everyone", "head_count": 5, "applications": ["ncrs"]}],
            "estate": {
                "hscn": "yes",
                "windows_tpm": "yes",
                "ipads": "no",
                "smartphones": "yes",
                "shared_workstations": "no",
            },
        },
    )
    group = plan_summary(organisation).groups[0]
    save(
        "authenticators",
        {"choices": {str(group.group_id): {"group": "Everyone", "authenticators": ["smartcard"]}}},
    )
    save(
        "technical-support",
        {
            "support_model": "in_house",
            "supplier_name": "",
            "new_staff": [
                {
                    "full_name": "Tom Jones",
                    "email": "tom@riverside.example.org",
                    "role": "deskside",
                    "employment_type": "in_house",
                    "supplier_name": "",
                }
            ],
        },
    )
    return organisation


def test_check_answers_lists_every_answer_with_change_links(client, answered, org_admin):
    client.force_login(org_admin)

    response = client.get(reverse("onboarding:check_answers", args=[answered.ods_code]))

    html = response.content.decode()
    for label, value in [
        ("Your full name", "Asha Patel"),
        ("If yes, who gives you RA support?", "Our own RA team"),
        ("Staff group: Everyone", "5 staff"),
        ("Authenticators for Everyone", "NHS smartcard"),
        ("Technical support staff", "Tom Jones (Desk-side and workstation support)"),
    ]:
        assert f'<dt class="nhsuk-summary-list__key">{label}</dt>' in html
        assert value in html
    for slug in ["organisation-details", "ra-support", "applications", "staff-groups", "authenticators"]:
        assert f'href="{step_url(answered, slug, "?return=check")}"' in html
    assert 'id="submit-answers"' in html


def test_submitting_goes_to_confirmation_and_records_an_event(client, answered, org_admin):
    client.force_login(org_admin)

    response = client.post(
        reverse("onboarding:check_answers", args=[answered.ods_code]),
        {"version": journey_for_organisation(answered).version},
    )
    confirmation = client.get(response["Location"])

    assert response["Location"] == reverse("onboarding:confirmation", args=[answered.ods_code])
    assert journey_for_organisation(answered).submitted_by == org_admin
    assert "Answers submitted" in confirmation.content.decode()
    assert ReadinessEvent.objects.filter(kind="submitted").get().title == "Readiness wizard submitted"


def test_submitting_with_a_stale_version_is_refused(client, answered, org_admin):
    client.force_login(org_admin)
    stale = journey_for_organisation(answered).version - 1

    response = client.post(reverse("onboarding:check_answers", args=[answered.ods_code]), {"version": stale})

    assert "Someone else in your organisation changed these answers" in response.content.decode()
    assert journey_for_organisation(answered).submitted_at is None


def test_check_answers_cannot_submit_before_every_step_is_answered(
    client, organisation, org_admin, save, details_answers
):
    save("organisation-details", details_answers)
    client.force_login(org_admin)

    page = client.get(reverse("onboarding:check_answers", args=[organisation.ods_code]))
    response = client.post(
        reverse("onboarding:check_answers", args=[organisation.ods_code]),
        {"version": journey_for_organisation(organisation).version},
    )
    confirmation = client.get(reverse("onboarding:confirmation", args=[organisation.ods_code]))

    assert "You cannot submit yet" in page.content.decode()
    assert 'id="submit-answers"' not in page.content.decode()
    assert (
        "Answer these questions before you submit: Registration Authority support"
        in response.content.decode()
    )
    assert confirmation["Location"] == reverse("onboarding:check_answers", args=[organisation.ods_code])


def test_changing_to_no_ra_support_from_check_answers_asks_for_the_request_then_returns(
    client, answered, org_admin, national_team
):
    client.force_login(org_admin)

    changed = post_step(client, answered, "ra-support", {"has_ra_support": "no"}, "?return=check")
    requested = post_step(client, answered, "ra-request", ra_request_form(), "?return=check")

    assert changed["Location"] == step_url(answered, "ra-request", "?return=check")
    assert requested["Location"] == reverse("onboarding:check_answers", args=[answered.ods_code])
    answers = journey_for_organisation(answered).answers
    assert answers["ra-request"]["request_reference"].startswith("RA-")
    assert answers["technical-support"]["support_model"] == "in_house"


def test_task_list_offers_to_continue_where_the_admin_left_off(
    client, organisation, org_admin, save, details_answers
):
    save("organisation-details", details_answers)
    client.force_login(org_admin)

    response = client.get(reverse("onboarding:task_list", args=[organisation.ods_code]))

    html = response.content.decode()
    assert f'href="{step_url(organisation, "ra-support")}"' in html
    assert "Continue where you left off: registration authority support" in html
    assert [row["state"] for row in response.context["rows"]][:2] == ["completed", "not_started"]


def test_a_second_admin_resumes_where_the_first_left_off(
    client, organisation, org_admin, save, details_answers
):
    from organisations.services import add_membership
    from tests.factories import UserFactory

    save("organisation-details", details_answers)
    second_admin = UserFactory(email="deputy@riverside.example.org")
    add_membership(organisation, user=second_admin, role="org_admin")
    client.force_login(second_admin)

    response = client.get(step_url(organisation, "organisation-details"))

    assert response.context["form"].initial["contact_name"] == "Asha Patel"
    assert response.context["form"].initial["version"] == journey_for_organisation(organisation).version


def test_check_answers_shows_the_plan_as_it_is_now_after_changes_elsewhere(client, answered, org_admin):
    from authenticators import services as authenticator_services
    from authenticators.selectors import user_groups_for

    authenticator_services.save_application_inventory(
        answered, catalogue_slugs=["ncrs", "e-rs"], acting_user=org_admin
    )
    group = user_groups_for(answered).get()
    authenticator_services.choose_authenticators(
        group, authenticator_slugs=["security-key"], acting_user=org_admin
    )
    client.force_login(org_admin)

    response = client.get(reverse("onboarding:check_answers", args=[answered.ods_code]))

    html = response.content.decode()
    assert "NHS e-Referral Service (e-RS)" in html
    assert "Security key (such as a YubiKey)" in html


def test_check_answers_offers_no_change_link_for_a_request_already_sent(
    client, answered, org_admin, national_team
):
    client.force_login(org_admin)
    post_step(client, answered, "ra-support", {"has_ra_support": "no"}, "?return=check")
    post_step(client, answered, "ra-request", ra_request_form(), "?return=check")

    response = client.get(reverse("onboarding:check_answers", args=[answered.ods_code]))

    html = response.content.decode()
    assert "RA-" in html
    assert step_url(answered, "ra-request", "?return=check") not in html
    assert step_url(answered, "ra-support", "?return=check") in html


def test_submitting_with_a_stale_version_shows_the_error_summary(client, answered, org_admin):
    client.force_login(org_admin)
    journey = journey_for_organisation(answered)

    response = client.post(
        reverse("onboarding:check_answers", args=[answered.ods_code]), {"version": journey.version - 1}
    )
    html = response.content.decode()

    assert "<title>Error: Check your answers" in html
    assert 'class="nhsuk-error-summary"' in html
    # The page offers the current version, so submitting again after reading it works.
    assert f'name="version" value="{journey.version}"' in html


def test_submitting_with_a_malformed_version_is_refused_without_an_error_page(client, answered, org_admin):
    client.force_login(org_admin)

    response = client.post(reverse("onboarding:check_answers", args=[answered.ods_code]), {"version": "abc"})

    assert response.status_code == 200
    assert 'class="nhsuk-error-summary"' in response.content.decode()
    assert journey_for_organisation(answered).submitted_at is None


def test_check_answers_shows_each_estate_answer(client, answered, org_admin):
    client.force_login(org_admin)

    response = client.get(reverse("onboarding:check_answers", args=[answered.ods_code]))

    staff_groups = next(group for group in response.context["groups"] if group["step"].slug == "staff-groups")
    assert staff_groups["rows"][1:] == [
        ("Is the organisation connected to HSCN (the Health and Social Care Network)?", "Yes"),
        ("Do staff use Windows 10 or later devices with TPM 2.0 (needed for Windows Hello)?", "Yes"),
        ("Does the organisation have its own iPads with Touch ID or Face ID, one per person?", "No"),
        ("Do staff have smartphones they can use to sign in?", "Yes"),
        ("Do staff share workstations or devices?", "No"),
    ]


def test_check_answers_shows_a_sent_ra_request_with_every_answer_and_no_change_link(
    client, organisation, org_admin, national_team, save, details_answers
):
    save("organisation-details", details_answers)
    save("ra-support", {"has_ra_support": "no"})
    client.force_login(org_admin)
    post_step(client, organisation, "ra-request", ra_request_form())

    response = client.get(reverse("onboarding:check_answers", args=[organisation.ods_code]))

    group = next(group for group in response.context["groups"] if group["step"].slug == "ra-request")
    reference = journey_for_organisation(organisation).answers["ra-request"]["request_reference"]
    assert [label for label, _ in group["rows"]] == [
        "RA request",
        "What help does your organisation need?",
        "How many staff are affected?",
        "Date needed by",
        "Contact email address",
        "What has your organisation already tried?",
        "I understand that whoever provides RA support may charge my organisation for it",
    ]
    assert group["rows"][0][1] == f"Sent: {reference} to {organisation.icb.name}. Status now: Submitted"
    assert group["rows"][2][1] == "6"
    assert group["rows"][4][1] == "asha@riverside.example.org"
    assert group["change_url"] == ""


def test_confirmation_links_to_the_plan_and_the_training_dashboard(client, answered, org_admin):
    client.force_login(org_admin)
    client.post(
        reverse("onboarding:check_answers", args=[answered.ods_code]),
        {"version": journey_for_organisation(answered).version},
    )

    html = client.get(reverse("onboarding:confirmation", args=[answered.ods_code])).content.decode()

    assert (
        f'<a href="{reverse("authenticators:plan", args=[answered.ods_code])}">your authenticator plan</a>'
        in html
    )
    assert (
        f'<a href="{reverse("training:dashboard", args=[answered.ods_code])}">the training dashboard</a>'
        in html
    )


@pytest.mark.parametrize("changed_after_finishing", ["authenticators", "organisation-details"])
def test_task_list_stops_offering_to_continue_once_every_question_is_answered(
    client, answered, org_admin, save, details_answers, changed_after_finishing
):
    from authenticators.selectors import plan_summary

    client.force_login(org_admin)
    client.post(
        reverse("onboarding:check_answers", args=[answered.ods_code]),
        {"version": journey_for_organisation(answered).version},
    )
    # A change made afterwards (from check your answers) leaves the next question as the "current" one.
    if changed_after_finishing == "authenticators":
        group = plan_summary(answered).groups[0]
        save(
            "authenticators",
            {"choices": {str(group.group_id): {"group": "Everyone", "authenticators": ["smartcard"]}}},
        )
    else:
        save("organisation-details", details_answers)

    html = client.get(reverse("onboarding:task_list", args=[answered.ods_code])).content.decode()

    assert "Continue where you left off" not in html
    assert journey_for_organisation(answered).is_submitted


def test_task_list_resumes_at_the_first_unanswered_question_not_an_answered_one(
    client, organisation, org_admin, save, details_answers
):
    save("organisation-details", details_answers)
    save("ra-support", {"has_ra_support": "yes", "provider_name": "Our own RA team"})
    save("organisation-details", details_answers)  # current question is now "ra-support", answered
    client.force_login(org_admin)

    html = client.get(reverse("onboarding:task_list", args=[organisation.ods_code])).content.decode()

    assert "Continue where you left off: applications your staff use" in html


def test_ra_request_step_says_its_button_sends_the_request_at_once(
    client, organisation, org_admin, national_team, save, details_answers
):
    save("organisation-details", details_answers)
    save("ra-support", {"has_ra_support": "no"})
    client.force_login(org_admin)

    before = client.get(step_url(organisation, "ra-request")).content.decode()
    from_check = client.get(step_url(organisation, "ra-request", "?return=check")).content.decode()
    post_step(client, organisation, "ra-request", ra_request_form())
    after = client.get(step_url(organisation, "ra-request")).content.decode()

    for page in (before, from_check):
        assert 'data-module="nhsuk-button">Send request</button>' in page
        assert "Save and continue</button>" not in page
        assert "This sends your request straight away" in page
    assert 'data-module="nhsuk-button">Save and continue</button>' in after
    assert "The request will not be sent again." in after

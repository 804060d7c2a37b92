"""The live readiness summary, the status-change timeline entries and the merged timeline."""

import pytest
from django.urls import reverse

from authenticators import services as authenticator_services
from onboarding import services
from onboarding.models import ReadinessEvent, ReadinessStatus
from onboarding.selectors import organisation_timeline, readiness_summary
from ra_requests import services as ra_services
from ra_requests.models import RARequest
from tests.factories import OrganisationFactory
from training import services as training_services

from .conftest import future_date

pytestmark = pytest.mark.django_db


def submit_request(organisation, user):
    return ra_services.submit_ra_request(
        organisation,
        submitted_by=user,
        help_needed=["register_users"],
        staff_affected=3,
        needed_by=future_date(),
        contact_name="Asha Patel",
        contact_phone="01632 960 001",
        contact_email="asha@riverside.example.org",
        already_tried="Nothing yet",
        charge_acknowledged=True,
    )


def make_plan(organisation, user, *, authenticators=("smartcard",)):
    authenticator_services.save_application_inventory(
        organisation, catalogue_slugs=["ncrs", "emis-web"], acting_user=user
    )
    group = authenticator_services.save_user_group(
        organisation,
        name="Clinicians",
        head_count=5,
        application_slugs=["ncrs", "emis-web"],
        acting_user=user,
    )
    authenticator_services.choose_authenticators(group, authenticator_slugs=authenticators, acting_user=user)
    return group


def test_summary_of_a_new_organisation_is_not_ready_with_an_action_for_each_check(
    organisation, catalogue, training_modules
):
    summary = readiness_summary(organisation)

    assert summary.status == ReadinessStatus.NOT_READY
    assert [(item.key, item.state) for item in summary.items] == [
        ("ra", "missing"),
        ("plan", "missing"),
        ("training", "missing"),
        ("cis1", "missing"),
    ]
    assert [item.action_url for item in summary.actions] == [
        reverse("onboarding:step", args=[organisation.ods_code, "ra-support"]),
        reverse("onboarding:step", args=[organisation.ods_code, "applications"]),
        reverse("onboarding:step", args=[organisation.ods_code, "technical-support"]),
        reverse("onboarding:step", args=[organisation.ods_code, "applications"]),
    ]


def test_summary_reflects_an_open_ra_request_with_its_status_and_sla(
    organisation, org_admin, catalogue, training_modules
):
    request = submit_request(organisation, org_admin)

    summary = readiness_summary(organisation)

    ra = summary.items[0]
    assert ra.state == "partly_met"
    assert ra.detail.startswith(
        "You asked for RA support: it is not arranged yet. "
        f"Request {request.reference} to {organisation.icb.name} is submitted: waiting for the RA team. "
        "A reply is due by "
    )
    assert ra.action_url == reverse("ra_requests:detail", args=[organisation.ods_code, request.pk])


def test_summary_counts_own_ra_support_from_the_wizard_answer(organisation, org_admin, save, details_answers):
    save("organisation-details", details_answers)
    save("ra-support", {"has_ra_support": "yes", "provider_name": "Lancashire RA team"})

    ra = readiness_summary(organisation).items[0]

    assert ra.state == "met"
    assert ra.detail == "You told us you have RA support from Lancashire RA team."


def test_summary_names_cis1_applications_and_uncovered_ones(organisation, org_admin, catalogue):
    make_plan(organisation, org_admin, authenticators=("microsoft-authenticator",))

    summary = readiness_summary(organisation)

    plan_item = summary.items[1]
    cis1_item = summary.items[3]
    assert plan_item.state == "partly_met"
    assert "EMIS Web" in plan_item.detail
    assert cis1_item.state == "partly_met"
    # The sources only suggest EMIS Web is on CIS1 (low confidence), so it is shown as unconfirmed.
    assert summary.cis1_applications == ("EMIS Web (unconfirmed)",)
    assert "CIS1 stops working after 28 February 2027" in cis1_item.detail
    assert "our sources could not confirm it: check with the supplier" in cis1_item.detail


def test_summary_is_ready_when_every_check_is_met(
    organisation, org_admin, catalogue, training_modules, save, details_answers
):
    from training.selectors import current_versions

    save("organisation-details", details_answers)
    save("ra-support", {"has_ra_support": "yes", "provider_name": "Our RA team"})
    authenticator_services.save_application_inventory(
        organisation, catalogue_slugs=["ncrs"], acting_user=org_admin
    )
    group = authenticator_services.save_user_group(
        organisation, name="Everyone", head_count=5, application_slugs=["ncrs"], acting_user=org_admin
    )
    authenticator_services.choose_authenticators(
        group, authenticator_slugs=["smartcard"], acting_user=org_admin
    )
    staff = training_services.add_staff_member(
        organisation,
        full_name="Tom Jones",
        email="tom@riverside.example.org",
        role="deskside",
        employment_type="in_house",
        acting_user=org_admin,
    )
    for version in current_versions():
        if version.module.applies_to("deskside"):
            training_services.record_completions(
                [staff],
                module_version=version,
                completed_on=future_date(-1),
                method="e_learning",
                acting_user=org_admin,
            )

    summary = readiness_summary(organisation)

    assert [item.state for item in summary.items] == ["met"] * 4
    assert summary.status == ReadinessStatus.READY
    assert summary.actions == []


def test_summary_page_shows_status_without_writing_anything(client, organisation, org_admin, catalogue):
    client.force_login(org_admin)
    url = reverse("onboarding:summary", args=[organisation.ods_code])

    first = client.get(url)

    html = first.content.decode()
    assert 'id="overall-status">Not ready</strong>' in html
    assert 'rel="stylesheet" href="/static/css/print.css" media="print"' in html
    assert not ReadinessEvent.objects.exists()


def test_record_readiness_statuses_adds_each_change_once(organisation, other_organisation):
    first_run = services.record_readiness_statuses()
    second_run = services.record_readiness_statuses()

    assert (first_run, second_run) == (2, 0)
    events = ReadinessEvent.objects.status_changes().filter(organisation=organisation)
    assert [(event.status, event.title) for event in events] == [
        ("not_ready", "Readiness status first worked out: not ready")
    ]
    assert events[0].detail == (
        "RA support: not done; authenticator plan: not done; technical staff trained: not done; "
        "no CIS1 applications: not done"
    )


def test_record_readiness_statuses_uses_the_same_queries_for_one_or_many_organisations(organisation):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        services.record_readiness_statuses()
    for number in range(20):
        OrganisationFactory(ods_code=f"Y{number:05d}", icb=organisation.icb)
    with CaptureQueriesContext(connection) as many:
        services.record_readiness_statuses()

    assert len(many.captured_queries) == len(one.captured_queries)


def test_record_readiness_status_adds_an_event_only_when_the_status_changes(organisation):
    services.record_readiness_status(organisation, status=ReadinessStatus.NOT_READY)
    unchanged = services.record_readiness_status(organisation, status=ReadinessStatus.NOT_READY)
    changed = services.record_readiness_status(organisation, status=ReadinessStatus.NEARLY_READY)

    assert unchanged is None
    assert changed.title == "Readiness status is now nearly ready"
    assert ReadinessEvent.objects.status_changes().count() == 2


def test_timeline_merges_every_part_newest_first(
    client, organisation, org_admin, catalogue, save, details_answers, other_organisation, other_org_admin
):
    save("organisation-details", details_answers)
    request = submit_request(organisation, org_admin)
    make_plan(organisation, org_admin)
    submit_request(other_organisation, other_org_admin)
    client.force_login(org_admin)

    response = client.get(reverse("onboarding:timeline", args=[organisation.ods_code]))

    events = organisation_timeline(organisation)
    categories = {event.category for event in events}
    assert categories == {"readiness", "ra_request", "authenticator_plan"}
    times = [event.occurred_at for event in events]
    assert times == sorted(times, reverse=True)
    html = response.content.decode()
    assert f"RA request {request.reference}" in html
    assert "Application inventory updated" in html
    assert "Readiness wizard: your organisation&#x27;s details saved" in html
    assert other_organisation.ods_code not in html


def test_timeline_filters_by_category(client, organisation, org_admin, catalogue, save, details_answers):
    save("organisation-details", details_answers)
    make_plan(organisation, org_admin)
    client.force_login(org_admin)

    response = client.get(
        reverse("onboarding:timeline", args=[organisation.ods_code]), {"category": "readiness"}
    )

    assert {entry["event"].category for entry in response.context["entries"]} == {"readiness"}


def test_summary_counts_a_resolved_request_as_ra_support_arranged(organisation, org_admin, ra_team_member):
    request = submit_request(organisation, org_admin)
    ra_services.acknowledge_ra_request(request, acting_user=ra_team_member)
    ra_services.resolve_ra_request(request, acting_user=ra_team_member, comment="Set up")

    ra = readiness_summary(organisation).items[0]

    assert ra.state == "met"
    assert ra.detail == f"{organisation.icb.name} resolved your request {request.reference}."


def test_summary_sends_a_declined_wizard_request_back_to_the_ra_requests(
    organisation, org_admin, ra_team_member, save, details_answers
):
    save("organisation-details", details_answers)
    save("ra-support", {"has_ra_support": "no", "provider_name": ""})
    journey = save(
        "ra-request",
        {
            "help_needed": ["register_users"],
            "staff_affected": 2,
            "needed_by": future_date(),
            "contact_email": "asha@riverside.example.org",
            "already_tried": "Nothing",
            "charge_acknowledged": True,
        },
    )
    request = RARequest.objects.get(pk=journey.answers["ra-request"]["request_id"])
    ra_services.decline_ra_request(request, reason="has_own_ra", acting_user=ra_team_member)

    ra = readiness_summary(organisation).items[0]

    assert ra.state == "missing"
    assert ra.detail == (
        f"{organisation.icb.name} declined your request {request.reference}. "
        "Next step: Ask your own organisation's RA team."
    )
    assert ra.action_url == reverse("ra_requests:detail", args=[organisation.ods_code, request.pk])


def test_timeline_shows_a_status_change_made_elsewhere_once_the_job_has_run(client, organisation, org_admin):
    services.record_readiness_status(organisation, status=ReadinessStatus.NEARLY_READY)
    client.force_login(org_admin)

    services.record_readiness_statuses()
    response = client.get(reverse("onboarding:timeline", args=[organisation.ods_code]))

    assert response.context["entries"][0]["event"].title == "Readiness status is now not ready"


@pytest.mark.parametrize(("user_fixture", "back_to"), [("org_admin", "task_list"), ("it_lead", "home")])
def test_summary_back_link_goes_to_the_task_list_only_for_admins(
    request, client, organisation, user_fixture, back_to
):
    client.force_login(request.getfixturevalue(user_fixture))
    expected = (
        reverse("onboarding:task_list", args=[organisation.ods_code])
        if back_to == "task_list"
        else reverse("home")
    )

    response = client.get(reverse("onboarding:summary", args=[organisation.ods_code]))

    assert f'<a class="nhsuk-back-link" href="{expected}">Back</a>' in response.content.decode()


def test_timeline_ignores_an_unknown_category(client, organisation, org_admin, save, details_answers):
    save("organisation-details", details_answers)
    client.force_login(org_admin)

    response = client.get(reverse("onboarding:timeline", args=[organisation.ods_code]), {"category": "bogus"})

    assert response.context["category"] == ""
    assert [entry["event"].title for entry in response.context["entries"]] == [
        "Readiness wizard: your organisation's details saved"
    ]


def test_timeline_includes_training_completions(organisation, org_admin, training_modules):
    from training.selectors import current_versions

    staff = training_services.add_staff_member(
        organisation,
        full_name="Tom Jones",
        email="tom@riverside.example.org",
        role="deskside",
        employment_type="in_house",
        acting_user=org_admin,
    )
    version = next(v for v in current_versions() if v.module.applies_to("deskside"))
    training_services.record_completions(
        [staff],
        module_version=version,
        completed_on=future_date(-1),
        method="e_learning",
        acting_user=org_admin,
    )

    events = organisation_timeline(organisation, category="training")

    assert [event.title for event in events] == [
        f"Training completed: {version.module.title} (version {version.number})"
    ]


def test_summary_page_lists_each_staff_group_with_its_chosen_authenticators(
    client, organisation, org_admin, catalogue
):
    make_plan(organisation, org_admin, authenticators=("smartcard",))
    authenticator_services.save_user_group(
        organisation, name="Reception", head_count=3, application_slugs=["ncrs"], acting_user=org_admin
    )
    client.force_login(org_admin)

    response = client.get(reverse("onboarding:summary", args=[organisation.ods_code]))

    html = response.content.decode()
    smartcard = "NHS smartcard"
    assert (
        '<th scope="row" class="nhsuk-table__header">Clinicians</th>\n'
        '          <td class="nhsuk-table__cell">5</td>\n'
        f'          <td class="nhsuk-table__cell">{smartcard}</td>'
    ) in html
    assert (
        '<th scope="row" class="nhsuk-table__header">Reception</th>\n'
        '          <td class="nhsuk-table__cell">3</td>\n'
        '          <td class="nhsuk-table__cell">Not chosen yet</td>'
    ) in html


def test_summary_page_reads_the_organisations_icb_with_the_membership(
    client, organisation, org_admin, catalogue, training_modules
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(org_admin)
    url = reverse("onboarding:summary", args=[organisation.ods_code])
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert f"{organisation.ods_code}), {organisation.icb.name}</span>" in response.content.decode()
    icb_reads = [
        query["sql"]
        for query in queries.captured_queries
        if 'FROM "organisations_raprovider" WHERE "organisations_raprovider"."id" =' in query["sql"]
    ]
    assert icb_reads == []


def test_summary_page_queries_do_not_grow_with_requests_or_staff_groups(
    client, organisation, org_admin, catalogue, training_modules, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from organisations.data_versions import page_cache

    submit_request(organisation, org_admin)
    make_plan(organisation, org_admin)
    client.force_login(org_admin)
    url = reverse("onboarding:summary", args=[organisation.ods_code])
    client.get(url)
    page_cache.clear()  # the body and the training figure computed afresh, as after a write
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    # Session, user, membership with organisation and ICB, the data version, the RA step's answers,
    # the RA requests, the plan's data version and the plan (three), the training stamp and figure
    # (modules, versions, staff, counts).
    assert len(few.captured_queries) == 15
    journey_reads = [
        query["sql"] for query in few.captured_queries if "onboarding_readinessjourney" in query["sql"]
    ]
    assert len(journey_reads) == 1
    assert "step_states" not in journey_reads[0]  # only the RA step's answers, not the whole journey
    for number in range(3):
        submit_request(organisation, org_admin)
        authenticator_services.save_user_group(
            organisation,
            name=f"Group {number}",
            head_count=2,
            application_slugs=["ncrs"],
            acting_user=org_admin,
        )

    page_cache.clear()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)

    assert response.content.decode().count('<th scope="row" class="nhsuk-table__header">Group ') == 3

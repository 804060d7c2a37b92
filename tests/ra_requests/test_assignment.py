"""Assigning a request to a member of its provider's RA team: service, change form, filters, escalation."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import OutboundEmail
from organisations import services as organisation_services
from ra_requests import services
from ra_requests.escalations import run_escalations
from ra_requests.models import RARequest
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:ra_requests_rarequest_changelist")


def change_url(ra_request):
    return reverse("admin:ra_requests_rarequest_change", args=[ra_request.pk])


@pytest.fixture
def colleague(icb):
    user = UserFactory(email="ben.colleague@lsc.example.org", first_name="Ben", last_name="Colleague")
    organisation_services.add_ra_team_member(icb, user=user)
    return user


@pytest.fixture
def triage(client, ra_team_member, role_groups):
    client.force_login(ra_team_member)
    return client


def assignment_emails(ra_request):
    return list(OutboundEmail.objects.filter(dedupe_key__startswith=f"ra_request:{ra_request.pk}:assigned:"))


def test_assign_records_it_on_the_timeline_and_emails_the_assignee(ra_request, ra_team_member, colleague):
    assigned = services.assign_ra_request(ra_request, assignee=colleague, acting_user=ra_team_member)

    assert RARequest.objects.get(pk=ra_request.pk).assigned_to == colleague
    event = assigned.events.last()
    assert (event.kind, event.actor, event.comment) == (
        "assigned",
        ra_team_member,
        "Assigned to Ben Colleague",
    )
    [email] = assignment_emails(ra_request)
    assert email.to == ["ben.colleague@lsc.example.org"]
    assert (
        email.subject
        == f"Assigned to you: RA support request from Riverside Surgery [{ra_request.reference}]"
    )
    assert change_url(ra_request) in email.body


def test_assigning_yourself_sends_no_email_and_unassigning_is_recorded(ra_request, ra_team_member):
    services.assign_ra_request(ra_request, assignee=ra_team_member, acting_user=ra_team_member)
    unassigned = services.assign_ra_request(ra_request, assignee=None, acting_user=ra_team_member)

    assert unassigned.assigned_to is None
    assert [e.comment for e in unassigned.events.filter(kind="assigned")] == [
        f"Assigned to {ra_team_member}",
        "Unassigned",
    ]
    assert assignment_emails(ra_request) == []


def test_assign_refuses_someone_outside_the_providers_team(
    ra_request, ra_team_member, other_ra_team_member, org_admin
):
    for outsider in (other_ra_team_member, org_admin):
        with pytest.raises(ValidationError) as error:
            services.assign_ra_request(ra_request, assignee=outsider, acting_user=ra_team_member)
        assert error.value.message_dict == {
            "assignee": [f"Choose a member of {ra_request.provider.name}'s RA team"]
        }

    assert RARequest.objects.get(pk=ra_request.pk).assigned_to is None
    assert ra_request.events.filter(kind="assigned").count() == 0


def test_change_form_offers_only_the_providers_team_and_assigns(
    triage, ra_request, colleague, other_ra_team_member
):
    form = triage.get(change_url(ra_request)).content.decode()

    response = triage.post(
        change_url(ra_request), {"version": ra_request.version, "assignee": colleague.pk}, follow=True
    )

    assert f'<option value="{colleague.pk}">Ben Colleague</option>' in form
    assert f'value="{other_ra_team_member.pk}"' not in form
    assert RARequest.objects.get(pk=ra_request.pk).assigned_to == colleague
    assert [str(m) for m in response.context["messages"]] == [
        f"{ra_request.reference}: assigned to Ben Colleague, who has been emailed."
    ]


def test_change_form_assigns_acts_and_notes_in_one_save(triage, ra_request, colleague):
    response = triage.post(
        change_url(ra_request),
        {
            "version": ra_request.version,
            "assignee": colleague.pk,
            "action": "acknowledge",
            "comment": "Ben has it.",
        },
        follow=True,
    )

    ra_request.refresh_from_db()
    assert (ra_request.status, ra_request.assigned_to) == ("acknowledged", colleague)
    assert [str(m) for m in response.context["messages"]] == [
        f"{ra_request.reference}: assigned to Ben Colleague, who has been emailed. "
        "Acknowledged, with your note. "
        "The organisation's contact (asha.patel@riverside.example.org) has been emailed."
    ]


@pytest.mark.parametrize("tampered", ["other_team", "org_admin", "not-a-number", "99999999999999999999999"])
def test_change_form_refuses_a_tampered_assignee_with_a_form_error(
    triage, ra_request, other_ra_team_member, org_admin, tampered
):
    value = {"other_team": other_ra_team_member.pk, "org_admin": org_admin.pk}.get(tampered, tampered)

    response = triage.post(change_url(ra_request), {"version": ra_request.version, "assignee": value})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert RARequest.objects.get(pk=ra_request.pk).assigned_to is None


def test_assigned_to_me_and_unassigned_filters(
    triage, ra_team_member, colleague, organisation, org_admin, submit
):
    mine, theirs, nobodys = (submit(organisation, org_admin) for _ in range(3))
    services.assign_ra_request(mine, assignee=ra_team_member, acting_user=ra_team_member)
    services.assign_ra_request(theirs, assignee=colleague, acting_user=ra_team_member)

    def shown(value):
        return set(triage.get(CHANGELIST, {"assigned": value}).context["cl"].result_list)

    assert shown("me") == {mine}
    assert shown("nobody") == {nobodys}


def test_changelist_sorts_by_sla_due_date(triage, ra_team_member, organisation, org_admin, submit):
    late, early, acknowledged = (submit(organisation, org_admin) for _ in range(3))
    now = late.acknowledge_due_at
    RARequest.objects.filter(pk=late.pk).update(acknowledge_due_at=now + datetime.timedelta(days=3))
    RARequest.objects.filter(pk=early.pk).update(acknowledge_due_at=now - datetime.timedelta(days=3))
    services.acknowledge_ra_request(acknowledged, acting_user=ra_team_member)
    # Acknowledged: its resolve target counts, not the (earliest) acknowledge one.
    RARequest.objects.filter(pk=acknowledged.pk).update(
        acknowledge_due_at=now - datetime.timedelta(days=30), resolve_due_at=now + datetime.timedelta(days=1)
    )
    column = triage.get(CHANGELIST).context["cl"].list_display.index("sla_due")

    ascending = list(triage.get(CHANGELIST, {"o": str(column)}).context["cl"].result_list)
    descending = list(triage.get(CHANGELIST, {"o": f"-{column}"}).context["cl"].result_list)

    assert ascending == [early, acknowledged, late]
    assert descending == [late, acknowledged, early]


def test_escalation_warning_goes_to_the_assignee_first(ra_request, ra_team_member, colleague, icb):
    services.assign_ra_request(ra_request, assignee=colleague, acting_user=ra_team_member)
    ra_request.refresh_from_db()

    run_escalations(now=ra_request.next_escalation_at + datetime.timedelta(minutes=1))
    warning = OutboundEmail.objects.get(dedupe_key=f"ra_request:{ra_request.pk}:ack_warning:1.1")
    run_escalations(now=ra_request.acknowledge_due_at + datetime.timedelta(minutes=1))
    breach = OutboundEmail.objects.get(dedupe_key=f"ra_request:{ra_request.pk}:ack_breach:1.2")

    assert warning.to == ["ben.colleague@lsc.example.org"]
    assert breach.to == [icb.ra_contact_email, "ben.colleague@lsc.example.org"]


def _changelist_queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    # The rows' checkboxes: a page kept from an earlier view has no context to read.
    return len(queries), response.content.count(b'class="action-select"')


def test_changelist_queries_stay_constant_with_assignees_search_and_sorting(
    triage, ra_team_member, organisation, org_admin, submit, icb
):
    def add_requests(count):
        for _ in range(count):
            ra_request = submit(OrganisationFactory(icb=icb), org_admin)
            member = UserFactory()
            organisation_services.add_ra_team_member(icb, user=member)
            services.assign_ra_request(ra_request, assignee=member, acting_user=ra_team_member)

    views = [{}, {"q": "RA-000001"}, {"q": "Riverside"}, {"assigned": "me"}, {"o": "8"}, {"status": "open"}]
    add_requests(3)
    few = [_changelist_queries(triage, **params)[0] for params in views]
    add_requests(27)

    many = [_changelist_queries(triage, **params)[0] for params in views]

    assert _changelist_queries(triage)[1] == 30
    assert many == few


def test_assign_to_me_skips_requests_of_a_team_the_user_is_not_in(
    client, national_admin, role_groups, ra_request
):
    client.force_login(national_admin)

    response = client.post(
        CHANGELIST, {"action": "assign_to_me", "_selected_action": [ra_request.pk]}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "0 request(s) assigned to you. 1 skipped because they are closed or routed to another RA team."
    ]
    assert RARequest.objects.get(pk=ra_request.pk).assigned_to is None


def test_a_post_without_the_assignee_field_leaves_the_assignee_alone(
    triage, ra_request, ra_team_member, colleague
):
    assigned = services.assign_ra_request(ra_request, assignee=colleague, acting_user=ra_team_member)

    triage.post(change_url(ra_request), {"version": assigned.version, "action": "acknowledge"})

    ra_request.refresh_from_db()
    assert (ra_request.status, ra_request.assigned_to) == ("acknowledged", colleague)

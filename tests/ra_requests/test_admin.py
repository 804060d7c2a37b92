from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboundEmail
from ra_requests import services
from ra_requests.models import RARequest, Status
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:ra_requests_rarequest_changelist")


def change_url(ra_request):
    return reverse("admin:ra_requests_rarequest_change", args=[ra_request.pk])


@pytest.fixture
def other_request(other_organisation, other_org_admin, submit, role_groups):
    return submit(other_organisation, other_org_admin)


@pytest.fixture
def triage(client, ra_team_member, role_groups):
    client.force_login(ra_team_member)
    return client


def test_ra_team_member_sees_only_their_providers_requests(triage, ra_request, other_request):
    response = triage.get(CHANGELIST)

    content = response.content.decode()
    assert list(response.context["cl"].result_list) == [ra_request]
    assert "A81001" in content
    assert "B82002" not in content


def test_ra_team_member_cannot_open_another_providers_request_by_url(triage, other_request):
    history_versions = other_request.history.values_list("history_id", flat=True)
    urls = [
        reverse("admin:ra_requests_rarequest_history", args=[other_request.pk]),
        *(
            reverse("admin:ra_requests_rarequest_simple_history", args=[other_request.pk, version])
            for version in history_versions
        ),
    ]

    change = triage.get(change_url(other_request), follow=True)
    history = [triage.get(url) for url in urls]

    assert change.redirect_chain == [(reverse("admin:index"), 302)]
    assert b"Hillside Surgery" not in change.content
    assert len(history) == 1 + len(history_versions) > 1
    assert {response.status_code for response in history} == {404}


def test_ra_team_member_cannot_change_another_providers_request_by_post(triage, other_request):
    triage.post(change_url(other_request), {"version": other_request.version, "action": "acknowledge"})

    assert RARequest.objects.get(pk=other_request.pk).status == Status.SUBMITTED


def test_national_admin_sees_every_request(client, national_admin, role_groups, ra_request, other_request):
    client.force_login(national_admin)

    response = client.get(CHANGELIST)

    assert set(response.context["cl"].result_list) == {ra_request, other_request}


def test_changelist_filters_by_sla_state_type_and_region(
    client, national_admin, role_groups, ra_request, other_request
):
    RARequest.objects.filter(pk=other_request.pk).update(acknowledge_due_at=other_request.created_at)
    client.force_login(national_admin)

    overdue = client.get(CHANGELIST, {"sla": "overdue"})
    by_type = client.get(CHANGELIST, {"help": "issue_smartcards"})
    by_region = client.get(CHANGELIST, {"region": "North East and Yorkshire"})
    searched = client.get(CHANGELIST, {"q": "a81001"})

    assert list(overdue.context["cl"].result_list) == [other_request]
    assert '<span class="ra-sla ra-sla--overdue">Overdue</span>' in overdue.content.decode()
    assert set(by_type.context["cl"].result_list) == {ra_request, other_request}
    assert list(by_region.context["cl"].result_list) == [other_request]
    assert list(searched.context["cl"].result_list) == [ra_request]


def test_sla_state_filters_agree_with_each_requests_deadline(
    client, national_admin, role_groups, organisation, org_admin, ra_team_member, submit
):
    now = timezone.now()
    overdue, due_soon, on_track, paused = (submit(organisation, org_admin) for _ in range(4))
    RARequest.objects.filter(pk=overdue.pk).update(acknowledge_due_at=now - timedelta(hours=1))
    RARequest.objects.filter(pk=due_soon.pk).update(acknowledge_due_at=now + timedelta(hours=3))
    RARequest.objects.filter(pk=on_track.pk).update(acknowledge_due_at=now + timedelta(days=3))
    services.acknowledge_ra_request(paused, acting_user=ra_team_member)
    services.ask_organisation(paused, acting_user=ra_team_member, comment="Which staff?")
    RARequest.objects.filter(pk=paused.pk).update(resolve_due_at=now - timedelta(days=1))
    client.force_login(national_admin)

    responses = {
        state: client.get(CHANGELIST, {"sla": state})
        for state in ("overdue", "due_soon", "on_track", "paused")
    }

    shown = {state: set(response.context["cl"].result_list) for state, response in responses.items()}
    assert shown == {"overdue": {overdue}, "due_soon": {due_soon}, "on_track": {on_track}, "paused": {paused}}
    assert '<span class="ra-sla ra-sla--paused">Paused</span>' in responses["paused"].content.decode()
    assert {r for r in RARequest.objects.all() if r.is_overdue(now)} == {overdue}
    assert set(RARequest.objects.overdue(now)) == {overdue}


def test_request_type_filter_matches_whole_codes_only(triage, organisation, org_admin, submit):
    other = submit(organisation, org_admin, help_needed=["register_users", "other"])
    authenticators = submit(organisation, org_admin, help_needed=["other_authenticators"])
    both = submit(organisation, org_admin, help_needed=["other", "other_authenticators", "positions"])

    shown = {
        code: set(triage.get(CHANGELIST, {"help": code}).context["cl"].result_list)
        for code in ("other", "other_authenticators", "positions")
    }

    assert shown == {
        "other": {other, both},
        "other_authenticators": {authenticators, both},
        "positions": {both},
    }


def _changelist_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return len(queries), len(response.context["cl"].result_list)


def test_changelist_uses_the_same_number_of_queries_for_3_and_30_rows(
    triage, organisation, org_admin, submit
):
    for _ in range(3):
        submit(organisation, org_admin)
    few_queries, few_rows = _changelist_queries(triage)
    for _ in range(27):
        submit(OrganisationFactory(icb=organisation.icb), org_admin)

    many_queries, many_rows = _changelist_queries(triage)

    assert (few_rows, many_rows) == (3, 30)
    assert many_queries == few_queries


def test_change_form_applies_an_action_through_the_service(triage, ra_request, ra_team_member):
    response = triage.post(
        change_url(ra_request), {"version": ra_request.version, "action": "acknowledge", "comment": "On it"}
    )

    assert response.status_code == 302
    ra_request.refresh_from_db()
    assert ra_request.status == Status.ACKNOWLEDGED
    event = ra_request.events.last()
    assert (event.actor, event.comment) == (ra_team_member, "On it")


def test_change_form_refuses_a_stale_version_with_a_clear_error(triage, ra_request, other_ra_team_member):
    loaded_version = ra_request.version
    services.acknowledge_ra_request(ra_request, acting_user=other_ra_team_member)

    response = triage.post(change_url(ra_request), {"version": loaded_version, "action": "start"})

    assert response.status_code == 200
    assert "Someone else changed this request after you opened it" in response.content.decode()
    assert RARequest.objects.get(pk=ra_request.pk).status == Status.ACKNOWLEDGED


def test_change_form_requires_a_reason_to_decline(triage, ra_request):
    response = triage.post(change_url(ra_request), {"version": ra_request.version, "action": "decline"})

    assert "Select why you are declining the request" in response.content.decode()
    assert RARequest.objects.get(pk=ra_request.pk).status == Status.SUBMITTED


def test_only_national_admins_can_change_routing(triage, client, national_admin, ra_request, other_icb):
    triage.post(
        change_url(ra_request),
        {"version": ra_request.version, "new_provider": other_icb.pk, "routing_note": "Moved"},
    )
    assert RARequest.objects.get(pk=ra_request.pk).provider_id != other_icb.pk

    client.force_login(national_admin)
    response = client.post(
        change_url(ra_request),
        {"version": ra_request.version, "new_provider": other_icb.pk, "routing_note": "Practice moved ICB"},
    )

    assert response.status_code == 302
    moved = RARequest.objects.get(pk=ra_request.pk)
    assert (moved.provider, moved.routing_reason) == (other_icb, "Practice moved ICB")
    assert moved.history.first().history_user == national_admin


def test_bulk_actions_go_through_the_services(
    triage, ra_request, organisation, org_admin, submit, ra_team_member
):
    second = submit(organisation, org_admin)
    services.acknowledge_ra_request(second, acting_user=ra_team_member)
    ids = [ra_request.pk, second.pk]

    acknowledged = triage.post(
        CHANGELIST, {"action": "acknowledge_selected", "_selected_action": ids}, follow=True
    )
    triage.post(CHANGELIST, {"action": "assign_to_me", "_selected_action": ids})

    assert "1 request(s) acknowledged. 1 skipped" in acknowledged.content.decode()
    assert RARequest.objects.get(pk=ra_request.pk).status == Status.ACKNOWLEDGED
    assert set(RARequest.objects.values_list("assigned_to", flat=True)) == {ra_team_member.pk}


def test_changelist_rows_carry_an_accessible_checkbox_and_a_plain_age(triage, ra_request):
    from ra_requests.admin import describe_age

    content = triage.get(CHANGELIST).content.decode()

    assert (
        f'<input type="checkbox" name="_selected_action" value="{ra_request.pk}" class="action-select" '
        f'aria-label="Select this object for an action - {ra_request.reference}">'
    ) in content
    assert "under an hour" in content
    assert [describe_age(timedelta(hours=h)) for h in (0, 1, 5, 24, 50)] == [
        "under an hour",
        "1 hour",
        "5 hours",
        "1 day",
        "2 days",
    ]


def test_change_page_offers_only_legal_actions_and_shows_the_timeline(triage, ra_request):
    content = triage.get(change_url(ra_request)).content.decode()

    assert 'value="acknowledge"' in content
    assert 'value="decline"' in content
    assert 'value="resolve"' not in content
    assert 'name="new_provider"' not in content
    assert "Email sent: RA support request from Riverside Surgery" in content
    assert "Phoned the ICB smartcard line twice; no answer." in content
    assert f'name="version" value="{ra_request.version}"' in content


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_note_with_no_change_is_recorded_and_emailed(triage, ra_request, ra_team_member):
    response = triage.post(
        change_url(ra_request),
        {"version": ra_request.version, "action": "", "comment": "We have ordered 12 smartcards."},
        follow=True,
    )

    ra_request.refresh_from_db()
    assert ra_request.status == Status.SUBMITTED
    note = ra_request.events.last()
    assert (note.kind, note.actor, note.comment) == ("note", ra_team_member, "We have ordered 12 smartcards.")
    email = OutboundEmail.objects.get(dedupe_key=f"ra_request:{ra_request.pk}:note:{note.pk}")
    assert email.to == ["asha.patel@riverside.example.org"]
    assert "We have ordered 12 smartcards." in email.body
    assert _messages(response) == [
        f"{ra_request.reference}: your note was added to the timeline and emailed to "
        "asha.patel@riverside.example.org. The status is unchanged (Submitted)."
    ]


def test_a_note_after_resolving_is_recorded_and_emailed(triage, ra_request, ra_team_member):
    services.start_work_on_ra_request(ra_request, acting_user=ra_team_member)
    resolved = services.resolve_ra_request(ra_request, acting_user=ra_team_member)

    response = triage.post(
        change_url(ra_request),
        {"version": resolved.version, "comment": "Cards posted first class today."},
        follow=True,
    )

    note = ra_request.events.last()
    assert (note.kind, note.comment) == ("note", "Cards posted first class today.")
    assert OutboundEmail.objects.filter(dedupe_key=f"ra_request:{ra_request.pk}:note:{note.pk}").exists()
    assert "your note was added to the timeline and emailed" in _messages(response)[0]
    detail = reverse("ra_requests:detail", args=[ra_request.organisation.ods_code, ra_request.pk])
    triage.force_login(ra_request.submitted_by)
    assert "Cards posted first class today." in triage.get(detail).content.decode()


def test_an_action_with_a_note_says_what_happened(triage, ra_request):
    response = triage.post(
        change_url(ra_request),
        {"version": ra_request.version, "action": "acknowledge", "comment": "Looking at it today."},
        follow=True,
    )

    assert _messages(response) == [
        f"{ra_request.reference}: acknowledged, with your note. The organisation's contact "
        "(asha.patel@riverside.example.org) has been emailed."
    ]


def test_saving_with_nothing_chosen_or_typed_says_nothing_changed(triage, ra_request):
    response = triage.post(change_url(ra_request), {"version": ra_request.version}, follow=True)

    assert _messages(response) == [
        f"Nothing was changed on {ra_request.reference}: choose an action or write a note."
    ]
    assert ra_request.events.count() == 1

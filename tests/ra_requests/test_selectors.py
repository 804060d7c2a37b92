import datetime

import pytest
from django.utils import timezone

from notifications.models import OutboundEmail
from organisations import demo_data as organisations_demo_data
from organisations import reference_data as organisations_reference_data
from organisations.models import RAProvider
from ra_requests import demo_data, selectors, services
from ra_requests.models import RARequest
from tests.factories import OrganisationFactory, RAProviderFactory

pytestmark = pytest.mark.django_db


def test_ra_support_status_is_not_arranged_without_requests_or_a_named_ra(organisation, national_team):
    support = selectors.ra_support_status(organisation)

    assert (support.state, support.is_arranged, support.requests) == ("not_arranged", False, ())


def test_ra_support_status_shows_an_open_request_with_its_status_and_who_it_waits_for(
    ra_request, organisation, icb
):
    RARequest.objects.filter(pk=ra_request.pk).update(
        acknowledge_due_at=timezone.now() - datetime.timedelta(hours=1)
    )

    support = selectors.ra_support_status(organisation)

    (standing,) = support.open_requests
    assert standing.request_id == ra_request.pk
    assert (standing.status, standing.status_label, standing.provider_name) == (
        "submitted",
        "Submitted",
        icb.name,
    )
    assert (standing.waiting_for, standing.is_overdue) == ("ra_team", True)
    assert support.state == "requested"
    assert support.summary == (
        "Not arranged yet (requested: waiting for the RA team). "
        f"Open: {ra_request.reference}: Submitted, waiting for the RA team (overdue)"
    )


def test_ra_support_status_says_when_it_next_changes_with_no_write(
    organisation, org_admin, ra_team_member, national_team, submit, clock
):
    now = timezone.now()
    hours = datetime.timedelta(hours=1)
    overdue, soon, later, paused = (submit(organisation, org_admin) for _ in range(4))
    RARequest.objects.filter(pk=overdue.pk).update(acknowledge_due_at=now - hours)
    RARequest.objects.filter(pk=soon.pk).update(acknowledge_due_at=now + 2 * hours)
    RARequest.objects.filter(pk=later.pk).update(acknowledge_due_at=now + 5 * hours)
    services.acknowledge_ra_request(paused, acting_user=ra_team_member)
    services.ask_organisation(paused, acting_user=ra_team_member, comment="How many staff?")
    RARequest.objects.filter(pk=paused.pk).update(resolve_due_at=now + hours)
    clock.set(now)

    support = selectors.ra_support_status(organisation)

    standings = {standing.request_id: standing for standing in support.requests}
    assert standings[overdue.pk].turns_overdue_after is None  # already overdue
    assert standings[paused.pk].turns_overdue_after is None  # paused: never overdue until it resumes
    assert standings[later.pk].turns_overdue_after == now + 5 * hours
    assert support.next_turns_overdue_after == now + 2 * hours
    clock.set(now + 2 * hours + datetime.timedelta(seconds=1))
    assert selectors.ra_support_status(organisation).standing_of(soon.pk).is_overdue
    assert selectors.ra_support_status(organisation).next_turns_overdue_after == now + 5 * hours


def test_ra_support_status_of_a_declined_request_names_it_and_its_next_step(
    ra_request, organisation, ra_team_member
):
    services.decline_ra_request(ra_request, reason="outside_area", acting_user=ra_team_member)

    support = selectors.ra_support_status(organisation)

    assert support.open_requests == ()
    assert support.state == "declined"
    assert support.latest_declined.request_id == ra_request.pk
    assert support.latest_declined.waiting_for == "organisation"
    assert support.summary == (
        f"Not arranged: {ra_request.reference} declined (next step: send the request to the national RA team)"
    )


def test_organisations_supported_by_follows_routing(
    organisation, other_organisation, icb, other_icb, national_team
):
    csu = RAProviderFactory(ods_code="0DF", name="NHS SCW CSU", kind=RAProvider.Kind.CSU)
    other_icb.ra_support_provider = csu
    other_icb.save()
    no_email_icb = RAProviderFactory(ods_code="QXX", ra_contact_email="")
    stranded = OrganisationFactory(icb=no_email_icb)

    assert list(selectors.organisations_supported_by(icb)) == [organisation]
    assert list(selectors.organisations_supported_by(csu)) == [other_organisation]
    assert list(selectors.organisations_supported_by(other_icb)) == []
    assert list(selectors.organisations_supported_by(national_team)) == [stranded]


def test_organisations_supported_by_includes_open_requests_routed_there(
    ra_request, organisation, national_admin, other_icb
):
    services.change_route(ra_request, provider=other_icb, reason="Covering", acting_user=national_admin)

    assert list(selectors.organisations_supported_by(other_icb)) == [organisation]


def test_timeline_events_for_organisation_lists_only_its_own_events(
    ra_request, organisation, other_organisation, ra_team_member
):
    services.acknowledge_ra_request(ra_request, acting_user=ra_team_member, comment="Got it")

    events = selectors.timeline_events_for_organisation(organisation)

    assert [e.title for e in events] == [
        f"RA request {ra_request.reference}: Submitted",
        f"RA request {ra_request.reference}: Submitted → Acknowledged",
    ]
    assert events[1].detail == "Got it"
    assert events[1].actor == ra_team_member.display_name
    assert events[0].url == f"/ra-requests/A81001/{ra_request.pk}/"
    assert selectors.timeline_events_for_organisation(other_organisation) == []


def test_request_timeline_lists_sent_emails_but_not_pending_ones(ra_request, ra_team_member):
    services.acknowledge_ra_request(ra_request, acting_user=ra_team_member)  # queued, never sent
    assert OutboundEmail.objects.filter(subject__contains="acknowledged", status="pending").count() == 1

    titles = {item.title: item.detail for item in selectors.request_timeline(ra_request)}

    assert titles["Email sent: Your RA support request: submitted [" + ra_request.reference + "]"] == (
        f"To {ra_request.contact_email}"
    )
    assert not any("acknowledged" in title for title in titles if title.startswith("Email sent"))


def test_demo_seed_is_idempotent(settings):
    organisations_reference_data.load(settings.REFERENCE_DATA_DIR)
    organisations_demo_data.seed()

    first = demo_data.seed()
    again = demo_data.seed()

    assert first == "RA requests: 3 demo requests created"
    assert again == "RA requests: demo requests already present"
    assert RARequest.objects.filter(organisation__ods_code="A99901").count() == 2
    assert RARequest.objects.filter(organisation__ods_code="FZZ91").count() == 1
    assert RARequest.objects.get(organisation__ods_code="A99901", status="waiting").provider.ods_code == "QE1"

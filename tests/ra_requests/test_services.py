import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.models import OutboundEmail
from ra_requests import services
from ra_requests.models import RARequest, RARequestEvent, Status
from ra_requests.sla import LONDON
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ALL_STATUSES = list(Status.values)


def put_in(ra_request, status, **extra):
    """Arrange: move the request straight to ``status`` (as if earlier transitions had happened)."""
    fields = {"status": status, **extra}
    if status in (Status.RESOLVED, Status.DECLINED):
        fields.setdefault("closed_at", timezone.now() - datetime.timedelta(days=1))
    if status == Status.DECLINED:
        fields.setdefault("decline_reason", "outside_area")
    if status == Status.WAITING_FOR_ORGANISATION:
        fields.setdefault("paused_at", timezone.now())
    RARequest.objects.filter(pk=ra_request.pk).update(**fields)
    ra_request.refresh_from_db()
    return ra_request


def test_submit_ra_request_routes_saves_and_starts_the_clock(organisation, icb, org_admin, submit, clock):
    # Monday 3 March 2025, 10:00 in London (GMT); the ICB's targets are 2 and 10 working days.
    clock.set(datetime.datetime(2025, 3, 3, 10, 0, tzinfo=LONDON))

    ra_request = submit(organisation, org_admin)

    assert ra_request.organisation == organisation
    assert ra_request.provider == icb
    assert ra_request.status == Status.SUBMITTED
    assert ra_request.help_needed_list == ["register_users", "issue_smartcards"]
    assert ra_request.routing_reason == f"{icb.name} gives RA support to its own organisations."
    # 16 working hours: 7 on Monday, 8 on Tuesday, 1 on Wednesday.
    assert ra_request.acknowledge_due_at == datetime.datetime(2025, 3, 5, 10, 0, tzinfo=LONDON)
    # 80 working hours: 7 on Monday, 32 to Friday, 40 the next week, 1 on Monday 17th.
    assert ra_request.resolve_due_at == datetime.datetime(2025, 3, 17, 10, 0, tzinfo=LONDON)
    # The reminder, 4 working hours before the acknowledgement target: Tuesday 14:00.
    assert ra_request.next_escalation_at == datetime.datetime(2025, 3, 4, 14, 0, tzinfo=LONDON)
    event = ra_request.events.get()
    assert (event.kind, event.to_status, event.actor) == ("status", Status.SUBMITTED, org_admin)


def test_submit_ra_request_emails_the_provider_and_the_organisation_contact(ra_request, icb):
    emails = {e.dedupe_key: e for e in OutboundEmail.objects.all()}

    event = ra_request.events.get()
    assert set(emails) == {
        f"ra_request:{ra_request.pk}:routed:1",
        f"ra_request:{ra_request.pk}:status:{event.pk}",
    }
    to_provider = emails[f"ra_request:{ra_request.pk}:routed:1"]
    assert to_provider.to == [icb.ra_contact_email]
    assert "Phoned the ICB smartcard line twice" in to_provider.body
    assert "\u201cRiverside Surgery\u201d (ODS code A81001)" in to_provider.body
    assert emails[f"ra_request:{ra_request.pk}:status:{event.pk}"].to == ["asha.patel@riverside.example.org"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["asha.patel@riverside.example.org", icb.ra_contact_email]
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"charge_acknowledged": False},
            "charge_acknowledged",
            "Confirm that you understand RA support may be charged for",
        ),
        ({"help_needed": []}, "help_needed", "Select the help your organisation needs"),
        ({"help_needed": ["fly_to_the_moon"]}, "help_needed", "Select the help your organisation needs"),
        ({"staff_affected": 0}, "staff_affected", "Number of staff affected must be 1 or more"),
        (
            {"needed_by": datetime.date(2020, 1, 1)},
            "needed_by",
            "Date needed by must be today or in the future",
        ),
        ({"already_tried": "  "}, "already_tried", "Tell us what your organisation has already tried"),
        ({"needed_by": None}, "needed_by", "Enter the date you need help by"),
        (
            {"contact_email": "asha at riverside"},
            "contact_email",
            "Enter an email address in the correct format, like name@example.nhs.uk",
        ),
    ],
)
def test_submit_ra_request_refuses_bad_input(
    organisation, org_admin, national_team, submit, overrides, field, message
):
    with pytest.raises(ValidationError) as error:
        submit(organisation, org_admin, **overrides)

    assert error.value.message_dict == {field: [message]}
    assert RARequest.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


# The lifecycle written out by hand, state by state, so a change to lifecycle.TRANSITIONS fails here.
# {status: {transition: status it leads to}}; anything not listed must be refused.
EXPECTED_LIFECYCLE = {
    Status.SUBMITTED: {
        "acknowledge": Status.ACKNOWLEDGED,
        "start": Status.IN_PROGRESS,
        "decline": Status.DECLINED,
    },
    Status.REROUTED: {
        "acknowledge": Status.ACKNOWLEDGED,
        "start": Status.IN_PROGRESS,
        "decline": Status.DECLINED,
    },
    Status.ACKNOWLEDGED: {
        "start": Status.IN_PROGRESS,
        "ask_organisation": Status.WAITING_FOR_ORGANISATION,
        "resolve": Status.RESOLVED,
        "decline": Status.DECLINED,
    },
    Status.IN_PROGRESS: {
        "ask_organisation": Status.WAITING_FOR_ORGANISATION,
        "resolve": Status.RESOLVED,
        "decline": Status.DECLINED,
    },
    Status.WAITING_FOR_ORGANISATION: {
        "organisation_replied": Status.IN_PROGRESS,
        "resolve": Status.RESOLVED,
        "decline": Status.DECLINED,
    },
    Status.RESOLVED: {"reopen": Status.SUBMITTED},
    Status.DECLINED: {"reroute": Status.REROUTED, "reopen": Status.SUBMITTED},
}
ALL_TRANSITIONS = [
    "acknowledge",
    "start",
    "ask_organisation",
    "organisation_replied",
    "resolve",
    "decline",
    "reroute",
    "reopen",
]
# What the admin's action list offers RA staff in each state (the organisation makes the rest).
EXPECTED_ADMIN_ACTIONS = {
    Status.SUBMITTED: ["acknowledge", "start", "decline"],
    Status.REROUTED: ["acknowledge", "start", "decline"],
    Status.ACKNOWLEDGED: ["start", "ask_organisation", "resolve", "decline"],
    Status.IN_PROGRESS: ["ask_organisation", "resolve", "decline"],
    Status.WAITING_FOR_ORGANISATION: ["resolve", "decline"],
    Status.RESOLVED: [],
    Status.DECLINED: [],
}
LEGAL = [
    (name, source, target)
    for source, transitions in EXPECTED_LIFECYCLE.items()
    for name, target in transitions.items()
]
ILLEGAL = [
    (name, status)
    for status in ALL_STATUSES
    for name in ALL_TRANSITIONS
    if name not in EXPECTED_LIFECYCLE[status]
]


def test_every_status_and_transition_is_covered_by_the_hand_written_lifecycle():
    assert set(EXPECTED_LIFECYCLE) == set(Status.values)
    assert set(services.TRANSITIONS) == set(ALL_TRANSITIONS)


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_admin_offers_only_the_provider_transitions_legal_in_each_status(ra_request, status):
    put_in(ra_request, status)

    assert services.allowed_transitions(ra_request) == EXPECTED_ADMIN_ACTIONS[status]


@pytest.mark.parametrize(("transition", "source", "target"), LEGAL)
def test_transition_ra_request_applies_every_legal_transition(
    ra_request, org_admin, transition, source, target
):
    put_in(ra_request, source)
    version = ra_request.version

    result = services.transition_ra_request(
        ra_request,
        transition=transition,
        acting_user=org_admin,
        comment="Noted",
        decline_reason="not_supported",
        expected_version=version,
    )

    result.refresh_from_db()
    assert result.status == target
    assert result.version == version + 1
    event = result.events.order_by("-pk").first()
    assert (event.from_status, event.to_status, event.actor, event.comment) == (
        source,
        target,
        org_admin,
        "Noted",
    )
    assert OutboundEmail.objects.filter(dedupe_key=f"ra_request:{result.pk}:status:{event.pk}").exists()


@pytest.mark.parametrize(("transition", "source"), ILLEGAL)
def test_transition_ra_request_refuses_every_illegal_transition(ra_request, org_admin, transition, source):
    put_in(ra_request, source)
    events_before = ra_request.events.count()

    with pytest.raises(ValidationError) as error:
        services.transition_ra_request(
            ra_request, transition=transition, acting_user=org_admin, decline_reason="not_supported"
        )

    assert error.value.messages[0].startswith("You cannot ")
    assert f"a request that is '{Status(source).label.lower()}'" in error.value.messages[0]
    ra_request.refresh_from_db()
    assert ra_request.status == source
    assert ra_request.events.count() == events_before


def test_transition_ra_request_refuses_a_stale_version(ra_request, ra_team_member):
    seen = ra_request.version
    services.acknowledge_ra_request(ra_request, acting_user=ra_team_member, expected_version=seen)
    colleague = UserFactory()

    with pytest.raises(ValidationError) as error:
        services.decline_ra_request(
            ra_request, reason="outside_area", acting_user=colleague, expected_version=seen
        )

    assert "Someone else changed this request" in error.value.messages[0]
    ra_request.refresh_from_db()
    assert ra_request.status == Status.ACKNOWLEDGED
    assert ra_request.version == seen + 1


def test_transition_ra_request_refuses_a_writer_holding_an_old_copy(ra_request, ra_team_member):
    stale_copy = RARequest.objects.get(pk=ra_request.pk)
    services.acknowledge_ra_request(ra_request, acting_user=ra_team_member)
    assert stale_copy.version == RARequest.objects.get(pk=ra_request.pk).version - 1

    result = services.start_work_on_ra_request(stale_copy, acting_user=ra_team_member)

    # Without an expected version the service re-reads the row, so nothing is overwritten.
    assert result.status == Status.IN_PROGRESS
    assert list(result.events.values_list("to_status", flat=True)) == [
        "submitted",
        "acknowledged",
        "in_progress",
    ]


def test_decline_requires_a_reason(ra_request, ra_team_member):
    with pytest.raises(ValidationError) as error:
        services.decline_ra_request(ra_request, reason="", acting_user=ra_team_member)

    assert error.value.message_dict == {"decline_reason": ["Select why you are declining the request"]}


def test_waiting_for_organisation_pauses_the_clock_and_a_reply_extends_the_targets(
    organisation, org_admin, ra_team_member, national_team, submit, clock
):
    clock.set(datetime.datetime(2025, 3, 3, 10, 0, tzinfo=LONDON))  # a Monday
    ra_request = submit(organisation, org_admin)
    services.acknowledge_ra_request(ra_request, acting_user=ra_team_member)
    assert RARequest.objects.get(pk=ra_request.pk).resolve_due_at == datetime.datetime(
        2025, 3, 17, 10, 0, tzinfo=LONDON
    )

    clock.set(datetime.datetime(2025, 3, 4, 11, 0, tzinfo=LONDON))
    services.ask_organisation(ra_request, acting_user=ra_team_member, comment="Which staff need cards?")
    waiting = RARequest.objects.get(pk=ra_request.pk)
    assert waiting.next_escalation_at is None
    assert waiting.is_overdue(datetime.datetime(2025, 6, 1, tzinfo=LONDON)) is False

    clock.set(datetime.datetime(2025, 3, 6, 15, 0, tzinfo=LONDON))
    replied = services.reply_to_ra_request(ra_request, acting_user=org_admin, comment="The two new nurses.")

    # Paused 20 working hours: 6 on Tuesday, 8 on Wednesday, 6 on Thursday.
    assert replied.status == Status.IN_PROGRESS
    assert replied.paused_seconds == 20 * 3600
    # 80 + 20 working hours from Monday 10:00: Wednesday 19 March, 14:00.
    assert replied.resolve_due_at == datetime.datetime(2025, 3, 19, 14, 0, tzinfo=LONDON)
    assert replied.next_escalation_at == replied.resolve_due_at


def test_ask_organisation_needs_a_question(ra_request, ra_team_member):
    services.acknowledge_ra_request(ra_request, acting_user=ra_team_member)

    with pytest.raises(ValidationError) as error:
        services.ask_organisation(ra_request, acting_user=ra_team_member, comment=" ")

    assert error.value.message_dict == {"comment": ["Say what you need from the organisation"]}


def test_reroute_to_national_moves_the_request_and_restarts_the_clock(
    ra_request, ra_team_member, org_admin, national_team
):
    services.decline_ra_request(ra_request, reason="outside_area", acting_user=ra_team_member)

    rerouted = services.reroute_to_national(ra_request, acting_user=org_admin)

    assert rerouted.status == Status.REROUTED
    assert rerouted.provider == national_team
    assert rerouted.sla_cycle == 2
    assert rerouted.decline_reason == ""
    assert "declined it (the organisation is outside our area)" in rerouted.routing_reason
    email = OutboundEmail.objects.get(dedupe_key=f"ra_request:{rerouted.pk}:routed:2")
    assert email.to == ["national-ra@example.org"]
    assert "Timeline:" in email.body
    assert "Phoned the ICB smartcard line twice" in email.body


def test_decline_with_no_local_alternative_escalates_to_the_national_team(
    ra_request, ra_team_member, national_team
):
    services.decline_ra_request(
        ra_request, reason="not_supported", acting_user=ra_team_member, comment="GP only"
    )

    email = OutboundEmail.objects.get(dedupe_key=f"ra_request:{ra_request.pk}:declined_no_alternative:1")
    assert email.to == ["national-ra@example.org"]
    assert email.subject.startswith(
        "Declined locally with no alternative: RA support request from Riverside Surgery"
    )
    assert "\u201cRiverside Surgery\u201d (ODS code A81001)" in email.body
    assert "Help needed: Register new users; Issue smartcards" in email.body
    assert "Phoned the ICB smartcard line twice; no answer." in email.body
    assert "Acknowledged → Declined" not in email.body
    assert "Submitted → Declined" in email.body


def test_decline_with_a_self_service_next_step_does_not_escalate(ra_request, ra_team_member, national_team):
    services.decline_ra_request(ra_request, reason="self_service_unlock", acting_user=ra_team_member)

    assert not OutboundEmail.objects.filter(dedupe_key__contains="declined_no_alternative").exists()


def test_reroute_is_refused_when_the_next_step_is_self_service(ra_request, ra_team_member, org_admin):
    services.decline_ra_request(ra_request, reason="self_service_unlock", acting_user=ra_team_member)

    with pytest.raises(ValidationError) as error:
        services.reroute_to_national(ra_request, acting_user=org_admin)

    assert error.value.messages == ["This request was declined for a reason that does not allow re-routing."]


def test_reroute_is_refused_when_the_national_team_itself_declined(
    ra_request, ra_team_member, org_admin, national_team
):
    services.decline_ra_request(ra_request, reason="outside_area", acting_user=ra_team_member)
    services.reroute_to_national(ra_request, acting_user=org_admin)
    services.decline_ra_request(ra_request, reason="not_supported", acting_user=UserFactory())

    with pytest.raises(ValidationError) as error:
        services.reroute_to_national(ra_request, acting_user=org_admin)

    assert "there is nowhere else to send it" in error.value.messages[0]


def test_reopen_within_30_days_sends_it_back_to_the_provider(ra_request, ra_team_member, org_admin):
    services.start_work_on_ra_request(ra_request, acting_user=ra_team_member)
    services.resolve_ra_request(ra_request, acting_user=ra_team_member)

    reopened = services.reopen_ra_request(ra_request, acting_user=org_admin, comment="Cards still locked")

    assert reopened.status == Status.SUBMITTED
    assert reopened.sla_cycle == 2
    assert reopened.closed_at is None
    assert reopened.escalation_level == 0
    assert OutboundEmail.objects.filter(dedupe_key=f"ra_request:{reopened.pk}:routed:2").exists()


def test_reopen_after_30_days_is_refused(ra_request, ra_team_member, org_admin):
    put_in(ra_request, Status.RESOLVED, closed_at=timezone.now() - datetime.timedelta(days=31))

    with pytest.raises(ValidationError) as error:
        services.reopen_ra_request(ra_request, acting_user=org_admin, comment="Please look again")

    assert error.value.messages == ["A request can only be reopened within 30 days of being closed."]


def test_assign_ra_request_records_who(ra_request, ra_team_member):
    assigned = services.assign_ra_request(ra_request, assignee=ra_team_member, acting_user=ra_team_member)

    assert assigned.assigned_to == ra_team_member
    assert assigned.events.last().kind == RARequestEvent.Kind.ASSIGNED


def test_change_route_moves_an_open_request_with_history(ra_request, national_admin, other_icb):
    moved = services.change_route(
        ra_request, provider=other_icb, reason="Organisation moved", acting_user=national_admin
    )

    assert moved.provider == other_icb
    assert moved.routing_reason == "Organisation moved"
    assert moved.status == Status.SUBMITTED
    history = moved.history.order_by("-history_date").first()
    assert (history.provider_id, history.history_user) == (other_icb.pk, national_admin)
    assert OutboundEmail.objects.get(dedupe_key=f"ra_request:{moved.pk}:routed:2").to == [
        other_icb.ra_contact_email
    ]


def test_change_route_refuses_the_same_provider(ra_request, national_admin, icb):
    with pytest.raises(ValidationError) as error:
        services.change_route(ra_request, provider=icb, reason="Why not", acting_user=national_admin)

    assert error.value.message_dict == {"provider": [f"The request is already with {icb.name}"]}


def test_add_note_records_it_without_changing_the_status_and_emails_the_contact(ra_request, ra_team_member):
    version = ra_request.version

    note = services.add_note_to_ra_request(ra_request, acting_user=ra_team_member, comment=" Cards ordered. ")

    ra_request.refresh_from_db()
    assert (ra_request.status, ra_request.version) == (Status.SUBMITTED, version)
    assert (note.kind, note.comment, note.actor) == ("note", "Cards ordered.", ra_team_member)
    email = OutboundEmail.objects.get(dedupe_key=f"ra_request:{ra_request.pk}:note:{note.pk}")
    assert email.to == ["asha.patel@riverside.example.org"]
    assert "Cards ordered." in email.body
    assert "has not changed: it is submitted" in email.body


def test_add_note_refuses_an_empty_note(ra_request, ra_team_member):
    with pytest.raises(ValidationError) as error:
        services.add_note_to_ra_request(ra_request, acting_user=ra_team_member, comment="  ")

    assert error.value.message_dict == {"comment": ["Write the note to the organisation"]}
    assert ra_request.events.count() == 1


def test_request_email_quotes_what_the_organisation_typed_and_makes_no_link_of_it(
    organisation, org_admin, national_team, submit, icb
):
    submit(
        organisation,
        org_admin,
        contact_name="Asha https://evil.example/login",
        already_tried="Nothing yet.\nYour smartcard is suspended: sign in at www.evil.example",
    )

    [to_provider] = [e for e in OutboundEmail.objects.all() if e.to == [icb.ra_contact_email]]
    assert "evil.example" not in to_provider.body
    assert "Contact: \u201cAsha hxxps[:]//evil[.]example/login\u201d" in to_provider.body
    assert (
        "> Nothing yet.\n> Your smartcard is suspended: sign in at www[.]evil[.]example" in to_provider.body
    )

import datetime

import pytest
from django.core.management import call_command

from notifications.models import OutboundEmail
from ra_requests import services
from ra_requests.escalations import NATIONAL_AFTER, run_escalations
from ra_requests.models import RARequest, RARequestEvent
from ra_requests.sla import add_working_time, working_days
from ra_requests.tasks import task_run_escalations

pytestmark = pytest.mark.django_db


def escalation_keys(ra_request):
    return sorted(
        OutboundEmail.objects.filter(dedupe_key__contains=f":{ra_request.pk}:")
        .exclude(dedupe_key__contains=":status:")
        .exclude(dedupe_key__contains=":routed:")
        .values_list("dedupe_key", flat=True)
    )


def test_run_escalations_warns_the_provider_before_the_acknowledge_target(ra_request, icb):
    just_after_warning = ra_request.next_escalation_at + datetime.timedelta(minutes=1)

    escalated = run_escalations(now=just_after_warning)

    assert escalated == 1
    assert escalation_keys(ra_request) == [f"ra_request:{ra_request.pk}:ack_warning:1.1"]
    email = OutboundEmail.objects.get(dedupe_key=f"ra_request:{ra_request.pk}:ack_warning:1.1")
    assert email.to == [icb.ra_contact_email]
    assert email.subject.startswith("Acknowledge soon: RA support request from Riverside Surgery")
    ra_request.refresh_from_db()
    assert ra_request.escalation_level == 1
    assert ra_request.next_escalation_at == ra_request.acknowledge_due_at


def test_run_escalations_twice_sends_each_escalation_once(ra_request):
    after_breach = ra_request.acknowledge_due_at + datetime.timedelta(minutes=1)

    first = run_escalations(now=after_breach)
    second = run_escalations(now=after_breach)

    assert (first, second) == (1, 0)
    # The warning is skipped once the breach is already due: a reminder after the deadline is noise.
    assert escalation_keys(ra_request) == [f"ra_request:{ra_request.pk}:ack_breach:1.2"]
    assert ra_request.events.filter(kind=RARequestEvent.Kind.ESCALATION).count() == 1


def test_run_escalations_climbs_every_level_in_turn(ra_request, national_team):
    start = ra_request.sla_started_at
    moments = [
        add_working_time(start, working_days(2) - datetime.timedelta(hours=4)),
        add_working_time(start, working_days(2)),
        add_working_time(start, working_days(10)),
        add_working_time(start, working_days(10) + NATIONAL_AFTER),
    ]

    counts = [run_escalations(now=moment + datetime.timedelta(seconds=1)) for moment in moments]

    assert counts == [1, 1, 1, 1]
    pk = ra_request.pk
    assert escalation_keys(ra_request) == sorted(
        [
            f"ra_request:{pk}:ack_warning:1.1",
            f"ra_request:{pk}:ack_breach:1.2",
            f"ra_request:{pk}:resolve_breach:1.3",
            f"ra_request:{pk}:national:1.4",
        ]
    )
    national = OutboundEmail.objects.get(dedupe_key=f"ra_request:{pk}:national:1.4")
    assert national.to == ["national-ra@example.org"]
    assert "\u201cRiverside Surgery\u201d (ODS code A81001)" in national.body
    assert "Help needed: Register new users; Issue smartcards" in national.body
    assert "Phoned the ICB smartcard line twice; no answer." in national.body
    assert "Timeline:" in national.body
    assert (
        "Escalated to NHS Lancashire and South Cumbria Integrated Care Board: not resolved in time"
        in national.body
    )
    ra_request.refresh_from_db()
    assert ra_request.next_escalation_at is None


def test_acknowledged_requests_skip_the_acknowledge_levels(ra_request, ra_team_member):
    acknowledged = services.acknowledge_ra_request(ra_request, acting_user=ra_team_member)

    assert acknowledged.next_escalation_at == acknowledged.resolve_due_at
    run_escalations(now=acknowledged.acknowledge_due_at + datetime.timedelta(hours=1))
    assert escalation_keys(ra_request) == []


def test_paused_and_closed_requests_are_never_escalated(ra_request, ra_team_member):
    services.acknowledge_ra_request(ra_request, acting_user=ra_team_member)
    services.ask_organisation(ra_request, acting_user=ra_team_member, comment="Which cards?")

    escalated = run_escalations(now=ra_request.sla_started_at + datetime.timedelta(days=365))

    assert escalated == 0
    assert RARequest.objects.get(pk=ra_request.pk).next_escalation_at is None
    assert escalation_keys(ra_request) == []


def test_run_escalations_command_and_task_use_the_same_job(ra_request, capsys):
    RARequest.objects.filter(pk=ra_request.pk).update(
        sla_started_at=ra_request.sla_started_at - datetime.timedelta(days=60),
        next_escalation_at=ra_request.sla_started_at - datetime.timedelta(days=59),
    )

    call_command("run_escalations")
    again = task_run_escalations.apply().get()

    assert "1 RA requests escalated" in capsys.readouterr().out
    assert again == 0
    # 60 days late: everything up to the national escalation is due, so only that one is sent.
    assert escalation_keys(ra_request) == [f"ra_request:{ra_request.pk}:national:1.4"]


def test_a_reopened_request_escalates_again_in_its_new_cycle(ra_request, ra_team_member, org_admin):
    run_escalations(now=ra_request.acknowledge_due_at + datetime.timedelta(minutes=1))
    services.start_work_on_ra_request(ra_request, acting_user=ra_team_member)
    services.resolve_ra_request(ra_request, acting_user=ra_team_member)
    reopened = services.reopen_ra_request(ra_request, acting_user=org_admin, comment="Still stuck")

    run_escalations(now=reopened.acknowledge_due_at + datetime.timedelta(minutes=1))

    assert escalation_keys(ra_request) == [
        f"ra_request:{ra_request.pk}:ack_breach:1.2",
        f"ra_request:{ra_request.pk}:ack_breach:2.2",
    ]


def test_queue_escalation_emails_writes_each_key_once(
    ra_request, national_team, django_capture_on_commit_callbacks
):
    from ra_requests import emails

    email = emails.escalation_email(
        ra_request, kind="ack_breach", level=2, due_at=ra_request.acknowledge_due_at, national=national_team
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = emails.queue_escalation_emails([email])
        second = emails.queue_escalation_emails([email])

    assert (first, second) == (1, 0)
    row = OutboundEmail.objects.get(dedupe_key=f"ra_request:{ra_request.pk}:ack_breach:1.2")
    assert row.status == "sent"
    assert (
        row.subject
        == f"Not acknowledged in time: RA support request from Riverside Surgery [{ra_request.reference}]"
    )


def test_escalation_without_a_provider_address_is_recorded_but_not_emailed(ra_request, icb):
    icb.ra_contact_email = ""
    icb.save()

    escalated = run_escalations(now=ra_request.acknowledge_due_at + datetime.timedelta(minutes=1))

    assert escalated == 1
    assert escalation_keys(ra_request) == []
    assert ra_request.events.filter(kind=RARequestEvent.Kind.ESCALATION).get().comment == (
        "Escalated to NHS Lancashire and South Cumbria Integrated Care Board: not acknowledged in time"
    )


def test_escalation_to_a_national_team_without_an_address_is_recorded_but_not_emailed(
    ra_request, national_team
):
    national_team.ra_contact_email = ""
    national_team.save()
    start = ra_request.sla_started_at

    escalated = run_escalations(now=add_working_time(start, working_days(10) + NATIONAL_AFTER))

    ra_request.refresh_from_db()
    assert (escalated, ra_request.escalation_level) == (1, 4)
    assert escalation_keys(ra_request) == []
    assert ra_request.events.get(kind=RARequestEvent.Kind.ESCALATION).comment == (
        "Escalated to the national RA team: still unresolved"
    )

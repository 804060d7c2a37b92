"""RA escalations end to end: real worker, Redis, PostgreSQL and SMTP sink, including an SMTP outage."""

import datetime

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from notifications.models import OutboundEmail
from organisations import services as organisation_services
from organisations.models import Role
from ra_requests import services
from ra_requests.escalations import refresh_clock
from ra_requests.models import RARequest
from ra_requests.tasks import task_run_escalations
from tests.factories import NationalRATeamFactory, OrganisationFactory, RAProviderFactory, UserFactory

JOB_DONE = "Task ra_requests.run_escalations["


def finished_jobs(worker) -> int:
    return sum(1 for line in worker.log().splitlines() if JOB_DONE in line and " succeeded in " in line)


def backdate(ra_request, *, days: int) -> None:
    """Arrange: pretend the request was sent ``days`` calendar days ago."""
    ra_request.sla_started_at = timezone.now() - datetime.timedelta(days=days)
    refresh_clock(ra_request)
    RARequest.objects.filter(pk=ra_request.pk).update(
        sla_started_at=ra_request.sla_started_at,
        acknowledge_due_at=ra_request.acknowledge_due_at,
        resolve_due_at=ra_request.resolve_due_at,
        next_escalation_at=ra_request.next_escalation_at,
    )


def delivered(sink) -> list[tuple[int, str, str]]:
    return sorted(
        (int(message["X-CIS-Portal-Email"]), message["To"], str(message["Subject"]).replace("\n", ""))
        for message in sink.messages()
    )


def outbox(ra_request) -> list[tuple[int, str, str]]:
    return sorted(
        (email.pk, email.to[0], email.subject)
        for email in OutboundEmail.objects.filter(topic=f"ra_request:{ra_request.pk}")
    )


def test_escalations_reach_the_sink_exactly_once_even_across_an_smtp_outage(
    celery_worker, smtp_sink, wait_for
):
    NationalRATeamFactory()
    icb = RAProviderFactory(ods_code="QE1", name="NHS Lancashire and South Cumbria ICB")
    organisation = OrganisationFactory(ods_code="A81001", name="Riverside Surgery", icb=icb)
    admin = UserFactory(email="admin@riverside.example.org")
    organisation_services.add_membership(organisation, user=admin, role=Role.ORG_ADMIN)
    with transaction.atomic():
        ra_request = services.submit_ra_request(
            organisation,
            submitted_by=admin,
            help_needed=["issue_smartcards"],
            staff_affected=3,
            needed_by=timezone.localdate() + datetime.timedelta(days=14),
            contact_name="Asha Patel",
            contact_phone="01632 960001",
            contact_email="asha@riverside.example.org",
            already_tried="Emailed the ICB twice.",
            charge_acknowledged=True,
        )
    wait_for(lambda: len(smtp_sink.messages()) == 2)

    # Five calendar days on, the acknowledge target (2 working days) has passed; resolve has not.
    backdate(ra_request, days=5)
    task_run_escalations.delay()
    call_command("run_escalations")  # a second runner at the same time: cron and beat overlapping
    task_run_escalations.delay()
    wait_for(lambda: finished_jobs(celery_worker) == 2)
    wait_for(lambda: len(smtp_sink.messages()) == 3)

    subjects = [subject for _, _, subject in delivered(smtp_sink)]
    reference = ra_request.reference
    assert subjects == [
        f"RA support request from Riverside Surgery [{reference}]",
        f"Your RA support request: submitted [{reference}]",
        f"Not acknowledged in time: RA support request from Riverside Surgery [{reference}]",
    ]
    assert delivered(smtp_sink) == outbox(ra_request)

    # SMTP goes down; a month on, the request escalates to the national RA team.
    smtp_sink.stop()
    backdate(ra_request, days=40)
    task_run_escalations.delay()
    wait_for(lambda: finished_jobs(celery_worker) == 3)
    wait_for(
        lambda: OutboundEmail.objects.filter(dedupe_key__contains=":national:", attempts__gte=1).exists(),
        message="the worker never tried to send the national escalation while SMTP was down",
    )
    assert OutboundEmail.objects.get(dedupe_key__contains=":national:").status == "pending"
    smtp_sink.start()
    call_command("sweep_outbox", "--all-pending")
    task_run_escalations.delay()  # and the job once more: nothing new is due

    wait_for(lambda: OutboundEmail.objects.filter(topic=f"ra_request:{ra_request.pk}").sent().count() == 4)
    wait_for(lambda: finished_jobs(celery_worker) == 4)
    wait_for(lambda: len(smtp_sink.messages()) == 4)
    assert delivered(smtp_sink) == outbox(ra_request)
    national = [m for m in smtp_sink.messages() if m["To"] == "national-ra@example.org"]
    assert len(national) == 1
    assert "Emailed the ICB twice." in national[0].get_payload()
    assert "Timeline:" in national[0].get_payload()

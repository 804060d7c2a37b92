"""The outbox end to end: a real worker, Redis, PostgreSQL and an SMTP sink, including outages."""

import logging

from django.core.management import call_command
from django.db import transaction

from notifications import services
from notifications.models import OutboundEmail
from notifications.tasks import task_send_email

from .conftest import free_port

SUCCEEDED = "Task notifications.send_email["


def queue_emails(count: int, prefix: str) -> list[OutboundEmail]:
    with transaction.atomic():
        return [
            services.queue_email(
                dedupe_key=f"{prefix}:{number}",
                to=[f"person{number}@example.org"],
                subject=f"{prefix} email {number}",
                body=f"Body of email {number}.",
                topic=prefix,
            )
            for number in range(count)
        ]


def finished_send_tasks(worker) -> int:
    return sum(1 for line in worker.log().splitlines() if SUCCEEDED in line and " succeeded in " in line)


def delivered_ids(sink) -> list[int]:
    return sorted(int(message["X-CIS-Portal-Email"]) for message in sink.messages())


def all_sent(emails) -> bool:
    return OutboundEmail.objects.filter(pk__in=[e.pk for e in emails]).sent().count() == len(emails)


def sweep_now() -> None:
    call_command("sweep_outbox", "--older-than", "0")


def test_worker_delivers_each_queued_email_exactly_once(celery_worker, smtp_sink, wait_for):
    emails = queue_emails(4, "delivery")

    wait_for(lambda: all_sent(emails))
    wait_for(lambda: len(smtp_sink.messages()) == 4)
    # The broker hands the same tasks over again, and the sweeper runs twice: nothing more is sent.
    for email in emails:
        task_send_email.delay(email_id=email.pk)
    sweep_now()
    sweep_now()
    wait_for(lambda: finished_send_tasks(celery_worker) == 8)

    assert delivered_ids(smtp_sink) == sorted(email.pk for email in emails)
    assert sorted(message["To"] for message in smtp_sink.messages()) == [
        f"person{number}@example.org" for number in range(4)
    ]
    assert set(OutboundEmail.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_smtp_outage_then_recovery_delivers_each_email_once(celery_worker, smtp_sink, wait_for):
    smtp_sink.stop()
    emails = queue_emails(3, "outage")

    wait_for(
        lambda: OutboundEmail.objects.filter(status="pending", attempts__gte=1).count() == 3,
        message="the worker never tried to send while SMTP was down",
    )
    assert all(
        error.startswith("ConnectionRefusedError")
        for error in OutboundEmail.objects.values_list("last_error", flat=True)
    )
    smtp_sink.start()
    sweep_now()

    wait_for(lambda: all_sent(emails))
    # Each email's retry chain ends in one success, and so does each swept task: 6 in all.
    wait_for(lambda: finished_send_tasks(celery_worker) == 6, timeout=40)
    assert delivered_ids(smtp_sink) == sorted(email.pk for email in emails)


def test_broker_down_at_enqueue_keeps_email_pending_until_the_sweeper_sends_it(
    celery_worker, celery_broker, smtp_sink, wait_for, caplog
):
    celery_broker.use(f"redis://127.0.0.1:{free_port()}/0")

    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        emails = queue_emails(2, "broker-down")

    assert [
        message for message in caplog.messages if message.startswith("Could not queue outbound email")
    ] != []
    assert list(OutboundEmail.objects.values_list("status", "attempts")) == [("pending", 0), ("pending", 0)]
    assert smtp_sink.messages() == []

    celery_broker.use(celery_broker.url)
    sweep_now()

    wait_for(lambda: all_sent(emails))
    wait_for(lambda: finished_send_tasks(celery_worker) == 2)
    assert delivered_ids(smtp_sink) == sorted(email.pk for email in emails)

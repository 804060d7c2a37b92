"""The outbox end to end: a real worker, Redis, PostgreSQL and an SMTP sink, including outages."""

import asyncio
import logging
import threading
import time

from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import connection, transaction

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
    call_command("sweep_outbox", "--all-pending")


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

    # The attempt is counted (committed) before the worker talks to SMTP and the error is saved after,
    # so wait for the error itself.
    wait_for(
        lambda: (
            OutboundEmail.objects.filter(status="pending", attempts__gte=1).exclude(last_error="").count()
            == 3
        ),
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


class SlowSMTPHandler:
    """Accepts every message, but only after a pause, so a second sender can try meanwhile."""

    def __init__(self, pause: float):
        self.pause = pause
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.pause)
        self.messages.append(envelope.content)
        return "250 Message accepted for delivery"


def in_thread(func):
    """Run ``func`` in a thread with its own database connection; return a thread-safe result box."""
    box = {}

    def run():
        try:
            box["result"] = func()
        except Exception as error:
            box["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    box["thread"] = thread
    return box


def test_queue_email_racing_transactions_create_one_row_and_send_once(transactional_db, smtp_sink, wait_for):
    first_inserted = threading.Event()

    def first():
        with transaction.atomic():
            email = services.queue_email(dedupe_key="race", to=["a@example.org"], subject="Race", body="1")
            first_inserted.set()
            time.sleep(0.5)  # hold the uncommitted row while the second transaction inserts
        return email.pk

    def second():
        first_inserted.wait(5)
        with transaction.atomic():
            return services.queue_email(dedupe_key="race", to=["a@example.org"], subject="Race", body="2").pk

    boxes = [in_thread(first), in_thread(second)]
    for box in boxes:
        box["thread"].join(20)

    assert [box.get("error") for box in boxes] == [None, None]
    assert boxes[0]["result"] == boxes[1]["result"]
    assert OutboundEmail.objects.count() == 1
    wait_for(lambda: len(smtp_sink.messages()) == 1)
    assert smtp_sink.messages()[0].get_payload().strip() == "1"


def test_two_senders_of_the_same_email_send_it_once(transactional_db, settings):
    handler = SlowSMTPHandler(pause=1.0)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    email = OutboundEmail.objects.create(dedupe_key="once", to=["a@example.org"], subject="Once", body="Hi")
    try:
        boxes = [in_thread(lambda: services.deliver_email(email.pk).status) for _ in range(2)]
        for box in boxes:
            box["thread"].join(20)
        services.deliver_email(email.pk)
    finally:
        controller.stop()

    assert [box.get("error") for box in boxes] == [None, None]
    assert sorted(box["result"] for box in boxes) == ["pending", "sent"]
    assert len(handler.messages) == 1
    email.refresh_from_db()
    # The second sender may count its claim as an attempt before it finds the first one sending (the
    # claim commits before the row is locked for SMTP, so a killed worker leaves its lease behind).
    assert email.status == "sent"
    assert email.attempts in (1, 2)

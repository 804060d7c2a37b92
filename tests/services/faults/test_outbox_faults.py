"""The outbox under faults, against a real worker, a real aiosmtpd sink, PostgreSQL and a Redis each
test starts on a spare port: a killed worker, SMTP down, hung and slow, the broker stopped and hung
at queue time, and the worker's database connection dropped mid-batch.

Each test prints a ``FAULT-TABLE`` line (queued, delivered, lost, duplicated) for the README and notes.
"""

import time

import pytest
from django.db import DatabaseError, connection, transaction

from notifications import services
from notifications.models import OutboundEmail
from tests.fault_servers import TrickleServer

from .conftest import fault_table_row, sweep_until


def queue_batch(count: int, prefix: str) -> list[int]:
    """Queue ``count`` emails in one transaction, as an escalation run does; return their ids."""
    with transaction.atomic():
        services.queue_emails(
            [
                {
                    "dedupe_key": f"{prefix}:{n}",
                    "to": [f"person{n}@example.org"],
                    "subject": f"{prefix} {n}",
                    "body": f"Email {n}.",
                }
                for n in range(count)
            ]
        )
    return list(
        OutboundEmail.objects.filter(dedupe_key__startswith=f"{prefix}:").values_list("pk", flat=True)
    )


def statuses() -> dict[str, int]:
    return {
        status: OutboundEmail.objects.filter(status=status).count()
        for status in OutboundEmail.Status.values
        if OutboundEmail.objects.filter(status=status).exists()
    }


def all_sent(ids) -> bool:
    return OutboundEmail.objects.filter(pk__in=ids, status="sent").count() == len(ids)


def assert_each_copy_has_its_message_id(rig, ids) -> None:
    expected = {email.pk: {services.message_id(email)} for email in OutboundEmail.objects.filter(pk__in=ids)}
    assert rig.sink.message_ids() == expected


def test_worker_killed_mid_batch_new_worker_and_sweeper_deliver_everything(rig, wait_for):
    rig.sink.handler.pause = 0.05  # each send takes a moment, so the kill lands mid-send
    ids = queue_batch(30, "kill")
    first = rig.workers[0]
    wait_for(lambda: len(rig.sink.copies()) >= 8, timeout=60, message="the first worker sent too little")

    rig.kill_worker(first)
    in_flight = OutboundEmail.objects.filter(status="pending", attempts__gt=0).count()
    rig.start_worker()
    sweep_until(lambda: all_sent(ids), timeout=60, message="not every email was sent after the kill")

    copies = rig.sink.copies()
    print(fault_table_row("worker SIGKILL mid-batch (30 emails)", len(ids), rig.sink))
    assert sorted(copies) == sorted(ids)
    # The only possible extra copy is of the email the killed worker was sending.
    assert sum(count - 1 for count in copies.values()) <= max(in_flight, 1)
    assert_each_copy_has_its_message_id(rig, ids)


def test_smtp_down_then_up_delivers_each_email_once(rig, wait_for):
    rig.sink.stop()
    ids = queue_batch(10, "smtp-down")
    wait_for(
        lambda: OutboundEmail.objects.filter(pk__in=ids, attempts__gte=2).count() == 10,
        timeout=60,
        message="the worker did not keep retrying while SMTP was down",
    )
    assert statuses() == {"pending": 10}

    rig.sink.start()
    sweep_until(lambda: all_sent(ids), timeout=60)

    print(fault_table_row("SMTP down, then up (10 emails)", len(ids), rig.sink))
    assert rig.sink.copies() == dict.fromkeys(ids, 1)
    assert_each_copy_has_its_message_id(rig, ids)


@pytest.mark.parametrize(
    ("kind", "banner", "expected_error"),
    [
        ("hung", b"", "timed out"),
        # One byte a second: never trips the 2 s socket timeout, but the 3 s soft time limit.
        ("slow", b"220 slow.example.org ESMTP at one byte a second\r\n", "SoftTimeLimitExceeded"),
    ],
)
def test_hung_or_slow_smtp_marks_nothing_failed_and_delivers_after_recovery(
    rig, wait_for, kind, banner, expected_error
):
    rig.sink.stop()
    server = TrickleServer(banner, pause=1.0, port=rig.sink.port)
    try:
        ids = queue_batch(3, f"smtp-{kind}")
        wait_for(
            lambda: (
                OutboundEmail.objects.filter(pk__in=ids, attempts__gte=1).exclude(last_error="").count() == 3
            ),
            timeout=60,
            message=f"the worker did not try all three against the {kind} server",
        )
        errors = set(OutboundEmail.objects.filter(pk__in=ids).values_list("status", "last_error"))
    finally:
        server.stop()
    assert {status for status, _ in errors} == {"pending"}
    assert all(expected_error in error for _, error in errors), errors

    rig.sink.start()
    sweep_until(lambda: all_sent(ids), timeout=60)

    print(fault_table_row(f"SMTP {kind} (3 emails)", len(ids), rig.sink))
    assert rig.sink.copies() == dict.fromkeys(ids, 1)


def test_broker_stopped_at_queue_time_returns_promptly_and_the_sweeper_delivers(rig):
    rig.redis.stop()
    started = time.monotonic()
    ids = queue_batch(5, "broker-stopped")
    elapsed = time.monotonic() - started

    assert elapsed < 5
    assert OutboundEmail.objects.filter(pk__in=ids, status="pending", attempts=0).count() == 5
    rig.redis.start()  # empty: whatever it held is gone, as after a crash without persistence
    sweep_until(lambda: all_sent(ids), timeout=60)

    print(fault_table_row("broker stopped at queue time (5 emails)", len(ids), rig.sink))
    assert rig.sink.copies() == dict.fromkeys(ids, 1)


def test_hung_broker_at_queue_time_returns_promptly_and_the_sweeper_delivers(rig):
    hung = TrickleServer()
    rig.broker.use(f"redis://127.0.0.1:{hung.port}/0")
    try:
        started = time.monotonic()
        ids = queue_batch(5, "broker-hung")
        elapsed = time.monotonic() - started
    finally:
        rig.broker.use(rig.redis.url)
        hung.stop()

    # One publish gives up (socket timeout, one retry); the other four are not even tried.
    assert elapsed < 15
    assert OutboundEmail.objects.filter(pk__in=ids, status="pending", attempts=0).count() == 5
    sweep_until(lambda: all_sent(ids), timeout=60)

    print(fault_table_row(f"hung broker at queue time (5 emails, {elapsed:.1f}s)", len(ids), rig.sink))
    assert rig.sink.copies() == dict.fromkeys(ids, 1)


def terminate_other_backends() -> int:
    """pg_terminate_backend on every other connection to the test database (the worker's)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_database_connection_dropped_mid_batch_loses_no_task(rig, wait_for):
    rig.sink.handler.pause = 0.1  # the worker holds its row lock while SMTP takes the message
    ids = queue_batch(20, "pg-drop")
    wait_for(lambda: len(rig.sink.copies()) >= 3, timeout=60, message="the worker sent nothing")

    terminated = 0
    for _ in range(12):
        terminated += terminate_other_backends()
        if database_error_hit_a_task(rig):
            break
        time.sleep(0.5)
    assert database_error_hit_a_task(rig), "no termination landed mid-task; the fault was not exercised"

    # No sweeper here: the send tasks themselves must retry and finish the batch.
    wait_for(lambda: all_sent(ids), timeout=60, message="send tasks were dropped on database errors")
    print(fault_table_row(f"PostgreSQL connection dropped x{terminated} mid-batch (20)", len(ids), rig.sink))
    copies = rig.sink.copies()
    assert sorted(copies) == sorted(ids)
    assert sum(count - 1 for count in copies.values()) <= terminated


def database_error_hit_a_task(rig) -> bool:
    log = rig.logs()
    return "OperationalError" in log or "InterfaceError" in log


class DropDatabaseOnData:
    """An SMTP server that, while taking a message, terminates the sender's PostgreSQL backend: the
    email is accepted but the sender cannot record it (a database failover at the worst moment)."""

    def __init__(self, backend_pid: int):
        self.backend_pid = backend_pid
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        import psycopg2

        from ..conftest import _database_url

        with psycopg2.connect(_database_url()) as other, other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [self.backend_pid])
        self.messages.append(envelope.content)
        return "250 Message accepted for delivery"


def test_database_lost_after_smtp_accepted_the_retry_records_it_without_a_second_copy(
    transactional_db, settings
):
    from aiosmtpd.controller import Controller

    from ..conftest import free_port as pick_port

    email = OutboundEmail.objects.create(dedupe_key="failover", to=["a@example.org"], subject="Hi", body="")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        handler = DropDatabaseOnData(cursor.fetchone()[0])
    port = pick_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    try:
        with pytest.raises(DatabaseError):
            services.deliver_email(email.pk)
        connection.close()
        services.deliver_email(email.pk)  # what the task's retry does
    finally:
        controller.stop()

    assert len(handler.messages) == 1
    email.refresh_from_db()
    assert (email.status, email.delivered_to) == ("sent", ["a@example.org"])

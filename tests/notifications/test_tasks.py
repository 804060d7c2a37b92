import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from notifications import services
from notifications.models import OutboundEmail
from notifications.tasks import task_send_email, task_sweep_outbox

pytestmark = pytest.mark.django_db


def queue(key="training_staff:7:expiry:30", subject="Training due in 30 days"):
    return services.queue_email(
        dedupe_key=key,
        to=["staff@example.org"],
        subject=subject,
        body="Please renew.",
        topic="training_staff:7",
    )


def test_task_send_email_twice_sends_one_email():
    email = queue()

    task_send_email.delay(email_id=email.pk)
    task_send_email.delay(email_id=email.pk)

    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


def test_task_send_email_missing_id_logs_and_returns(caplog):
    with caplog.at_level(logging.WARNING, logger="notifications.tasks"):
        result = task_send_email.apply(kwargs={"email_id": 424242})

    assert result.successful()
    assert "Outbound email 424242 no longer exists; nothing to send." in caplog.messages
    assert mail.outbox == []


def test_task_send_email_transient_error_in_process_leaves_pending_without_retrying(
    smtp_closed_port, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True), caplog.at_level(logging.WARNING):
        email = queue()

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.attempts == 1
    assert email.last_error.startswith("ConnectionRefusedError")
    assert any(
        message.startswith(f"Email {email.pk} left pending for the sweeper") for message in caplog.messages
    )


def test_task_sweep_outbox_sends_rows_whose_lease_has_passed(django_capture_on_commit_callbacks):
    stuck = queue("stuck", subject="Stuck")
    leased = queue("leased", subject="Leased")
    OutboundEmail.objects.filter(pk=stuck.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    OutboundEmail.objects.filter(pk=leased.pk).update(claimed_until=timezone.now() + timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        count = task_sweep_outbox.apply().get()

    assert count == 1
    assert [message.subject for message in mail.outbox] == ["Stuck"]


def test_sweep_outbox_command_sends_stuck_rows_and_reports(django_capture_on_commit_callbacks, capsys):
    stuck = queue("stuck", subject="Stuck")
    queue("leased", subject="Leased")
    OutboundEmail.objects.filter(pk=stuck.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))

    call_command("sweep_outbox")
    assert capsys.readouterr().out == "Re-queued 1 pending email.\n"
    call_command("sweep_outbox", "--all-pending")
    assert capsys.readouterr().out == "Re-queued 1 pending email.\n"

    assert sorted(message.subject for message in mail.outbox) == ["Leased", "Stuck"]


@pytest.fixture
def broker_down():
    """Celery in this process publishes to a port where no broker listens (Redis is down)."""
    from cis_portal.celery import app

    from .conftest import free_port

    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app._pool, app.amqp._producer_pool = None, None
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    yield
    app._pool, app.amqp._producer_pool = None, None
    app.conf.task_always_eager, app.conf.broker_url = saved


def test_queue_email_with_the_broker_down_keeps_the_row_pending_and_logs(
    broker_down, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True), caplog.at_level(logging.WARNING):
        email = queue()

    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.PENDING, 0)
    assert mail.outbox == []
    assert any(
        message.startswith(f"Could not queue outbound email {email.pk} (OperationalError")
        and message.endswith("the outbox sweeper will retry it.")
        for message in caplog.messages
    )

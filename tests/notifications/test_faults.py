"""The outbox under faults, in-process: time limits, a hung broker, refused recipients, leases."""

import contextlib
import signal
import time
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.core import mail
from django.utils import timezone

from notifications import services
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def queue(key="ra_request:9:submitted", to=("ra.team@example.org",), subject="New RA request"):
    return services.queue_email(dedupe_key=key, to=list(to), subject=subject, body="Please look.")


@contextlib.contextmanager
def soft_time_limit(seconds: float):
    """Raise SoftTimeLimitExceeded in this thread after ``seconds``, as a Celery worker does
    (billiard delivers the soft limit as a signal whose handler raises it)."""

    def handler(signum, frame):
        raise SoftTimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Hung(BaseException):  # not an Exception, so no broad handler swallows it
    pass


@contextlib.contextmanager
def watchdog(seconds: int):
    """Break out of a call that hangs for more than ``seconds`` so the test fails instead of hanging."""

    def handler(signum, frame):
        raise Hung(f"still blocked after {seconds}s")

    previous = signal.signal(signal.SIGALRM, handler)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- A. A time limit or a timeout is transient ---------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        SoftTimeLimitExceeded(),
        TimeLimitExceeded(60),
        TimeoutError("timed out"),
        ConnectionResetError(104, "reset"),
    ],
)
def test_is_transient_error_time_limits_and_timeouts_are_transient(error):
    assert services.is_transient_error(error) is True


def test_deliver_email_soft_time_limit_mid_conversation_leaves_pending(slow_smtp):
    email = queue()

    with pytest.raises(services.TransientEmailError), soft_time_limit(1.2):
        services.deliver_email(email.pk)

    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.PENDING, 1)
    assert email.last_error.startswith("SoftTimeLimitExceeded")
    assert email.sent_at is None


# --- B. A hung broker never holds up the caller ----------------------------------------------------


@pytest.fixture
def broker_at(settings):
    """``broker_at(port)``: Celery in this process publishes to 127.0.0.1:port instead of running
    tasks in-process. Everything is put back afterwards."""
    from cis_portal.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url)

    def use(port: int) -> None:
        app._pool, app.amqp._producer_pool = None, None
        app.conf.task_always_eager = False
        app.conf.broker_url = f"redis://127.0.0.1:{port}/0"

    yield use
    app._pool, app.amqp._producer_pool = None, None
    app.conf.task_always_eager, app.conf.broker_url = saved


def test_enqueue_email_with_a_hung_broker_gives_up_within_seconds(hung_server, broker_at):
    broker_at(hung_server.port)
    email = queue()
    started = time.monotonic()

    with watchdog(30):
        handed_over = services.enqueue_email(email.pk)

    assert handed_over is False
    assert time.monotonic() - started < 10
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    # Not handed over: the very next sweep takes it.
    assert email.claimed_until <= timezone.now()


def test_queue_emails_with_a_hung_broker_waits_for_one_publish_not_one_per_email(
    hung_server, broker_at, django_capture_on_commit_callbacks
):
    broker_at(hung_server.port)
    batch = [
        {"dedupe_key": f"reminder:{n}", "to": [f"p{n}@example.org"], "subject": "Due", "body": "Renew."}
        for n in range(20)
    ]
    started = time.monotonic()

    with watchdog(60), django_capture_on_commit_callbacks(execute=True):
        services.queue_emails(batch)

    assert time.monotonic() - started < 10
    assert OutboundEmail.objects.pending().count() == 20
    assert OutboundEmail.objects.pending().filter(claimed_until__lte=timezone.now()).count() == 20


# --- D. Refused recipients are recorded, one by one ------------------------------------------------


def test_deliver_email_one_recipient_refused_for_good_marks_partly_sent(smtp_server):
    smtp_server.refuse = {"b@example.org": "550 5.1.1 No such user"}
    email = queue(to=["a@example.org", "b@example.org"])

    services.deliver_email(email.pk)
    services.deliver_email(email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PARTLY_SENT
    assert email.sent_at is not None
    assert email.delivered_to == ["a@example.org"]
    assert email.refused == {"b@example.org": "550 5.1.1 No such user"}
    assert email.last_error == "Not delivered to b@example.org: 550 5.1.1 No such user"
    assert smtp_server.envelopes == [["a@example.org"]]
    assert list(OutboundEmail.objects.sent()) == [email]  # it did go out, so timelines show it


def test_deliver_email_one_recipient_deferred_retries_only_that_recipient(smtp_server):
    smtp_server.refuse = {"b@example.org": "450 4.2.0 Greylisted, try again later"}
    email = queue(to=["a@example.org", "b@example.org"])

    with pytest.raises(services.TransientEmailError):
        services.deliver_email(email.pk)
    email.refresh_from_db()
    assert (email.status, email.delivered_to) == (OutboundEmail.Status.PENDING, ["a@example.org"])
    assert email.refused == {"b@example.org": "450 4.2.0 Greylisted, try again later"}

    smtp_server.refuse = {}
    services.deliver_email(email.pk)

    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.SENT, 2)
    assert email.delivered_to == ["a@example.org", "b@example.org"]
    assert email.refused == {}
    assert email.last_error == ""
    assert smtp_server.envelopes == [["a@example.org"], ["b@example.org"]]
    first, second = (message_id(content) for content in smtp_server.messages)
    assert first == second == services.message_id(email)


def test_deliver_email_every_recipient_refused_marks_failed_with_each_reason(smtp_server):
    smtp_server.refuse = {
        "a@example.org": "550 5.1.1 No such user",
        "b@example.org": "553 5.1.3 Bad address",
    }
    email = queue(to=["a@example.org", "b@example.org"])

    services.deliver_email(email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.delivered_to == []
    assert email.last_error == (
        "Not delivered to a@example.org: 550 5.1.1 No such user; b@example.org: 553 5.1.3 Bad address"
    )


# --- Stable Message-ID ------------------------------------------------------------------------------


def message_id(content: bytes) -> str:
    from email import message_from_bytes

    return message_from_bytes(content)["Message-ID"]


def test_every_copy_of_an_email_carries_the_same_message_id(smtp_server):
    email = queue()
    services.deliver_email(email.pk)
    # What a crash between "SMTP accepted" and "marked sent" leaves: the row as it was before.
    OutboundEmail.objects.filter(pk=email.pk).update(status="pending", sent_at=None, delivered_to=[])
    services.deliver_email(email.pk)

    first, second = (message_id(content) for content in smtp_server.messages)
    assert first == second == services.message_id(email)
    assert first.startswith(f"<outbox.{email.pk}.")
    assert first.endswith("@example.org>")


def test_message_ids_differ_between_emails(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, second = queue("one"), queue("two")

    assert services.message_id(first) != services.message_id(second)
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [
        services.message_id(first),
        services.message_id(second),
    ]


# --- Leases and the sweeper ------------------------------------------------------------------------


def test_queue_email_handed_over_holds_the_queue_lease(settings):
    before = timezone.now()

    email = queue()

    email.refresh_from_db()
    assert email.claimed_until >= before + timedelta(seconds=settings.OUTBOX_QUEUE_LEASE_SECONDS)


def test_deliver_email_transient_failure_holds_the_lease_until_after_the_retry(smtp_closed_port, settings):
    email = queue()

    with pytest.raises(services.TransientEmailError) as error:
        services.deliver_email(email.pk)

    email.refresh_from_db()
    assert 1 <= error.value.retry_in <= settings.OUTBOX_RETRY_BACKOFF_MAX_SECONDS
    assert email.claimed_until >= timezone.now() + timedelta(seconds=error.value.retry_in)
    assert services.requeue_stuck_emails() == 0


def test_requeue_stuck_emails_hands_over_expired_leases_only(settings):
    settings.OUTBOX_SWEEP_BATCH_SIZE = 2
    now = timezone.now()
    expired = [queue(f"expired:{n}", subject=f"Expired {n}") for n in range(5)]
    leased = queue("leased", subject="Leased")
    done = queue("done", subject="Done")
    mail.outbox.clear()
    OutboundEmail.objects.filter(pk__in=[e.pk for e in expired]).update(
        status="pending", sent_at=None, claimed_until=now - timedelta(seconds=1)
    )
    OutboundEmail.objects.filter(pk=leased.pk).update(
        status="pending", sent_at=None, claimed_until=now + timedelta(minutes=1)
    )
    OutboundEmail.objects.filter(pk=done.pk).update(
        status="sent", sent_at=now, claimed_until=now - timedelta(hours=1)
    )

    # Five stuck rows, two per batch: one run drains them all.
    assert services.requeue_stuck_emails() == 5
    assert sorted(m.subject for m in mail.outbox) == [f"Expired {n}" for n in range(5)]
    assert services.requeue_stuck_emails() == 0
    leased.refresh_from_db()
    assert leased.status == OutboundEmail.Status.PENDING


def test_requeue_stuck_emails_all_pending_ignores_leases():
    email = queue()
    OutboundEmail.objects.filter(pk=email.pk).update(status="pending", sent_at=None)
    mail.outbox.clear()

    assert services.requeue_stuck_emails() == 0
    assert services.requeue_stuck_emails(all_pending=True) == 1
    assert len(mail.outbox) == 1


def test_a_partly_sent_email_can_be_retried_for_the_recipients_still_missing_it(smtp_server, admin_user):
    smtp_server.refuse = {"b@example.org": "550 5.1.1 No such user"}
    email = queue(to=["a@example.org", "b@example.org"])
    services.deliver_email(email.pk)
    smtp_server.refuse = {}

    services.retry_failed_email(email, acting_user=admin_user)
    services.deliver_email(email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.delivered_to == ["a@example.org", "b@example.org"]
    assert smtp_server.envelopes == [["a@example.org"], ["b@example.org"]]

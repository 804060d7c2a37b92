import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def queue(key="ra_request:1:submitted", **overrides):
    arguments = {
        "dedupe_key": key,
        "to": ["ra.team@example.org"],
        "subject": "New RA request from Riverside Surgery",
        "body": "Riverside Surgery asked for RA help.",
        "topic": "ra_request:1",
    }
    arguments.update(overrides)
    return services.queue_email(**arguments)


def test_queue_email_twice_creates_one_row_and_sends_once(django_capture_on_commit_callbacks, organisation):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = queue(organisation=organisation)
        second = queue(organisation=organisation)

    assert first.pk == second.pk
    assert OutboundEmail.objects.count() == 1
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ra.team@example.org"]
    assert mail.outbox[0].subject == "New RA request from Riverside Surgery"
    assert mail.outbox[0].body == "Riverside Surgery asked for RA help."
    first.refresh_from_db()
    assert first.status == OutboundEmail.Status.SENT
    assert first.attempts == 1
    assert first.sent_at is not None
    assert first.organisation == organisation


def test_queue_email_sends_nothing_before_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = queue()

    assert len(callbacks) == 1
    assert mail.outbox == []
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.attempts == 0


def test_queue_email_rolled_back_leaves_no_row_and_sends_nothing(django_capture_on_commit_callbacks):
    with (  # noqa: PT012 - the email is queued inside the transaction that fails
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue()
        raise RuntimeError("the decision that caused the email failed")

    assert OutboundEmail.objects.count() == 0
    assert mail.outbox == []


def test_queue_email_cleans_recipients():
    email = queue(to=[" a@example.org ", "A@example.org", "", "b@example.org"])

    assert email.to == ["a@example.org", "b@example.org"]


def test_queue_email_without_recipients_raises_validation_error():
    with pytest.raises(ValidationError) as error:
        queue(to=["", "  "])

    assert error.value.messages == ["An email needs at least one recipient address."]
    assert OutboundEmail.objects.count() == 0


def test_deliver_email_twice_sends_one_email():
    email = queue()

    services.deliver_email(email.pk)
    services.deliver_email(email.pk)

    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1


def test_deliver_email_unknown_id_raises_does_not_exist():
    with pytest.raises(OutboundEmail.DoesNotExist):
        services.deliver_email(987654)


def test_deliver_email_over_smtp_reaches_the_server(smtp_server):
    email = queue()

    services.deliver_email(email.pk)

    assert len(smtp_server.messages) == 1
    assert b"Subject: New RA request from Riverside Surgery" in smtp_server.messages[0]
    assert f"X-CIS-Portal-Email: {email.pk}".encode() in smtp_server.messages[0]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


def test_deliver_email_connection_refused_leaves_pending_with_attempt_and_error(smtp_closed_port):
    email = queue()

    with pytest.raises(services.TransientEmailError):
        services.deliver_email(email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.attempts == 1
    assert email.last_error.startswith("ConnectionRefusedError")
    assert email.sent_at is None


def test_deliver_email_4xx_reply_is_transient(smtp_server):
    smtp_server.data_reply = "451 4.3.0 Mail server temporarily unavailable"
    email = queue()

    with pytest.raises(services.TransientEmailError):
        services.deliver_email(email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.last_error == "SMTPDataError: 451 4.3.0 Mail server temporarily unavailable"


def test_deliver_email_550_recipient_refused_marks_failed(smtp_server):
    smtp_server.rcpt_reply = "550 5.1.1 No such user"
    email = queue()

    services.deliver_email(email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 1
    assert email.last_error == "Not delivered to ra.team@example.org: 550 5.1.1 No such user"
    assert email.refused == {"ra.team@example.org": "550 5.1.1 No such user"}
    assert smtp_server.messages == []


def test_deliver_email_5xx_data_reply_marks_failed(smtp_server):
    smtp_server.data_reply = "554 5.6.0 Message rejected"
    email = queue()

    services.deliver_email(email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.last_error == "SMTPDataError: 554 5.6.0 Message rejected"


def test_deliver_email_gives_up_after_max_attempts(smtp_closed_port):
    email = queue()
    OutboundEmail.objects.filter(pk=email.pk).update(attempts=services.MAX_DELIVERY_ATTEMPTS - 1)

    services.deliver_email(email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == services.MAX_DELIVERY_ATTEMPTS
    assert email.last_error.startswith(
        f"Gave up after {services.MAX_DELIVERY_ATTEMPTS} attempts. ConnectionRefused"
    )


def test_requeue_stuck_emails_sends_only_pending_rows_whose_lease_passed():
    long_ago = timezone.now() - timedelta(hours=1)
    stuck = queue("stuck", subject="Stuck")
    fresh = queue("fresh", subject="Fresh")
    sent = queue("sent", subject="Sent")
    failed = queue("failed", subject="Failed")
    OutboundEmail.objects.filter(pk__in=[stuck.pk, sent.pk, failed.pk]).update(
        queued_at=long_ago, claimed_until=long_ago
    )
    OutboundEmail.objects.filter(pk=sent.pk).update(status="sent", sent_at=long_ago)
    OutboundEmail.objects.filter(pk=failed.pk).update(status="failed", last_error="550 No such user")

    count = services.requeue_stuck_emails()

    assert count == 1
    assert [message.subject for message in mail.outbox] == ["Stuck"]
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == OutboundEmail.Status.SENT
    assert stuck.queued_at > long_ago
    assert fresh.status == OutboundEmail.Status.PENDING


def test_requeue_stuck_emails_twice_sends_nothing_more():
    email = queue()
    OutboundEmail.objects.filter(pk=email.pk).update(claimed_until=timezone.now() - timedelta(hours=1))
    services.requeue_stuck_emails()

    second = services.requeue_stuck_emails(all_pending=True)

    assert second == 0
    assert len(mail.outbox) == 1


def test_requeue_stuck_emails_row_written_without_a_lease_is_swept():
    OutboundEmail.objects.create(dedupe_key="raw", to=["a@example.org"], subject="Raw", body="")

    assert services.requeue_stuck_emails() == 1
    assert [message.subject for message in mail.outbox] == ["Raw"]


def test_retry_failed_email_queues_it_again(django_capture_on_commit_callbacks, national_admin):
    email = queue()
    OutboundEmail.objects.filter(pk=email.pk).update(
        status="failed", attempts=3, last_error="550 No such user"
    )

    with django_capture_on_commit_callbacks(execute=True):
        retried = services.retry_failed_email(email, acting_user=national_admin)

    assert retried.last_error == "Retried by national@example.org. Previous error: 550 No such user"
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1
    assert len(mail.outbox) == 1


def test_retry_failed_email_refuses_a_sent_email(national_admin):
    email = queue()
    services.deliver_email(email.pk)

    with pytest.raises(ValidationError) as error:
        services.retry_failed_email(email, acting_user=national_admin)

    assert error.value.messages == ["Only failed or partly sent emails can be retried; this one is sent."]
    assert len(mail.outbox) == 1


def test_queue_emails_writes_new_keys_once_and_sends_each_once(
    django_capture_on_commit_callbacks, organisation
):
    queue("already-queued")
    mail.outbox.clear()
    batch = [
        {"dedupe_key": "already-queued", "to": ["a@example.org"], "subject": "Old", "body": "Old"},
        {"dedupe_key": "new:1", "to": ["b@example.org"], "subject": "New 1", "body": "One", "topic": "t"},
        {
            "dedupe_key": "new:2",
            "to": "c@example.org",
            "subject": "New 2",
            "body": "Two",
            "organisation": organisation,
        },
        {"dedupe_key": "new:1", "to": ["b@example.org"], "subject": "New 1 again", "body": "One"},
    ]

    with django_capture_on_commit_callbacks(execute=True):
        first = services.queue_emails(batch)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.queue_emails(batch)

    assert (first, second) == (2, 0)
    assert sorted((m.subject, tuple(m.to)) for m in mail.outbox) == [
        ("New 1", ("b@example.org",)),
        ("New 2", ("c@example.org",)),
    ]
    assert OutboundEmail.objects.get(dedupe_key="new:2").organisation == organisation
    assert OutboundEmail.objects.count() == 3


def test_queue_emails_without_recipients_raises_and_writes_nothing():
    batch = [
        {"dedupe_key": "ok", "to": ["a@example.org"], "subject": "Fine", "body": ""},
        {"dedupe_key": "bad", "to": [], "subject": "No one", "body": ""},
    ]

    with pytest.raises(ValidationError):
        services.queue_emails(batch)

    assert OutboundEmail.objects.count() == 0


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), True),
        (smtplib.SMTPConnectError(421, b"Too busy"), True),
        (ConnectionResetError(104, "Connection reset by peer"), True),
        (TimeoutError("timed out"), True),
        (smtplib.SMTPDataError(451, b"Try again later"), True),
        (smtplib.SMTPAuthenticationError(535, b"Bad credentials"), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"Greylisted")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"No such user")}), False),
        (smtplib.SMTPDataError(554, b"Rejected"), False),
        (smtplib.SMTPSenderRefused(553, b"Sender not allowed", "noreply@example.org"), False),
        (ValueError("Header values may not contain linefeed"), False),
    ],
)
def test_is_transient_error_classifies_smtp_failures(error, transient):
    assert services.is_transient_error(error) is transient

"""Every change to the email outbox goes through here.

``queue_email`` is the only way the portal sends email: it writes an outbox row inside the
caller's transaction and, once that transaction commits, hands the row to the task queue.
``deliver_email`` (run by the worker) sends one row over SMTP at most once.
"""

import logging
import smtplib
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import OutboundEmail

logger = logging.getLogger(__name__)

# After this many failed tries the row is marked failed so it shows in the admin, instead of
# being re-queued by the sweeper for ever (e.g. wrong SMTP credentials for days).
MAX_DELIVERY_ATTEMPTS = 50
# How many stuck rows one sweep hands back to the queue.
SWEEP_BATCH_SIZE = 500


class TransientEmailError(Exception):
    """SMTP could not take the email right now; trying again later may work."""


def _clean_recipients(to) -> list[str]:
    if isinstance(to, str):
        to = [to]
    recipients = []
    for address in to:
        address = (address or "").strip()
        if address and address.lower() not in {r.lower() for r in recipients}:
            recipients.append(address)
    return recipients


def _outbox_row(
    *,
    dedupe_key: str,
    to,
    subject: str,
    body: str,
    topic: str = "",
    organisation=None,
    holds_account_link: bool = False,
    queued_at=None,
) -> OutboundEmail:
    """An unsaved outbox row, checked and tidied; ValidationError without a key or a recipient."""
    recipients = _clean_recipients(to)
    if not dedupe_key:
        raise ValidationError("An email needs a dedupe key.")
    if not recipients:
        raise ValidationError("An email needs at least one recipient address.")
    return OutboundEmail(
        dedupe_key=dedupe_key,
        to=recipients,
        subject=subject.replace("\n", " ").strip()[:255],
        body=body,
        holds_account_link=holds_account_link,
        topic=topic,
        organisation=organisation,
        queued_at=queued_at or timezone.now(),
    )


@transaction.atomic
def queue_email(
    *,
    dedupe_key: str,
    to: list[str],
    subject: str,
    body: str,
    topic: str = "",
    organisation=None,
    holds_account_link: bool = False,
) -> OutboundEmail:
    """Put an email in the outbox; send it once the caller's transaction commits.

    ``holds_account_link`` marks a body with a link that works like a password (confirmation,
    invitation, password reset): it is sent as written and the admin never shows it.

    Calling it again with the same ``dedupe_key`` returns the existing row and queues nothing,
    so callers may retry freely. Safe when two transactions race on the same key.
    """
    email = _outbox_row(
        dedupe_key=dedupe_key,
        to=to,
        subject=subject,
        body=body,
        topic=topic,
        organisation=organisation,
        holds_account_link=holds_account_link,
    )
    existing = OutboundEmail.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    try:
        # A savepoint, so losing the race does not break the caller's transaction.
        with transaction.atomic():
            email.save(force_insert=True)
    except IntegrityError:
        return OutboundEmail.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(partial(enqueue_email, email.pk))
    return email


@transaction.atomic
def queue_emails(emails: list[dict]) -> int:
    """Put many emails in the outbox in a few queries; send them once the caller's transaction commits.

    Each item takes ``queue_email``'s keyword arguments. Keys already in the outbox (or repeated
    in ``emails``) are skipped, so re-running a batch queues nothing twice. Returns how many new
    rows were written. For jobs that queue hundreds of emails at once (escalations, reminders).
    """
    rows: dict[str, OutboundEmail] = {}
    now = timezone.now()
    for item in emails:
        row = _outbox_row(**item, queued_at=now)
        rows.setdefault(row.dedupe_key, row)
    if not rows:
        return 0
    existing = set(OutboundEmail.objects.filter(dedupe_key__in=rows).values_list("dedupe_key", flat=True))
    new_rows = [row for key, row in rows.items() if key not in existing]
    # ignore_conflicts: a concurrent transaction that wrote the same key wins; delivery is
    # idempotent, so at worst that row is handed to the queue twice and still sent once.
    OutboundEmail.objects.bulk_create(new_rows, batch_size=1000, ignore_conflicts=True)
    ids = list(
        OutboundEmail.objects.filter(dedupe_key__in=[row.dedupe_key for row in new_rows]).values_list(
            "pk", flat=True
        )
    )
    transaction.on_commit(partial(_enqueue_many, ids))
    return len(ids)


# How many outbox rows one fan-out message carries (see _enqueue_many).
ENQUEUE_CHUNK = 250


def _enqueue_many(email_ids: list[int]) -> None:
    """Hand many outbox rows to the task queue.

    With a broker, one message per ``ENQUEUE_CHUNK`` rows: a worker fans each out into one send
    task per row (``task_enqueue_emails``), so a job that queues 2,500 emails makes ten round
    trips to Redis instead of 2,500. Without a broker (tasks run in-process) each is handed over
    directly. Either way a row that is not handed over stays pending for the sweeper.
    """
    from celery import current_app

    from .tasks import task_enqueue_emails

    if len(email_ids) <= 1 or current_app.conf.task_always_eager:
        for email_id in email_ids:
            enqueue_email(email_id)
        return
    for start in range(0, len(email_ids), ENQUEUE_CHUNK):
        chunk = email_ids[start : start + ENQUEUE_CHUNK]
        try:
            task_enqueue_emails.apply_async(
                kwargs={"email_ids": chunk},
                retry=True,
                retry_policy={
                    "max_retries": 1,
                    "interval_start": 0,
                    "interval_step": 0.2,
                    "interval_max": 0.2,
                },
            )
        except Exception as error:
            logger.warning(
                "Could not queue %s outbound emails (%s: %s); the outbox sweeper will retry them.",
                len(chunk),
                error.__class__.__name__,
                error,
            )


def enqueue_email(email_id: int) -> bool:
    """Hand one outbox row to the task queue. Returns False (and logs) when the broker is down.

    The row stays pending either way, so the sweeper picks it up later.
    """
    from .tasks import task_send_email

    try:
        task_send_email.apply_async(
            kwargs={"email_id": email_id},
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2},
        )
    except Exception as error:
        logger.warning(
            "Could not queue outbound email %s (%s: %s); the outbox sweeper will retry it.",
            email_id,
            error.__class__.__name__,
            error,
        )
        return False
    return True


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(
            f"{address}: {code} {_decode(message)}" for address, (code, message) in error.recipients.items()
        )
        return f"Recipients refused: {refused}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.__class__.__name__}: {error.smtp_code} {_decode(error.smtp_error)}"
    return f"{error.__class__.__name__}: {error}".strip().rstrip(":")


def _decode(message) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


def is_transient_error(error: BaseException) -> bool:
    """True when retrying later may succeed: connection trouble, timeouts and 4xx replies."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPAuthenticationError):
        # Wrong credentials are our configuration, not the email's fault: once fixed, it sends.
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    # Refused or reset connections, timeouts, TLS trouble, SMTPServerDisconnected, SMTPConnectError:
    # all OSError. Anything else (a bad header, an unencodable address) will fail the same way again.
    return isinstance(error, OSError)


def _send(email: OutboundEmail) -> None:
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        headers={"X-CIS-Portal-Email": str(email.pk)},
    )
    message.send(fail_silently=False)


def deliver_email(email_id: int) -> OutboundEmail:
    """Send one outbox row over SMTP, unless it is already sent, failed or being sent elsewhere.

    Locks the row for the duration of the send, so two workers never send it twice; marks it
    sent only after SMTP accepted it. A transient failure records the attempt and raises
    ``TransientEmailError`` (the row stays pending); a permanent one marks the row failed.
    Raises ``OutboundEmail.DoesNotExist`` for an unknown id. Safe to retry.
    """
    transient = None
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update(skip_locked=True).filter(pk=email_id).first()
        if email is None:
            # Either gone, or another worker holds the lock and is sending it right now.
            return OutboundEmail.objects.get(pk=email_id)
        if email.status != OutboundEmail.Status.PENDING:
            return email

        email.attempts += 1
        try:
            _send(email)
        except Exception as error:
            email.last_error = _describe(error)[:2000]
            if is_transient_error(error) and email.attempts < MAX_DELIVERY_ATTEMPTS:
                transient = TransientEmailError(email.last_error)
                logger.warning(
                    "Email %s not sent yet (attempt %s): %s", email.pk, email.attempts, email.last_error
                )
            else:
                if is_transient_error(error):
                    email.last_error = f"Gave up after {email.attempts} attempts. {email.last_error}"
                email.status = OutboundEmail.Status.FAILED
                logger.error("Email %s failed: %s", email.pk, email.last_error)
            email.save(update_fields=["attempts", "last_error", "status", "updated_at"])
        else:
            email.status = OutboundEmail.Status.SENT
            email.sent_at = timezone.now()
            email.save(update_fields=["attempts", "status", "sent_at", "updated_at"])
    if transient is not None:
        raise transient
    return email


@transaction.atomic
def requeue_stuck_emails(*, older_than: timedelta) -> int:
    """Hand pending rows last queued more than ``older_than`` ago back to the task queue.

    Picks up what a broker or SMTP outage left behind. Rows a worker is sending right now are
    skipped. Returns how many rows were re-queued. Safe to run any number of times: delivery
    skips rows that are already sent.
    """
    now = timezone.now()
    ids = list(
        OutboundEmail.objects.pending()
        .queued_before(now - older_than)
        .select_for_update(skip_locked=True)
        .order_by("queued_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH_SIZE]
    )
    if not ids:
        return 0
    OutboundEmail.objects.filter(pk__in=ids).update(queued_at=now, updated_at=now)
    transaction.on_commit(partial(_enqueue_many, ids))
    return len(ids)


@transaction.atomic
def retry_failed_email(email: OutboundEmail, *, acting_user) -> OutboundEmail:
    """Put a failed email back in the outbox and queue it (an administrator fixed the cause)."""
    email = OutboundEmail.objects.select_for_update().get(pk=email.pk)
    if email.status != OutboundEmail.Status.FAILED:
        raise ValidationError(
            f"Only failed emails can be retried; this one is {email.get_status_display().lower()}."
        )
    email.status = OutboundEmail.Status.PENDING
    email.attempts = 0
    email.queued_at = timezone.now()
    actor = getattr(acting_user, "email", "") or str(acting_user)
    email.last_error = f"Retried by {actor}. Previous error: {email.last_error}"[:2000]
    email.save(update_fields=["status", "attempts", "queued_at", "last_error", "updated_at"])
    logger.info("Email %s retried by %s", email.pk, actor)
    transaction.on_commit(partial(enqueue_email, email.pk))
    return email

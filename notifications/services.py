"""Every change to the email outbox goes through here.

``queue_email`` is the only way the portal sends email: it writes an outbox row inside the
caller's transaction and, once that transaction commits, hands the row to the task queue.
``deliver_email`` (run by the worker) sends one row over SMTP; ``requeue_stuck_emails`` (the
sweeper) hands rows whose lease has passed to the queue again.

Guarantee: no email is lost, and at most one extra copy of an email is sent per crash (of a worker
or of its database connection) that happens while it is being sent; every copy carries the same
Message-ID (``sending.message_id``).
"""

import logging
import time
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .delivery import MAX_DELIVERY_ATTEMPTS, TransientEmailError, deliver_email, lease_until
from .models import OutboundEmail
from .sending import is_transient_error, message_id

# Part of this module's interface for callers and tests (sending lives in delivery.py).
__all__ = [
    "MAX_DELIVERY_ATTEMPTS",
    "TransientEmailError",
    "deliver_email",
    "is_transient_error",
    "message_id",
]

logger = logging.getLogger(__name__)

# One sweep stops handing rows over after this long; the next one carries on.
SWEEP_TIME_BUDGET_SECONDS = 40


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
        # Hand-over to the broker is due as soon as the caller commits; if it fails the lease is
        # cut short (hand_over), and if the process dies first the sweeper takes the row when it ends.
        claimed_until=lease_until(settings.OUTBOX_QUEUE_LEASE_SECONDS),
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


def _enqueue_many(email_ids: list[int]) -> int:
    """Hand many outbox rows to the task queue; return how many were handed over.

    With a broker, one message per ``ENQUEUE_CHUNK`` rows: a worker fans each out with
    ``hand_over`` (``task_enqueue_emails``), so a job that queues 2,500 emails makes ten round trips
    to Redis instead of 2,500. Without a broker (tasks run in-process), or for one row, ``hand_over``
    directly. As there, the first failed publish stops the rest, and rows not handed over get an
    expired lease so the next sweep picks them up.
    """
    from celery import current_app

    from .tasks import task_enqueue_emails

    if len(email_ids) <= 1 or current_app.conf.task_always_eager:
        return hand_over(email_ids)
    chunks = [email_ids[start : start + ENQUEUE_CHUNK] for start in range(0, len(email_ids), ENQUEUE_CHUNK)]
    taken = _publish_each(task_enqueue_emails, chunks, lambda chunk: {"email_ids": chunk})
    return sum(len(chunk) for chunk in chunks[:taken])


def enqueue_email(email_id: int) -> bool:
    """Hand one outbox row to the task queue. Returns False (and logs) when the broker is down or hung.

    The row stays pending either way; when the broker did not take it, the next sweep does.
    """
    return hand_over([email_id]) == 1


def hand_over(email_ids: list[int]) -> int:
    """Publish a send task for each row, in order; return how many the broker took.

    Each publish gives up within seconds on a broken or hung broker (socket timeouts, one retry),
    and the first failure stops the rest: a web request or a job never waits on the broker once
    per email. Callers give the rows their queue lease beforehand; rows the broker did not take
    get an expired lease instead, so the next sweep picks them up.
    """
    from .tasks import task_send_email

    return _publish_each(task_send_email, [[pk] for pk in email_ids], lambda batch: {"email_id": batch[0]})


def _publish_each(task, batches: list[list[int]], kwargs_for) -> int:
    """Publish ``task`` once per batch of outbox ids, in order, stopping at the first failure; returns
    how many batches the broker took. Rows of the batches it did not take get an expired lease."""
    for published, batch in enumerate(batches):
        try:
            task.apply_async(
                kwargs=kwargs_for(batch),
                retry=True,
                retry_policy={
                    "max_retries": 1,
                    "interval_start": 0,
                    "interval_step": 0.2,
                    "interval_max": 0.2,
                },
            )
        except Exception as error:
            left = [pk for rest in batches[published:] for pk in rest]
            logger.warning(
                "Could not queue outbound email %s (%s: %s); the outbox sweeper will retry it.",
                ", ".join(map(str, left)) if len(left) <= 5 else f"{left[0]} and {len(left) - 1} more",
                error.__class__.__name__,
                error,
            )
            OutboundEmail.objects.pending().filter(pk__in=left).update(claimed_until=timezone.now())
            return published
    return len(batches)


def requeue_stuck_emails(*, all_pending: bool = False) -> int:
    """Hand pending rows whose lease has passed back to the task queue, in batches until none is left.

    That covers rows never handed to the broker (it was down or hung), rows whose worker died or
    lost its database mid-send, and rows whose queued task the broker lost. Rows a worker or a
    waiting retry holds are left alone; ``all_pending=True`` takes every pending row (an operator's
    "send everything now" after fixing an outage). Stops early when the broker refuses a row or
    after ``SWEEP_TIME_BUDGET_SECONDS``; the next sweep carries on. Returns how many rows the broker
    took. Safe to run any number of times: delivery skips rows already sent or being sent.
    """
    started = time.monotonic()
    now = timezone.now()
    stuck = OutboundEmail.objects.pending() if all_pending else OutboundEmail.objects.lease_expired(now)
    handed_over, last_pk = 0, 0
    while time.monotonic() - started < SWEEP_TIME_BUDGET_SECONDS:
        ids = list(
            stuck.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[: settings.OUTBOX_SWEEP_BATCH_SIZE]
        )
        if not ids:
            break
        last_pk = ids[-1]
        # The lease first, and only where it is still ours to give: a worker that claimed a row in
        # the meantime keeps its own.
        stuck.filter(pk__in=ids).update(
            queued_at=timezone.now(), claimed_until=lease_until(settings.OUTBOX_QUEUE_LEASE_SECONDS)
        )
        published = hand_over(ids)
        handed_over += published
        if published < len(ids):
            break
    if handed_over:
        logger.info("Outbox sweeper handed %s pending email(s) to the queue.", handed_over)
    return handed_over


@transaction.atomic
def retry_failed_email(email: OutboundEmail, *, acting_user) -> OutboundEmail:
    """Put a failed or partly sent email back in the outbox and queue it (an administrator fixed the
    cause). Recipients who already have it are not sent it again."""
    email = OutboundEmail.objects.select_for_update().get(pk=email.pk)
    if email.status not in {OutboundEmail.Status.FAILED, OutboundEmail.Status.PARTLY_SENT}:
        raise ValidationError(
            "Only failed or partly sent emails can be retried; "
            f"this one is {email.get_status_display().lower()}."
        )
    email.status = OutboundEmail.Status.PENDING
    email.attempts = 0
    email.refused = {}
    email.queued_at = timezone.now()
    email.claimed_until = lease_until(settings.OUTBOX_QUEUE_LEASE_SECONDS)
    actor = getattr(acting_user, "email", "") or str(acting_user)
    email.last_error = f"Retried by {actor}. Previous error: {email.last_error}"[:2000]
    email.save(
        update_fields=[
            "status",
            "attempts",
            "refused",
            "queued_at",
            "claimed_until",
            "last_error",
            "updated_at",
        ]
    )
    logger.info("Email %s retried by %s", email.pk, actor)
    transaction.on_commit(partial(enqueue_email, email.pk))
    return email

"""Sending one outbox row over SMTP (``deliver_email``, run by the worker) and recording the outcome.

``notifications.services`` re-exports what callers use; queueing and the sweeper live there.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import sending
from .models import OutboundEmail
from .sending import is_transient_error

logger = logging.getLogger(__name__)

# After this many failed tries the row is marked failed so it shows in the admin, instead of
# being re-queued by the sweeper for ever (e.g. wrong SMTP credentials for days).
MAX_DELIVERY_ATTEMPTS = 50


class TransientEmailError(Exception):
    """SMTP could not take the email right now; trying again in ``retry_in`` seconds may work."""

    def __init__(self, message: str, *, retry_in: int):
        super().__init__(message)
        self.retry_in = retry_in


def lease_until(seconds: int):
    return timezone.now() + timedelta(seconds=seconds)


# Emails SMTP accepted in this process whose outcome could not be saved (the database connection
# went away in between). The task retries; the retry records the outcome instead of sending again.
_accepted_unrecorded: dict[int, sending.Outcome] = {}


def deliver_email(email_id: int) -> OutboundEmail:
    """Send one outbox row over SMTP, unless it is already sent, failed or being sent elsewhere.

    First takes the send lease (``OUTBOX_SEND_LEASE_SECONDS``) and counts the attempt, committed,
    so a worker killed mid-send leaves a row the sweeper re-queues when the lease ends. Then locks
    the row for the SMTP conversation, so two workers never send it at once, and records the
    outcome: sent (every recipient accepted), partly sent (some refused for good), failed, or
    pending with ``TransientEmailError`` (nothing accepted yet, or some recipients deferred: only
    those are tried next time). Raises ``OutboundEmail.DoesNotExist`` for an unknown id and
    database errors as they come. Safe to retry.
    """
    if not _claim(email_id):
        return OutboundEmail.objects.get(pk=email_id)
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True).pending().filter(pk=email_id).first()
        )
        if email is None:
            # Another worker took it between our claim and this lock, and sent it or is sending it.
            return OutboundEmail.objects.get(pk=email_id)
        outcome, error = _accepted_unrecorded.get(email.pk), None
        recipients = _recipients_left(email)
        if outcome is None and not recipients:
            outcome = sending.Outcome()
        if outcome is None:
            try:
                outcome = sending.send(email, recipients)
            except Exception as exception:  # includes Celery's SoftTimeLimitExceeded
                error = exception
        if outcome is not None and outcome.accepted:
            _accepted_unrecorded[email.pk] = outcome
        transient = _record(email, outcome, error)
    _accepted_unrecorded.pop(email_id, None)
    if transient is not None:
        raise transient
    return email


def _claim(email_id: int) -> bool:
    """Take the send lease and count the attempt; False when the row is gone, done or locked."""
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True).pending().filter(pk=email_id).first()
        )
        if email is None:
            return False
        email.attempts += 1
        email.claimed_until = lease_until(settings.OUTBOX_SEND_LEASE_SECONDS)
        email.save(update_fields=["attempts", "claimed_until", "updated_at"])
    return True


def _recipients_left(email: OutboundEmail) -> list[str]:
    """Recipients not yet accepted, leaving out those refused for good."""
    return [
        address
        for address in email.to
        if address not in email.delivered_to
        and not (address in email.refused and not sending.reply_is_transient(email.refused[address]))
    ]


def _refusals(refused: dict[str, str]) -> str:
    return "; ".join(f"{address}: {reply}" for address, reply in refused.items())


def _record(email: OutboundEmail, outcome, error) -> TransientEmailError | None:
    """Save what the attempt achieved; return the error to raise when it should be tried again."""
    retry = False
    if outcome is not None:
        email.delivered_to = [*email.delivered_to, *outcome.accepted]
        email.refused = {
            a: r for a, r in email.refused.items() if a not in outcome.accepted
        } | outcome.refused
        deferred = {a: r for a, r in outcome.refused.items() if sending.reply_is_transient(r)}
        if deferred:
            email.last_error = f"Not delivered yet to {_refusals(deferred)}"
            retry = True
    else:
        email.last_error = sending.describe(error)
        retry = is_transient_error(error)
    if retry and email.attempts < MAX_DELIVERY_ATTEMPTS:
        delay = sending.retry_delay(email.attempts)
        email.claimed_until = lease_until(settings.OUTBOX_SEND_LEASE_SECONDS + delay)
        logger.warning("Email %s not sent yet (attempt %s): %s", email.pk, email.attempts, email.last_error)
        _save_delivery(email)
        return TransientEmailError(email.last_error[:2000], retry_in=delay)
    if email.refused:
        email.last_error = f"Not delivered to {_refusals(email.refused)}"
    if retry:
        email.last_error = f"Gave up after {email.attempts} attempts. {email.last_error}"
    if email.delivered_to:
        email.status = OutboundEmail.Status.PARTLY_SENT if email.refused else OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        if not email.refused:
            email.last_error = ""
    else:
        email.status = OutboundEmail.Status.FAILED
    email.claimed_until = None
    if email.status != OutboundEmail.Status.SENT:
        logger.error("Email %s %s: %s", email.pk, email.get_status_display().lower(), email.last_error)
    _save_delivery(email)
    _flag_bouncing_addresses(email)
    return None


def _flag_bouncing_addresses(email: OutboundEmail) -> None:
    """An address refused for good may be an RA provider's contact: the directory flags it, and
    routing then sends that provider's requests elsewhere until its team gives a working address."""
    refused_for_good = [a for a, reply in email.refused.items() if not sending.reply_is_transient(reply)]
    if refused_for_good:
        # Imported here: the directory queues its own emails through notifications.services.
        from organisations.services.directory_entries import flag_bouncing_contacts

        flag_bouncing_contacts(refused_for_good)


def _save_delivery(email: OutboundEmail) -> None:
    email.last_error = email.last_error[:2000]
    email.save(
        update_fields=[
            "status",
            "sent_at",
            "last_error",
            "delivered_to",
            "refused",
            "claimed_until",
            "updated_at",
        ]
    )

"""Celery tasks for the outbox. Thin: each loads nothing itself and calls one service."""

import logging
from datetime import timedelta

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from . import services
from .models import OutboundEmail

logger = logging.getLogger(__name__)

# Pending rows not handed to the queue for this long are re-queued by the sweeper.
STUCK_AFTER = timedelta(minutes=10)


@shared_task(bind=True, name="notifications.send_email", max_retries=6, acks_late=True)
def task_send_email(self, *, email_id: int) -> None:
    """Send one outbox email. Transient SMTP errors retry with exponential backoff (about 5 minutes
    in all); after that, or when running in-process without a broker, the row stays pending and
    the sweeper re-queues it.
    """
    try:
        services.deliver_email(email_id)
    except OutboundEmail.DoesNotExist:
        logger.warning("Outbound email %s no longer exists; nothing to send.", email_id)
    except services.TransientEmailError as error:
        if self.request.is_eager:
            # In-process there is no queue to wait in: retrying here would block the request.
            logger.warning("Email %s left pending for the sweeper: %s", email_id, error)
            return
        if self.request.retries >= self.max_retries:
            logger.warning(
                "Email %s left pending for the sweeper after %s retries.", email_id, self.max_retries
            )
            return
        countdown = get_exponential_backoff_interval(
            factor=5, retries=self.request.retries, maximum=300, full_jitter=True
        )
        raise self.retry(exc=error, countdown=max(countdown, 1)) from error


@shared_task(name="notifications.sweep_outbox")
def task_sweep_outbox() -> int:
    """Re-queue outbox emails left pending by a broker or SMTP outage."""
    return services.requeue_stuck_emails(older_than=STUCK_AFTER)


@shared_task(name="notifications.enqueue_emails")
def task_enqueue_emails(*, email_ids: list[int]) -> int:
    """Hand each of a batch of outbox rows to ``task_send_email`` (fan-out of ``queue_emails``).

    Safe to run twice: sending skips a row already sent. Returns how many were handed over.
    """
    return sum(1 for email_id in email_ids if services.enqueue_email(email_id))

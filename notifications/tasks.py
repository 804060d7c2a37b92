"""Celery tasks for the outbox. Thin: each loads nothing itself and calls one service."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.time import get_exponential_backoff_interval
from django.db import DatabaseError, connection

from . import services
from .models import OutboundEmail

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="notifications.send_email", max_retries=10, acks_late=True)
def task_send_email(self, *, email_id: int) -> None:
    """Send one outbox email.

    Transient SMTP errors retry after the delay the service chose (exponential, up to about
    5 minutes); database errors and a time limit hit outside the SMTP conversation retry with a
    short backoff instead of being acknowledged and dropped. After ``max_retries``, or when running
    in-process without a broker, the row stays pending and the sweeper re-queues it when its lease
    ends.
    """
    try:
        services.deliver_email(email_id)
    except OutboundEmail.DoesNotExist:
        logger.warning("Outbound email %s no longer exists; nothing to send.", email_id)
    except services.TransientEmailError as error:
        _retry_or_leave(self, email_id, error, countdown=error.retry_in)
    except (DatabaseError, SoftTimeLimitExceeded) as error:
        # The connection may be broken: drop it so the retry opens a fresh one.
        connection.close()
        countdown = get_exponential_backoff_interval(
            factor=2, retries=self.request.retries, maximum=60, full_jitter=True
        )
        _retry_or_leave(self, email_id, error, countdown=max(countdown, 1))


def _retry_or_leave(task, email_id: int, error: Exception, *, countdown: int) -> None:
    if task.request.is_eager:
        # In-process there is no queue to wait in: retrying here would block the request.
        logger.warning("Email %s left pending for the sweeper: %s", email_id, error)
        return
    if task.request.retries >= task.max_retries:
        logger.warning("Email %s left pending for the sweeper after %s retries.", email_id, task.max_retries)
        return
    logger.warning("Email %s: retrying in %ss after %s: %s", email_id, countdown, type(error).__name__, error)
    raise task.retry(exc=error, countdown=countdown) from error


@shared_task(name="notifications.sweep_outbox")
def task_sweep_outbox() -> int:
    """Re-queue outbox emails whose lease has passed (broker, SMTP, worker or database trouble)."""
    return services.requeue_stuck_emails()


@shared_task(name="notifications.enqueue_emails")
def task_enqueue_emails(*, email_ids: list[int]) -> int:
    """Publish a send task for each of a batch of outbox rows (the fan-out of ``queue_emails``).

    Safe to run twice: sending skips a row already sent. Returns how many were handed over.
    """
    return services.hand_over(email_ids)

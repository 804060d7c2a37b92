import logging

from celery import shared_task

from .services.directory_entries import send_confirmation_reminders

logger = logging.getLogger(__name__)


@shared_task(name="organisations.send_directory_confirmation_reminders")
def task_send_directory_confirmation_reminders() -> int:
    """Daily: remind RA teams whose directory entry goes stale within 14 days. Safe to repeat."""
    queued = send_confirmation_reminders()
    logger.info("Directory confirmation reminders: %s queued", queued)
    return queued

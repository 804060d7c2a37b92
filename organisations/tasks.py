"""Celery tasks for accounts and the RA directory. Thin: each calls one service."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="organisations.delete_expired_sign_ups")
def task_delete_expired_sign_ups() -> int:
    """Delete unconfirmed sign-ups past their lifetime. Safe to repeat."""
    count = services.delete_expired_sign_ups()
    logger.info("Deleted %s expired unconfirmed sign-up(s).", count)
    return count


@shared_task(name="organisations.send_directory_confirmation_reminders")
def task_send_directory_confirmation_reminders() -> int:
    """Daily: remind RA teams whose directory entry goes stale within 14 days. Safe to repeat."""
    queued = services.send_confirmation_reminders()
    logger.info("Directory confirmation reminders: %s queued", queued)
    return queued

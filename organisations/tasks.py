"""Celery tasks for accounts. Thin: each calls one service."""

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

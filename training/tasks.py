import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="training.send_reminders")
def task_send_reminders() -> int:
    queued = services.send_training_reminders()
    logger.info("Queued %s training reminders", queued)
    return queued


@shared_task(name="training.send_digests")
def task_send_digests() -> int:
    queued = services.send_training_digests()
    logger.info("Queued %s training digests", queued)
    return queued

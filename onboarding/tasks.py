import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="onboarding.record_readiness_statuses")
def task_record_readiness_statuses():
    recorded = services.record_readiness_statuses()
    logger.info("Recorded %s readiness status changes", recorded)
    return recorded

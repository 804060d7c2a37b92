import logging

from celery import shared_task

from . import escalations

logger = logging.getLogger(__name__)


@shared_task(name="ra_requests.run_escalations")
def task_run_escalations() -> int:
    """Periodic (every 15 minutes): send due reminders and escalations. Safe to overlap."""
    escalated = escalations.run_escalations()
    logger.info("RA escalation run: %s requests escalated", escalated)
    return escalated

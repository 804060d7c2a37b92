"""A batch of outbox emails (as the escalation job and reminders queue them) reaches the sink
exactly once through the fan-out: a few messages to Redis, one send task per email on the worker."""

from django.db import transaction

from notifications import services
from notifications.models import OutboundEmail
from notifications.tasks import task_enqueue_emails

FANNED_OUT = "Task notifications.enqueue_emails["


def finished_fan_outs(worker) -> int:
    return sum(1 for line in worker.log().splitlines() if FANNED_OUT in line and " succeeded in " in line)


def test_a_batch_larger_than_a_chunk_is_delivered_once_each_through_the_fan_out(
    celery_worker, smtp_sink, wait_for
):
    count = services.ENQUEUE_CHUNK + 10
    with transaction.atomic():
        queued = services.queue_emails(
            [
                {
                    "dedupe_key": f"batch:{number}",
                    "to": [f"person{number}@example.org"],
                    "subject": f"Batch email {number}",
                    "body": "Body.",
                    "topic": "batch",
                }
                for number in range(count)
            ]
        )

    wait_for(lambda: OutboundEmail.objects.filter(topic="batch").sent().count() == count, timeout=90)
    wait_for(lambda: len(smtp_sink.messages()) == count, timeout=30)
    assert queued == count
    assert finished_fan_outs(celery_worker) == 2  # two chunks
    # Handing the same batch over again sends nothing more.
    task_enqueue_emails.delay(
        email_ids=list(OutboundEmail.objects.filter(topic="batch").values_list("pk", flat=True))
    )
    wait_for(lambda: finished_fan_outs(celery_worker) == 3, timeout=30)
    wait_for(lambda: celery_worker.count("notifications.send_email") >= 2 * (2 * count), timeout=60)
    assert len(smtp_sink.messages()) == count

"""Training reminders end to end: the beat tasks run on a real worker and the emails reach an SMTP sink."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from notifications.models import OutboundEmail
from training import services
from training.compliance import add_months
from training.tasks import task_send_digests, task_send_reminders


def finished(worker, task_name: str) -> int:
    return sum(
        1 for line in worker.log().splitlines() if f"Task {task_name}[" in line and " succeeded in " in line
    )


def all_sent() -> bool:
    emails = OutboundEmail.objects.filter(dedupe_key__startswith="training:")
    return emails.exists() and emails.count() == emails.sent().count()


@pytest.fixture
def staff_due_reminders(organisation, it_lead):
    """Two people due a reminder, a leaver and a person who renewed (neither of whom is)."""
    today = timezone.localdate()
    with transaction.atomic():
        module = services.create_module(
            slug="cis-foundations", title="CIS foundations", covers="What CIS is", refresh_months=12
        )
        version = module.versions.get()

        def person(name):
            return services.add_staff_member(
                organisation,
                full_name=name,
                email=f"{name.split()[0].lower()}@riverside.example.org",
                role="deskside",
                employment_type="in_house",
                acting_user=it_lead,
            )

        def completed(staff, on):
            services.record_completion(
                staff, module_version=version, completed_on=on, method="e_learning", acting_user=it_lead
            )

        expiring = person("Alice Ahmed")
        completed(expiring, add_months(today, -12) + datetime.timedelta(days=10))
        overdue = person("Bob Brown")
        completed(overdue, add_months(today, -13))
        leaver = person("Lee Leaver")
        completed(leaver, add_months(today, -13))
        services.mark_staff_member_left(leaver, left_on=today, acting_user=it_lead)
        renewed = person("Rita Renewed")
        completed(renewed, add_months(today, -13))
        completed(renewed, today - datetime.timedelta(days=5))
    return {"expiring": expiring, "overdue": overdue}


def test_reminder_and_digest_jobs_run_twice_on_a_worker_send_each_email_once(
    celery_worker, smtp_sink, wait_for, staff_due_reminders, it_lead
):
    task_send_reminders.delay()
    task_send_reminders.delay()
    wait_for(lambda: finished(celery_worker, "training.send_reminders") == 2)
    task_send_digests.delay()
    task_send_digests.delay()
    wait_for(lambda: finished(celery_worker, "training.send_digests") == 2)
    wait_for(all_sent)
    wait_for(lambda: len(smtp_sink.messages()) == 3)
    # Both jobs again, once more: nothing new is due, so nothing more is sent.
    task_send_reminders.delay()
    task_send_digests.delay()
    wait_for(lambda: finished(celery_worker, "training.send_digests") == 3)
    wait_for(lambda: finished(celery_worker, "training.send_reminders") == 3)
    wait_for(lambda: finished(celery_worker, "notifications.send_email") >= 3)

    messages = smtp_sink.messages()
    assert sorted((message["To"], message["Subject"].split(":")[0]) for message in messages) == [
        (
            "alice@riverside.example.org",
            "Training expires on " + _expiry_text(staff_due_reminders["expiring"]),
        ),
        ("bob@riverside.example.org", "Training overdue"),
        ("itlead@riverside.example.org", "Training compliance digest for the week of " + _today_text()),
    ]
    assert OutboundEmail.objects.filter(dedupe_key__startswith="training:").count() == 3


def _expiry_text(staff) -> str:
    completion = staff.completions.get()
    return f"{add_months(completion.completed_on, 12):%-d %B %Y}"


def _today_text() -> str:
    return f"{timezone.localdate():%-d %B %Y}"

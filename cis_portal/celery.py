"""Celery application, following the Django recipe in Celery's documentation."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cis_portal.settings")

app = Celery("cis_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic job. Each one is also a management command, so it runs without a broker.
app.conf.beat_schedule = {
    # Every minute: re-queue outbox emails whose lease has passed (never handed to the broker,
    # or their worker or its database connection died mid-send) (python manage.py sweep_outbox).
    "sweep-outbox": {
        "task": "notifications.sweep_outbox",
        "schedule": crontab(minute="*"),
    },
    # Warn RA providers before the acknowledge target, escalate at breach and to the national
    # RA team when a request stays unresolved (python manage.py run_escalations).
    "run-ra-escalations": {
        "task": "ra_requests.run_escalations",
        "schedule": crontab(minute="*/15"),
    },
    # Remind staff 30 days before a module expires and when it is overdue
    # (python manage.py send_training_reminders).
    "send-training-reminders": {
        "task": "training.send_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Refresh each organisation's stored readiness (what the ICB and national overviews read) and put
    # its change of status (ready / nearly / not ready) on its timeline
    # (python manage.py record_readiness_statuses).
    "record-readiness-statuses": {
        "task": "onboarding.record_readiness_statuses",
        "schedule": crontab(minute=45),
    },
    # Remind RA teams to confirm their directory entry 14 days before it goes stale (six months after
    # its last confirmation) (python manage.py send_directory_reminders).
    "send-directory-confirmation-reminders": {
        "task": "organisations.send_directory_confirmation_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # Monday-morning digest of training compliance for each IT lead
    # (python manage.py send_training_reminders --digest).
    "send-training-digests": {
        "task": "training.send_digests",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
    # Delete sign-ups never confirmed within UNCONFIRMED_ACCOUNT_MAX_AGE_SECONDS, so an unconfirmed
    # account holds no address or organisation (python manage.py delete_expired_sign_ups).
    "delete-expired-sign-ups": {
        "task": "organisations.delete_expired_sign_ups",
        "schedule": crontab(hour=3, minute=15),
    },
}

# Smoke tests and demos only: run every job every N seconds instead of on its schedule.
if os.environ.get("CELERY_BEAT_EVERY_SECONDS"):
    for entry in app.conf.beat_schedule.values():
        entry["schedule"] = float(os.environ["CELERY_BEAT_EVERY_SECONDS"])

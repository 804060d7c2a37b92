from django.core.management import get_commands

from cis_portal.celery import app


def test_beat_schedule_names_only_registered_tasks():
    app.loader.import_default_modules()

    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}

    assert scheduled == {
        "notifications.sweep_outbox",
        "ra_requests.run_escalations",
        "training.send_reminders",
        "training.send_digests",
        "onboarding.record_readiness_statuses",
        "organisations.send_directory_confirmation_reminders",
        "organisations.delete_expired_sign_ups",
    }
    assert scheduled - set(app.tasks) == set()


def test_every_periodic_job_also_runs_as_a_management_command():
    commands = get_commands()

    assert {
        "sweep_outbox",
        "run_escalations",
        "send_training_reminders",
        "record_readiness_statuses",
        "send_directory_reminders",
        "delete_expired_sign_ups",
    } <= set(commands)


def test_celery_uses_json_only_and_time_limits():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert (app.conf.task_soft_time_limit, app.conf.task_time_limit) == (60, 90)
    assert app.conf.task_acks_late is True

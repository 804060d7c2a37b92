import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import OutboundEmail
from training import services
from training.tasks import task_send_digests, task_send_reminders

from .conftest import TODAY, complete, make_staff

pytestmark = pytest.mark.django_db
d = datetime.date


def reminder_keys():
    return sorted(
        OutboundEmail.objects.filter(dedupe_key__startswith="training:").values_list("dedupe_key", flat=True)
    )


def test_send_training_reminders_queues_each_due_reminder_once(
    known_staff, django_capture_on_commit_callbacks
):
    bob, dan = known_staff["bob"], known_staff["dan"]
    foundations_id = dan.completions.get(completed_on=d(2025, 5, 1)).module_id
    ra_id = bob.completions.get(completed_on=d(2025, 7, 20)).module_id

    with django_capture_on_commit_callbacks(execute=True):
        first = services.send_training_reminders(today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.send_training_reminders(today=TODAY)

    assert (first, second) == (3, 0)
    assert reminder_keys() == sorted(
        [
            f"training:expiring:{bob.pk}:{ra_id}:2026-01-20",
            f"training:overdue:{dan.pk}:{ra_id}:2025-12-10",
            f"training:refresher:{dan.pk}:{foundations_id}:2025-06-01",
        ]
    )
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("bob.brown@a81001.example.org", "Training expires on 20 January 2026: Working with your RA"),
        ("dan.dixon@a81001.example.org", "Refresher needed: CIS foundations has a new version"),
        ("dan.dixon@a81001.example.org", "Training overdue: Working with your RA"),
    ]


def test_send_training_reminders_sends_nothing_to_leavers_or_people_who_renewed(known_staff):
    bob = known_staff["bob"]
    ra_module = bob.completions.get(completed_on=d(2025, 7, 20)).module
    complete(bob, ra_module, d(2026, 1, 10))

    services.send_training_reminders(today=TODAY)

    recipients = [email.to for email in OutboundEmail.objects.order_by("dedupe_key")]
    assert recipients == [["dan.dixon@a81001.example.org"], ["dan.dixon@a81001.example.org"]]
    for person in (known_staff["eve"], bob):
        assert not OutboundEmail.objects.filter(dedupe_key__regex=rf"^training:[a-z]+:{person.pk}:").exists()


def test_send_training_reminders_after_a_renewal_gives_the_next_cycle_its_own_reminder(known_staff):
    bob = known_staff["bob"]
    ra_module = bob.completions.get(completed_on=d(2025, 7, 20)).module
    services.send_training_reminders(today=TODAY)
    complete(bob, ra_module, d(2026, 1, 10))

    services.send_training_reminders(today=d(2026, 6, 15))

    bob_keys = [
        key for key in reminder_keys() if key.startswith(f"training:expiring:{bob.pk}:{ra_module.pk}:")
    ]
    assert bob_keys == [
        f"training:expiring:{bob.pk}:{ra_module.pk}:2026-01-20",
        f"training:expiring:{bob.pk}:{ra_module.pk}:2026-07-10",
    ]


def test_send_training_digests_sends_one_per_it_lead_per_week(
    known_staff, it_lead, other_organisation, other_it_lead
):
    first = services.send_training_digests(today=TODAY)
    same_week = services.send_training_digests(today=d(2026, 1, 18))
    next_week = services.send_training_digests(today=d(2026, 1, 19))

    assert (first, same_week, next_week) == (1, 0, 1)
    digests = OutboundEmail.objects.filter(dedupe_key__startswith="training:digest:").order_by("dedupe_key")
    assert [(e.dedupe_key, e.to) for e in digests] == [
        (f"training:digest:{it_lead.pk}:2026-W03", ["itlead@riverside.example.org"]),
        (f"training:digest:{it_lead.pk}:2026-W04", ["itlead@riverside.example.org"]),
    ]
    body = digests[0].body
    assert "Riverside Surgery (A81001)" in body
    assert "- Modules in date, counting each person's modules: 50% (Red)" in body
    assert "- Staff in date for every module that applies to them: 2 of 4 technical support staff" in body
    assert "- Overdue: 1\n" in body
    assert "Hillside" not in body


def test_send_training_reminders_command_and_tasks_report_what_they_queued(known_staff):
    out = StringIO()
    call_command("send_training_reminders", stdout=out)
    reminders = OutboundEmail.objects.exclude(dedupe_key__startswith="training:digest:").count()
    call_command("send_training_reminders", "--digest", stdout=out)

    assert out.getvalue().splitlines() == [
        f"Queued {reminders} training reminder email(s)",
        "Queued 1 training digest email(s)",
    ]
    assert reminders > 0
    assert task_send_reminders.apply().get() == 0
    assert task_send_digests.apply().get() == 0


def test_send_training_reminders_costs_the_same_queries_however_many_organisations(
    known_staff, other_organisation, foundations
):
    def queries_to_send():
        with CaptureQueriesContext(connection) as queries:
            services.send_training_reminders(today=TODAY)
        return len(queries)

    one_organisation = queries_to_send()
    olga = make_staff(other_organisation, "Olga Other")
    complete(olga, foundations, d(2024, 1, 1))
    two_organisations = queries_to_send()

    assert one_organisation == two_organisations
    assert list(
        OutboundEmail.objects.filter(organisation=other_organisation).values_list("dedupe_key", flat=True)
    ) == [f"training:overdue:{olga.pk}:{foundations.pk}:2025-01-01"]

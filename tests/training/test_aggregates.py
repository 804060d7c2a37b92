import datetime
import random

import pytest

from training import selectors, services
from training.aggregates import last_completion_date_expiring_by
from training.compliance import add_months
from training.models import Completion, StaffRole

from .conftest import backdate_version, make_staff

pytestmark = pytest.mark.django_db
d = datetime.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (d(2026, 2, 28), 1, d(2026, 1, 31)),
        (d(2026, 3, 15), 6, d(2025, 9, 15)),
        (d(2026, 4, 30), 1, d(2026, 3, 31)),
        (d(2027, 2, 28), 12, d(2026, 2, 28)),
    ],
)
def test_last_completion_date_expiring_by_is_the_exact_boundary(day, months, expected):
    assert last_completion_date_expiring_by(day, months) == expected
    assert add_months(expected, months) <= day
    assert add_months(expected + datetime.timedelta(days=1), months) > day


def _figures(summary):
    return {
        "active": summary.active_staff,
        "applicable": summary.applicable,
        "compliant": summary.compliant,
        "fully": summary.fully_compliant_staff,
        "counts": dict(+summary.counts),
        "modules": [(m.module.slug, m.applicable, dict(+m.counts)) for m in summary.modules],
        "groups": [(g.label, g.staff_count, g.applicable, g.compliant) for g in summary.groups],
        "overdue_total": summary.overdue_total,
        "expiring_total": summary.expiring_total,
    }


def _dues(dues):
    return [(due.staff.pk, due.module.pk, due.status.status, due.status.due_on) for due in dues]


def test_database_figures_match_the_row_by_row_rules_on_random_data(
    organisation, foundations, ra_module, it_lead
):
    rng = random.Random(20260115)
    services.publish_module_version(foundations, change_note="New release.", published_by=it_lead)
    backdate_version(foundations, 2, d(2025, 3, 31))
    v1, v2 = foundations.versions.order_by("number")
    roles = [StaffRole.DESKSIDE, StaffRole.RA_FACING, StaffRole.SERVICE_DESK]
    for number in range(40):
        staff = make_staff(
            organisation, f"Person {number:02d}", role=roles[number % 3], outsourced=number % 4 == 0
        )
        for module, versions in (
            (foundations, [v1, v2]),
            (ra_module, [ra_module.versions.get()]),
        ):
            for _ in range(rng.choice([0, 1, 1, 2])):
                version = rng.choice(versions)
                earliest = max(
                    d(2024, 6, 1), version.published_at.date() if version.number > 1 else d(2024, 6, 1)
                )
                day = earliest + datetime.timedelta(days=rng.randint(0, (d(2026, 3, 31) - earliest).days))
                Completion.objects.create(
                    staff=staff,
                    module=module,
                    module_version=version,
                    version_number=version.number,
                    completed_on=day,
                    method="e_learning",
                )
        if number % 9 == 0:
            services.mark_staff_member_left(staff, left_on=d(2025, 1, 1), acting_user=it_lead)

    for today in (d(2026, 1, 15), d(2026, 2, 28), d(2026, 3, 31), d(2026, 4, 30)):
        in_database = selectors.compliance_summary(organisation, today=today, list_limit=1000)
        in_python = selectors.compliance_in_python(organisation, today=today)

        assert _figures(in_database) == _figures(in_python), today
        assert _dues(in_database.overdue) == _dues(in_python.overdue), today
        assert _dues(in_database.expiring) == _dues(in_python.expiring), today


def test_compliance_summary_lists_only_the_first_few_but_counts_everyone(organisation, foundations):
    for number in range(6):
        staff = make_staff(organisation, f"Person {number}")
        Completion.objects.create(
            staff=staff,
            module=foundations,
            module_version=foundations.versions.get(),
            completed_on=d(2024, 1, 10 + number),
            method="e_learning",
        )

    summary = selectors.compliance_summary(organisation, today=d(2026, 1, 15), list_limit=2)

    assert [due.staff.full_name for due in summary.overdue] == ["Person 0", "Person 1"]
    assert summary.overdue_total == 6


@pytest.mark.parametrize(
    ("completed_on", "expected_status"),
    [
        (d(2025, 1, 15), "expiring"),  # due 15 January 2026, today: still in date
        (d(2025, 1, 14), "overdue"),  # due 14 January 2026, yesterday: overdue
    ],
)
def test_database_figures_count_training_in_date_through_its_due_date(
    organisation, foundations, completed_on, expected_status
):
    staff = make_staff(organisation, "Dee Due")
    Completion.objects.create(
        staff=staff,
        module=foundations,
        module_version=foundations.versions.get(),
        completed_on=completed_on,
        method="e_learning",
    )

    summary = selectors.compliance_summary(organisation, today=d(2026, 1, 15))

    assert dict(+summary.counts) == {expected_status: 1}
    assert summary.fully_compliant_staff == (1 if expected_status == "expiring" else 0)

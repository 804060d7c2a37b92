import datetime

import pytest

from training.compliance import ModuleRules, Rag, Status, add_months, expiry_date, rag_for, status_for

d = datetime.date


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (d(2026, 1, 31), 1, d(2026, 2, 28)),
        (d(2028, 1, 31), 1, d(2028, 2, 29)),
        (d(2026, 3, 31), 1, d(2026, 4, 30)),
        (d(2028, 2, 29), 12, d(2029, 2, 28)),
        (d(2026, 8, 31), 6, d(2027, 2, 28)),
        (d(2026, 11, 15), 3, d(2027, 2, 15)),
        (d(2026, 3, 31), -1, d(2026, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_end_of_shorter_months(start, months, expected):
    assert add_months(start, months) == expected


def test_expiry_date_is_completion_date_plus_refresher_period():
    assert expiry_date(d(2026, 1, 31), 6) == d(2026, 7, 31)


RULES = ModuleRules(id=1, refresh_months=6, current_version=1, superseded_on={})


def test_status_for_never_completed_has_no_due_date():
    result = status_for(RULES, None, d(2026, 1, 15))

    assert (result.status, result.due_on, result.is_compliant) == (Status.NEVER_COMPLETED, None, False)


def test_status_for_in_date_more_than_30_days_before_expiry():
    result = status_for(RULES, (d(2025, 12, 1), 1), d(2026, 1, 15))

    assert (result.status, result.due_on, result.is_compliant) == (Status.IN_DATE, d(2026, 6, 1), True)


def test_status_for_expiring_from_30_days_before_expiry():
    on_day_30 = status_for(RULES, (d(2025, 8, 14), 1), d(2026, 1, 15))
    on_day_31 = status_for(RULES, (d(2025, 8, 15), 1), d(2026, 1, 15))

    assert (on_day_30.status, on_day_30.due_on) == (Status.EXPIRING, d(2026, 2, 14))
    assert on_day_30.is_compliant is True
    assert (on_day_31.status, on_day_31.due_on) == (Status.IN_DATE, d(2026, 2, 15))


def test_status_for_in_date_through_the_due_date_and_overdue_from_the_next_day():
    due_today = status_for(RULES, (d(2025, 7, 15), 1), d(2026, 1, 15))
    due_yesterday = status_for(RULES, (d(2025, 7, 14), 1), d(2026, 1, 15))

    assert (due_today.status, due_today.due_on, due_today.is_compliant) == (
        Status.EXPIRING,
        d(2026, 1, 15),
        True,
    )
    assert (due_yesterday.status, due_yesterday.due_on, due_yesterday.is_compliant) == (
        Status.OVERDUE,
        d(2026, 1, 14),
        False,
    )


def test_status_for_month_end_completion_expires_at_the_end_of_a_shorter_month():
    result = status_for(RULES, (d(2025, 8, 31), 1), d(2026, 2, 27))

    assert (result.status, result.due_on) == (Status.EXPIRING, d(2026, 2, 28))


def test_status_for_older_version_is_refresher_due_from_the_next_versions_publish_date():
    rules = ModuleRules(
        id=1, refresh_months=6, current_version=3, superseded_on={1: d(2026, 1, 2), 2: d(2026, 1, 10)}
    )

    on_v1 = status_for(rules, (d(2025, 12, 1), 1), d(2026, 1, 15))
    on_v2 = status_for(rules, (d(2026, 1, 5), 2), d(2026, 1, 15))
    on_v3 = status_for(rules, (d(2026, 1, 12), 3), d(2026, 1, 15))

    assert (on_v1.status, on_v1.due_on, on_v1.is_compliant) == (Status.REFRESHER_DUE, d(2026, 1, 2), False)
    assert (on_v2.status, on_v2.due_on) == (Status.REFRESHER_DUE, d(2026, 1, 10))
    assert (on_v3.status, on_v3.due_on) == (Status.IN_DATE, d(2026, 7, 12))


def test_status_for_expired_older_version_counts_as_overdue():
    rules = ModuleRules(id=1, refresh_months=6, current_version=2, superseded_on={1: d(2026, 1, 2)})

    result = status_for(rules, (d(2025, 1, 1), 1), d(2026, 1, 15))

    assert (result.status, result.due_on) == (Status.OVERDUE, d(2025, 7, 1))


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        (100, Rag.GREEN),
        (90, Rag.GREEN),
        (89.9, Rag.AMBER),
        (70, Rag.AMBER),
        (69.9, Rag.RED),
        (0, Rag.RED),
        (None, Rag.NONE),
    ],
)
def test_rag_for_thresholds_are_90_and_70_percent(percent, expected):
    assert rag_for(percent) == expected


def test_trained_staff_figure_rounds_down_and_names_what_it_counts():
    from training.compliance import TrainedStaff

    assert TrainedStaff(trained=2499, staff=2500).percent_text == "99%"
    assert TrainedStaff(trained=2, staff=3).description == (
        "2 of 3 technical support staff (66%) are trained and in date"
    )
    assert TrainedStaff(trained=0, staff=0).percent is None

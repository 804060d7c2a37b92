import datetime

import pytest

from ra_requests.sla import LONDON, add_working_time, is_working_day, working_days, working_time_between


def london(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


def test_is_working_day_excludes_weekends_and_england_bank_holidays():
    assert is_working_day(datetime.date(2027, 3, 25)) is True  # Thursday
    assert is_working_day(datetime.date(2027, 3, 26)) is False  # Good Friday
    assert is_working_day(datetime.date(2027, 3, 27)) is False  # Saturday
    assert is_working_day(datetime.date(2027, 3, 29)) is False  # Easter Monday
    assert is_working_day(datetime.date(2026, 12, 28)) is False  # Boxing Day substitute


def test_add_working_time_skips_a_bank_holiday_weekend():
    # Thursday 15:00 before Easter 2027: 2 hours on Thursday, then Tuesday (8h) and 6h on Wednesday.
    due = add_working_time(london(2027, 3, 25, 15, 0), working_days(2))

    assert due == london(2027, 3, 31, 15, 0)


def test_add_working_time_from_a_weekend_starts_at_the_next_opening():
    due = add_working_time(london(2027, 5, 8, 11, 30), working_days(1))  # Saturday

    assert due == london(2027, 5, 10, 17, 0)  # Monday, close of business


def test_add_working_time_after_hours_counts_from_next_morning():
    due = add_working_time(london(2027, 5, 11, 18, 45), datetime.timedelta(hours=3))

    assert due == london(2027, 5, 12, 12, 0)


def test_add_working_time_keeps_london_hours_across_the_clocks_changing():
    # Clocks go forward on Sunday 28 March 2027; Friday 16:00 GMT plus 2 working hours is Monday 10:00 BST.
    start = datetime.datetime(2027, 3, 19, 16, 0, tzinfo=datetime.UTC)

    due = add_working_time(start, datetime.timedelta(hours=2))

    assert due == london(2027, 3, 22, 10, 0)
    assert due.utcoffset() == datetime.timedelta(0)
    later = add_working_time(london(2027, 4, 1, 16, 0), datetime.timedelta(hours=2))
    assert later == london(2027, 4, 2, 10, 0)
    assert later.astimezone(datetime.UTC).hour == 9


def test_working_time_between_counts_only_working_hours():
    elapsed = working_time_between(london(2027, 3, 25, 16, 0), london(2027, 3, 30, 10, 30))

    assert elapsed == datetime.timedelta(hours=2, minutes=30)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (london(2027, 5, 11, 10, 0), london(2027, 5, 11, 10, 0)),
        (london(2027, 5, 11, 12, 0), london(2027, 5, 11, 10, 0)),
        (london(2027, 5, 8, 10, 0), london(2027, 5, 9, 16, 0)),
    ],
)
def test_working_time_between_is_zero_without_working_time(start, end):
    assert working_time_between(start, end) == datetime.timedelta(0)


def test_add_then_measure_round_trips():
    start = london(2027, 12, 23, 14, 10)

    due = add_working_time(start, working_days(3))

    assert due == london(2027, 12, 30, 14, 10)  # 25-28 Dec are weekend or bank holidays
    assert working_time_between(start, due) == working_days(3)


def _add_working_time_day_by_day(start, amount):
    """Reference: walk every calendar day's 09:00-17:00 window (the rule as first written)."""
    from ra_requests.sla import _window

    remaining, moment = amount, start.astimezone(LONDON)
    day = moment.date()
    while True:
        if is_working_day(day):
            opens, closes = _window(day)
            begin = max(moment, opens)
            if begin < closes:
                if remaining <= closes - begin:
                    return begin + remaining
                remaining -= closes - begin
        day += datetime.timedelta(days=1)
        moment = datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=LONDON)


def test_add_working_time_agrees_with_a_day_by_day_walk_across_weekends_holidays_and_clock_changes():
    import random

    rng = random.Random(14)
    first = datetime.datetime(2026, 3, 20, tzinfo=LONDON)  # spans the March clock change and Easter
    for _ in range(500):
        start = first + datetime.timedelta(minutes=rng.randrange(0, 60 * 24 * 300))
        amount = datetime.timedelta(
            minutes=rng.choice([0, 1, 30, 240, 480, 481, 960]) + rng.randrange(0, 9600)
        )
        assert add_working_time(start, amount) == _add_working_time_day_by_day(start, amount), (start, amount)

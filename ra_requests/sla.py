"""Working-time maths for the RA support SLA clock.

Working time is Monday to Friday, 09:00 to 17:00 Europe/London, except England and Wales bank
holidays (from the maintained ``holidays`` package). One working day is eight working hours.
All functions take and return aware datetimes; nothing here touches the database.
"""

import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
DAY_STARTS = datetime.time(9, 0)
DAY_ENDS = datetime.time(17, 0)
WORKING_DAY = datetime.timedelta(hours=8)


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def _window(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    return (
        datetime.datetime.combine(day, DAY_STARTS, tzinfo=LONDON),
        datetime.datetime.combine(day, DAY_ENDS, tzinfo=LONDON),
    )


def add_working_time(start: datetime.datetime, amount: datetime.timedelta) -> datetime.datetime:
    """The moment ``amount`` of working time after ``start``.

    A start outside working hours counts from the next opening, so a request sent on Saturday
    with one working day to go is due at 17:00 on Monday (or Tuesday after a bank holiday).
    """
    remaining = amount
    moment = start.astimezone(LONDON)
    day = moment.date()
    if is_working_day(day):
        opens, closes = _window(day)
        begin = max(moment, opens)
        if begin < closes:
            available = closes - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
    # Every later working day offers a whole WORKING_DAY: step over dates, not datetimes.
    while True:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            if remaining <= WORKING_DAY:
                return datetime.datetime.combine(day, DAY_STARTS, tzinfo=LONDON) + remaining
            remaining -= WORKING_DAY


def working_time_between(start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
    """Working time elapsed from ``start`` to ``end`` (zero when ``end`` is not after ``start``)."""
    total = datetime.timedelta(0)
    if end <= start:
        return total
    start, end = start.astimezone(LONDON), end.astimezone(LONDON)
    day = start.date()
    while day <= end.date():
        if is_working_day(day):
            opens, closes = _window(day)
            begin, finish = max(start, opens), min(end, closes)
            if finish > begin:
                total += finish - begin
        day += datetime.timedelta(days=1)
    return total


def working_days(days: int) -> datetime.timedelta:
    return WORKING_DAY * days

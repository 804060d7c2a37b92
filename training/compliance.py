"""Pure compliance rules: expiry dates and each person's status for each module. No database access."""

import calendar
import datetime
import math
from dataclasses import dataclass
from functools import lru_cache

from django.db import models

EXPIRING_WINDOW_DAYS = 30
# Red/amber/green thresholds for the percentage of staff trained and in date.
GREEN_AT_PERCENT = 90
AMBER_AT_PERCENT = 70


class Status(models.TextChoices):
    IN_DATE = "in_date", "In date"
    EXPIRING = "expiring", "Expires within 30 days"
    OVERDUE = "overdue", "Overdue"
    REFRESHER_DUE = "refresher_due", "Refresher due (new version)"
    NEVER_COMPLETED = "never_completed", "Never completed"


COMPLIANT_STATUSES = frozenset({Status.IN_DATE, Status.EXPIRING})

STATUS_TAG_CLASSES = {
    Status.IN_DATE: "nhsuk-tag--green",
    Status.EXPIRING: "nhsuk-tag--yellow",
    Status.OVERDUE: "nhsuk-tag--red",
    Status.REFRESHER_DUE: "nhsuk-tag--orange",
    Status.NEVER_COMPLETED: "nhsuk-tag--grey",
}


@lru_cache(maxsize=4096)
def add_months(start: datetime.date, months: int) -> datetime.date:
    """``start`` plus ``months`` months, clamped to the end of a shorter month (31 Jan + 1 = 28 or 29 Feb)."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def expiry_date(completed_on: datetime.date, refresh_months: int) -> datetime.date:
    """The day a refresher is due: the completion counts through this date; from the next day the
    person is overdue."""
    return add_months(completed_on, refresh_months)


@dataclass(frozen=True)
class ModuleRules:
    """What the status rules need to know about a module, taken from one query."""

    id: int
    refresh_months: int
    current_version: int
    # version number -> the date the next version superseded it (absent for the current version)
    superseded_on: dict[int, datetime.date]


@dataclass(frozen=True)
class ModuleStatus:
    status: Status
    # The refresher's due date (the last day in date), or the date a newer version made it out of date.
    due_on: datetime.date | None
    completed_on: datetime.date | None = None
    version_number: int | None = None

    @property
    def is_compliant(self) -> bool:
        return self.status in COMPLIANT_STATUSES

    @property
    def label(self) -> str:
        return self.status.label

    @property
    def tag_class(self) -> str:
        return STATUS_TAG_CLASSES[self.status]


NEVER = ModuleStatus(Status.NEVER_COMPLETED, None)


def status_for(
    rules: ModuleRules,
    latest: tuple[datetime.date, int] | None,
    today: datetime.date,
) -> ModuleStatus:
    """Status of one person for one module from their latest completion ``(completed_on, version number)``."""
    if latest is None:
        return NEVER
    completed_on, version_number = latest
    expires_on = expiry_date(completed_on, rules.refresh_months)
    if expires_on < today:
        return ModuleStatus(Status.OVERDUE, expires_on, completed_on, version_number)
    if version_number < rules.current_version:
        superseded = rules.superseded_on.get(version_number, today)
        return ModuleStatus(Status.REFRESHER_DUE, superseded, completed_on, version_number)
    if (expires_on - today).days <= EXPIRING_WINDOW_DAYS:
        return ModuleStatus(Status.EXPIRING, expires_on, completed_on, version_number)
    return ModuleStatus(Status.IN_DATE, expires_on, completed_on, version_number)


class Rag(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    NONE = "none", "No staff in scope"


def rag_for(percent: float | None) -> Rag:
    if percent is None:
        return Rag.NONE
    if percent >= GREEN_AT_PERCENT:
        return Rag.GREEN
    if percent >= AMBER_AT_PERCENT:
        return Rag.AMBER
    return Rag.RED


RAG_TAG_CLASSES = {
    Rag.GREEN: "nhsuk-tag--green",
    Rag.AMBER: "nhsuk-tag--yellow",
    Rag.RED: "nhsuk-tag--red",
    Rag.NONE: "nhsuk-tag--grey",
}


def percent(part: int, whole: int) -> float | None:
    if whole == 0:
        return None
    return round(100 * part / whole, 1)


# The training figure the dashboard, the readiness summary and the ICB overview all show.
TRAINED_STAFF_DEFINITION = (
    "Counts your active technical support staff who are in date for every training module that "
    "applies to their role. Someone who has not done every module, or whose refresher is overdue, "
    "is not counted. Staff who have left are not included."
)


@dataclass(frozen=True)
class TrainedStaff:
    """How many active technical support staff are trained and in date: in date for every module
    that applies to their role (the one definition; see ``TRAINED_STAFF_DEFINITION``)."""

    trained: int
    staff: int

    @property
    def percent(self) -> float | None:
        """Unrounded, so that 2,499 of 2,500 is not shown (or counted) as 100%."""
        return None if not self.staff else 100.0 * self.trained / self.staff

    @property
    def percent_text(self) -> str:
        """Rounded down, for the same reason: "99%" for 2,499 of 2,500."""
        return "" if self.percent is None else f"{math.floor(self.percent)}%"

    @property
    def description(self) -> str:
        """E.g. "2 of 5 technical support staff (40%) are trained and in date"."""
        if not self.staff:
            return "No technical support staff are named"
        return (
            f"{self.trained} of {self.staff} technical support staff ({self.percent_text}) "
            "are trained and in date"
        )

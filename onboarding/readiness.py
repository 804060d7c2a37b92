"""The readiness rule: four checks, each met / partly met / missing, and the overall status.

Pure functions over plain values so the rule is tested as a table and the ICB overview can apply
exactly the same rule to thousands of organisations read in bulk.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from .models import ReadinessStatus

# The last day the legacy Identity Agent works; CIS1 is retired at the end of February 2027.
CIS1_RETIREMENT_DATE = datetime.date(2027, 2, 28)


class ItemState:
    MET = "met"
    PARTLY_MET = "partly_met"
    MISSING = "missing"

    LABELS = {MET: "Done", PARTLY_MET: "In progress", MISSING: "Not done"}


# The NHS.UK tag colour of each overall status and each check's state: the one place pages take it from.
TAG_CLASSES = {
    ReadinessStatus.READY: "nhsuk-tag--green",
    ReadinessStatus.NEARLY_READY: "nhsuk-tag--yellow",
    ReadinessStatus.NOT_READY: "nhsuk-tag--red",
    ItemState.MET: "nhsuk-tag--green",
    ItemState.PARTLY_MET: "nhsuk-tag--yellow",
    ItemState.MISSING: "nhsuk-tag--red",
}


@dataclass(frozen=True)
class ReadinessItem:
    key: str
    title: str
    state: str
    detail: str
    action: str = ""  # what to do next, empty when the item is met
    action_url: str = ""
    action_label: str = ""

    @property
    def state_label(self) -> str:
        return ItemState.LABELS[self.state]

    @property
    def is_met(self) -> bool:
        return self.state == ItemState.MET

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES[self.state]


def describe_checks(*, ra: str, plan: str, training: str, cis1: str) -> str:
    """One line naming each check's state, for the timeline."""
    return "; ".join(
        f"{title}: {ItemState.LABELS[state].lower()}"
        for title, state in (
            ("RA support", ra),
            ("authenticator plan", plan),
            ("technical staff trained", training),
            ("no CIS1 applications", cis1),
        )
    )


def overall_status(states: Iterable[str]) -> str:
    """Ready when every check is met; not ready when any is missing; nearly ready otherwise."""
    states = list(states)
    if not states or any(state == ItemState.MISSING for state in states):
        return ReadinessStatus.NOT_READY
    if all(state == ItemState.MET for state in states):
        return ReadinessStatus.READY
    return ReadinessStatus.NEARLY_READY


# The readiness check for each ``ra_requests.support.RASupportState``: met only when support is
# arranged; in progress while a request to get set up is open (whoever it waits for).
RA_SUPPORT_CHECK_STATES = {
    "arranged": ItemState.MET,
    "requested": ItemState.PARTLY_MET,
    "waiting_for_organisation": ItemState.PARTLY_MET,
    "declined": ItemState.MISSING,
    "not_arranged": ItemState.MISSING,
}


def ra_state(support_state: str) -> str:
    """The RA check's state for an ``ra_requests.support.RASupportState`` value."""
    return RA_SUPPORT_CHECK_STATES[support_state]


def plan_state(*, has_plan: bool, covers_every_application: bool) -> str:
    if not has_plan:
        return ItemState.MISSING
    return ItemState.MET if covers_every_application else ItemState.PARTLY_MET


def training_state(*, active_staff: int, percent_trained: float | None) -> str:
    """Met at 100% of technical staff trained and in date; partly met when some are."""
    if not active_staff or percent_trained is None or percent_trained <= 0:
        return ItemState.MISSING
    return ItemState.MET if percent_trained >= 100 else ItemState.PARTLY_MET


def cis1_state(*, applications_known: bool, cis1_application_count: int, today: datetime.date) -> str:
    """CIS1 apps still in use are partly met until the retirement date and missing after it."""
    if not applications_known:
        return ItemState.MISSING
    if cis1_application_count == 0:
        return ItemState.MET
    return ItemState.PARTLY_MET if today <= CIS1_RETIREMENT_DATE else ItemState.MISSING


def days_until_cis1_retirement(today: datetime.date) -> int:
    return (CIS1_RETIREMENT_DATE - today).days

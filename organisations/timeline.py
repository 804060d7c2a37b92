"""The shape every part uses to contribute to an organisation's timeline.

Each feature app exposes ``selectors.timeline_events_for_organisation(organisation)`` returning a
list of these; the readiness wizard merges them into one chronological view.
"""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class TimelineEvent:
    occurred_at: datetime.datetime
    category: str  # "readiness", "ra_request", "authenticator_plan", "training"
    title: str
    detail: str = ""
    url: str = ""
    actor: str = ""

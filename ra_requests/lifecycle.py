"""The RA request lifecycle in one table: which named transition leads from which statuses to which.

``services.transition_ra_request`` applies them; the admin offers ``allowed_transitions``.
"""

import datetime

from .models import RARequest, Status

REOPEN_WITHIN = datetime.timedelta(days=30)

# The whole lifecycle: transition name -> (statuses it may start from, status it leads to).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "acknowledge": ((Status.SUBMITTED, Status.REROUTED), Status.ACKNOWLEDGED),
    "start": ((Status.SUBMITTED, Status.REROUTED, Status.ACKNOWLEDGED), Status.IN_PROGRESS),
    "ask_organisation": ((Status.ACKNOWLEDGED, Status.IN_PROGRESS), Status.WAITING_FOR_ORGANISATION),
    "organisation_replied": ((Status.WAITING_FOR_ORGANISATION,), Status.IN_PROGRESS),
    "resolve": (
        (Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING_FOR_ORGANISATION),
        Status.RESOLVED,
    ),
    "decline": (
        (
            Status.SUBMITTED,
            Status.REROUTED,
            Status.ACKNOWLEDGED,
            Status.IN_PROGRESS,
            Status.WAITING_FOR_ORGANISATION,
        ),
        Status.DECLINED,
    ),
    "reroute": ((Status.DECLINED,), Status.REROUTED),
    "reopen": ((Status.RESOLVED, Status.DECLINED), Status.SUBMITTED),
}
TRANSITION_LABELS = {
    "acknowledge": "Acknowledge",
    "start": "Start work",
    "ask_organisation": "Ask the organisation for information (pauses the clock)",
    "organisation_replied": "Record the organisation's reply",
    "resolve": "Resolve",
    "decline": "Decline",
    "reroute": "Re-route to the national RA team",
    "reopen": "Reopen",
}
# Transitions RA staff make in the admin; the organisation makes the others from its pages.
PROVIDER_TRANSITIONS = ("acknowledge", "start", "ask_organisation", "resolve", "decline")


def allowed_transitions(request: RARequest, names=PROVIDER_TRANSITIONS) -> list[str]:
    return [name for name in names if request.status in TRANSITIONS[name][0]]


def reopen_deadline(request: RARequest) -> datetime.datetime | None:
    """Until when a closed request may be reopened (None while it is open)."""
    return request.closed_at + REOPEN_WITHIN if request.closed_at else None


def can_reopen(request: RARequest, now: datetime.datetime) -> bool:
    deadline = reopen_deadline(request)
    return request.status in TRANSITIONS["reopen"][0] and deadline is not None and now <= deadline


def can_reroute_to_national(request: RARequest) -> bool:
    """Declined for a reason whose next step is the national RA team."""
    return request.status in TRANSITIONS["reroute"][0] and request.offers_national_reroute

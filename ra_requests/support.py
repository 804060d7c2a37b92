"""What "RA support arranged" means for an organisation: the one rule every page, export and email uses.

An organisation has RA support arranged when a provider is confirmed as its RA (it told the
wizard who its RA is, or a provider resolved one of its requests to get set up) and none of its
requests to get set up is still open, or was declined with no next step to take. A request only
to unlock or renew one person's smartcard says nothing about whether the organisation is set up.

``selectors.ra_support_status`` / ``selectors.ra_support_statuses`` read the requests and call
``support_status_from`` here; this module does no database access.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models

from .models import OPEN_STATUSES, HelpNeeded, RARequest, Status

# Help that is about one person's existing smartcard, not about getting the organisation set up.
NOT_SETUP_HELP = frozenset({HelpNeeded.UNLOCK_RENEW})


class WaitingFor(models.TextChoices):
    # Labels read after "waiting for".
    RA_TEAM = "ra_team", "the RA team"
    ORGANISATION = "organisation", "the organisation"
    NOBODY = "nobody", "nobody"


class RASupportState(models.TextChoices):
    ARRANGED = "arranged", "Arranged"
    REQUESTED = "requested", "Requested: waiting for the RA team"
    WAITING_FOR_ORGANISATION = "waiting_for_organisation", "Waiting for the organisation"
    DECLINED = "declined", "Request declined"
    NOT_ARRANGED = "not_arranged", "Not arranged"


def waiting_for(status: str, *, has_next_step: bool) -> str:
    """Who has to act next on a request in ``status``."""
    if status == Status.WAITING_FOR_ORGANISATION:
        return WaitingFor.ORGANISATION
    if status in OPEN_STATUSES:
        return WaitingFor.RA_TEAM
    if status == Status.DECLINED and has_next_step:
        return WaitingFor.ORGANISATION
    return WaitingFor.NOBODY


def is_setup_request(help_codes: Iterable[str]) -> bool:
    return any(code not in NOT_SETUP_HELP for code in help_codes)


@dataclass(frozen=True)
class RequestStanding:
    """Where one request stands, in words a page can show as they are."""

    request_id: int
    reference: str
    status: str
    status_label: str
    provider_name: str
    is_setup: bool
    waiting_for: str
    sla_due_at: datetime.datetime | None
    is_overdue: bool
    next_step_label: str = ""
    next_step_guidance: str = ""
    provider_id: int | None = None
    # When ``is_overdue`` turns true with no write (the deadline passing); None if it cannot:
    # already overdue, no deadline, or paused (resuming is a write, which moves the deadline).
    turns_overdue_after: datetime.datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def waiting_for_label(self) -> str:
        return WaitingFor(self.waiting_for).label

    @property
    def description(self) -> str:
        """One line for lists and exports, e.g. "RA-000002: Submitted, waiting for the RA team (overdue)"."""
        text = f"{self.reference}: {self.status_label}"
        if self.waiting_for != WaitingFor.NOBODY:
            text += f", waiting for {self.waiting_for_label}"
        if self.is_overdue:
            text += " (overdue)"
        return text

    @classmethod
    def of(cls, request: RARequest, *, now: datetime.datetime) -> RequestStanding:
        is_overdue = request.is_overdue(now)
        due = request.sla_due_at()
        return cls(
            request_id=request.pk,
            reference=request.reference,
            status=request.status,
            status_label=request.get_status_display(),
            provider_name=request.provider.name,
            is_setup=is_setup_request(request.help_needed_list),
            waiting_for=waiting_for(request.status, has_next_step=bool(request.next_step)),
            sla_due_at=due,
            is_overdue=is_overdue,
            next_step_label=request.next_step,
            next_step_guidance=request.next_step_guidance,
            provider_id=request.provider_id,
            turns_overdue_after=due if due and not is_overdue and not request.is_paused else None,
        )


@dataclass(frozen=True)
class RASupportStatus:
    """An organisation's RA support: arranged or not, who confirmed it, and each request's standing."""

    state: str
    confirmed_by: str  # the provider confirmed as the organisation's RA, "" if none
    confirmed_by_reference: str  # the resolved request that confirmed it, "" if the organisation told us
    requests: tuple[RequestStanding, ...] = ()  # newest first, open and closed
    blocking: tuple[RequestStanding, ...] = ()  # the set-up requests that stop support counting as arranged

    @property
    def is_arranged(self) -> bool:
        return self.state == RASupportState.ARRANGED

    @property
    def state_label(self) -> str:
        return RASupportState(self.state).label

    @property
    def open_requests(self) -> tuple[RequestStanding, ...]:
        return tuple(request for request in self.requests if request.is_open)

    @property
    def latest_declined(self) -> RequestStanding | None:
        """The newest set-up request when it was declined (what to do next is its next step)."""
        setup = [request for request in self.requests if request.is_setup]
        return setup[0] if setup and setup[0].status == Status.DECLINED else None

    @property
    def next_turns_overdue_after(self) -> datetime.datetime | None:
        """The earliest moment past which one of the requests turns overdue with no write: until
        then, this status stays true as it is."""
        return min((r.turns_overdue_after for r in self.requests if r.turns_overdue_after), default=None)

    def standing_of(self, request_id) -> RequestStanding | None:
        return next((request for request in self.requests if request.request_id == request_id), None)

    @property
    def summary(self) -> str:
        """One line naming the state, who confirmed support and every open request, for the ICB overview."""
        if self.is_arranged:
            text = f"Arranged with {self.confirmed_by}"
        elif self.state == RASupportState.DECLINED and self.latest_declined is not None:
            declined = self.latest_declined
            text = f"Not arranged: {declined.reference} declined"
            if declined.next_step_label:
                text += f" (next step: {declined.next_step_label[0].lower()}{declined.next_step_label[1:]})"
        elif self.state == RASupportState.NOT_ARRANGED:
            text = "Not arranged"
        else:
            text = f"Not arranged yet ({self.state_label[0].lower()}{self.state_label[1:]})"
        opened = "; ".join(request.description for request in self.open_requests)
        return f"{text}. Open: {opened}" if opened else text


def support_status_from(
    requests: Iterable[RARequest], *, declared_provider: str = "", now: datetime.datetime
) -> RASupportStatus:
    """The rule, over one organisation's requests (any order) and the RA it told us it has."""
    standings = tuple(
        RequestStanding.of(request, now=now)
        for request in sorted(requests, key=lambda r: (r.created_at, r.pk), reverse=True)
    )
    setup = [request for request in standings if request.is_setup]
    resolved = next((request for request in setup if request.status == Status.RESOLVED), None)
    # A decline with no next step only counts until a later request is resolved.
    since_resolved = setup[: setup.index(resolved)] if resolved else setup
    blocking = tuple(
        request
        for request in setup
        if request.is_open
        or (request in since_resolved and request.status == Status.DECLINED and not request.next_step_label)
    )
    confirmed_by = declared_provider.strip() or (resolved.provider_name if resolved else "")
    if confirmed_by and not blocking:
        state = RASupportState.ARRANGED
    elif any(request.waiting_for == WaitingFor.ORGANISATION for request in blocking if request.is_open):
        state = RASupportState.WAITING_FOR_ORGANISATION
    elif any(request.is_open for request in blocking):
        state = RASupportState.REQUESTED
    elif setup and setup[0].status == Status.DECLINED:
        state = RASupportState.DECLINED
    else:
        state = RASupportState.NOT_ARRANGED
    return RASupportStatus(
        state=state,
        confirmed_by=confirmed_by,
        confirmed_by_reference="" if declared_provider.strip() or not resolved else resolved.reference,
        requests=standings,
        blocking=blocking,
    )

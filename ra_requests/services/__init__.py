"""Every change to an RA request goes through here: submission, the named transitions, routing.

Each function is atomic; emails are written to the outbox in the same transaction (sending
happens after commit). Transitions lock the row and check the version the caller saw, so two RA
staff acting on the same request cannot silently overwrite each other.

The functions live in ``submission`` (new requests, successor ICBs) and ``transitions`` (the named
transitions, assignment, re-routing); this package keeps every public name importable from
``ra_requests.services``.
"""

from ..escalations import run_escalations
from ..lifecycle import (
    PROVIDER_TRANSITIONS,
    REOPEN_WITHIN,
    TRANSITION_LABELS,
    TRANSITIONS,
    allowed_transitions,
    can_reopen,
    can_reroute_to_national,
    reopen_deadline,
)
from ..routing import Route, route_for_organisation
from .forwarding import can_forward_to_local_provider, forward_to_local_provider, local_provider_for
from .submission import choose_successor_icb, submit_ra_request
from .transitions import (
    acknowledge_ra_request,
    add_note_to_ra_request,
    ask_organisation,
    assign_ra_request,
    change_route,
    decline_ra_request,
    reopen_ra_request,
    reply_to_ra_request,
    reroute_to_national,
    resolve_ra_request,
    start_work_on_ra_request,
    transition_ra_request,
)

__all__ = [
    "PROVIDER_TRANSITIONS",
    "REOPEN_WITHIN",
    "TRANSITIONS",
    "TRANSITION_LABELS",
    "Route",
    "acknowledge_ra_request",
    "add_note_to_ra_request",
    "allowed_transitions",
    "ask_organisation",
    "assign_ra_request",
    "can_forward_to_local_provider",
    "can_reopen",
    "can_reroute_to_national",
    "change_route",
    "choose_successor_icb",
    "decline_ra_request",
    "forward_to_local_provider",
    "local_provider_for",
    "reopen_deadline",
    "reopen_ra_request",
    "reply_to_ra_request",
    "reroute_to_national",
    "resolve_ra_request",
    "route_for_organisation",
    "run_escalations",
    "start_work_on_ra_request",
    "submit_ra_request",
    "transition_ra_request",
]

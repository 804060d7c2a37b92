"""The named transitions of an RA request, assignment and re-routing by a national administrator."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from organisations.models import RAProvider
from organisations.selectors import national_ra_team

from .. import emails
from ..escalations import refresh_clock
from ..lifecycle import TRANSITION_LABELS, TRANSITIONS, can_reopen, can_reroute_to_national
from ..models import (
    CLOSED_STATUSES,
    DeclineReason,
    RARequest,
    RARequestEvent,
    Status,
)
from ..selectors import ra_team_for_request
from ..sla import working_time_between
from .common import _lock, _record, _start_cycle


@transaction.atomic
def transition_ra_request(
    request: RARequest,
    *,
    transition: str,
    acting_user,
    comment: str = "",
    decline_reason: str = "",
    expected_version: int | None = None,
) -> RARequest:
    """Apply one named transition. Refuses illegal ones and stale versions with a ValidationError.

    Writes a timeline event, emails the organisation's contact about the new status and, when the
    request moves to a provider afresh (re-route, reopen), emails that provider. A local decline
    that leaves no local alternative also sends the national RA team the details and timeline.
    """
    if transition not in TRANSITIONS:
        raise ValidationError(f"Unknown action '{transition}'")
    request = _lock(request, expected_version)
    sources, target = TRANSITIONS[transition]
    if request.status not in sources:
        raise ValidationError(
            f"You cannot {TRANSITION_LABELS[transition].lower()} a request that is "
            f"'{request.get_status_display().lower()}'."
        )
    now = timezone.now()
    from_status = request.status
    new_cycle = False

    if transition == "decline":
        if not decline_reason or not DeclineReason.objects.active().filter(code=decline_reason).exists():
            raise ValidationError({"decline_reason": "Select why you are declining the request"})
        request.decline_reason = decline_reason
        request.__dict__.pop("decline_reason_details", None)
    if transition == "reroute":
        national = national_ra_team()
        if not can_reroute_to_national(request):
            raise ValidationError("This request was declined for a reason that does not allow re-routing.")
        if national is None or national.pk == request.provider_id:
            raise ValidationError(
                "The national RA team has declined this request: there is nowhere else to send it."
            )
        reason = (
            f"{request.provider.name} declined it ({emails.lower_first(request.decline_reason_label)}); "
            "the national RA team takes requests that no local provider can handle."
        )
        request.provider, request.routing_reason = national, reason
        request.decline_reason = ""
        new_cycle = True
    if transition == "reopen":
        if not can_reopen(request, now):
            raise ValidationError("A request can only be reopened within 30 days of being closed.")
        request.decline_reason = ""
        new_cycle = True

    if from_status == Status.WAITING_FOR_ORGANISATION and request.paused_at:
        request.paused_seconds += int(working_time_between(request.paused_at, now).total_seconds())
        request.paused_at = None
    if target == Status.WAITING_FOR_ORGANISATION:
        request.paused_at = now
    if target in (Status.ACKNOWLEDGED, Status.IN_PROGRESS) and request.acknowledged_at is None:
        request.acknowledged_at = now
    if target in CLOSED_STATUSES:
        request.closed_at = now
    if new_cycle:
        request.sla_cycle += 1
        _start_cycle(request, now)

    request.status = target
    refresh_clock(request)
    request._history_user = acting_user
    request.save()
    event = _record(
        request,
        kind=RARequestEvent.Kind.STATUS,
        actor=acting_user,
        from_status=from_status,
        to_status=target,
        comment=comment.strip(),
        now=now,
    )
    emails.queue_status_change_to_organisation(request, event)
    if new_cycle:
        emails.queue_routed_to_provider(request)
    if target == Status.DECLINED and request.offers_national_reroute:
        national = national_ra_team()
        if national is not None and national.pk != request.provider_id:
            emails.queue_declined_to_national(request, national)
    return request


def acknowledge_ra_request(request, *, acting_user, comment="", expected_version=None):
    return transition_ra_request(
        request,
        transition="acknowledge",
        acting_user=acting_user,
        comment=comment,
        expected_version=expected_version,
    )


def start_work_on_ra_request(request, *, acting_user, comment="", expected_version=None):
    return transition_ra_request(
        request,
        transition="start",
        acting_user=acting_user,
        comment=comment,
        expected_version=expected_version,
    )


def ask_organisation(request, *, acting_user, comment, expected_version=None):
    if not comment.strip():
        raise ValidationError({"comment": "Say what you need from the organisation"})
    return transition_ra_request(
        request,
        transition="ask_organisation",
        acting_user=acting_user,
        comment=comment,
        expected_version=expected_version,
    )


def reply_to_ra_request(request, *, acting_user, comment, expected_version=None):
    """The organisation answers a question; the clock restarts."""
    if not comment.strip():
        raise ValidationError({"comment": "Enter your reply"})
    return transition_ra_request(
        request,
        transition="organisation_replied",
        acting_user=acting_user,
        comment=comment,
        expected_version=expected_version,
    )


def resolve_ra_request(request, *, acting_user, comment="", expected_version=None):
    return transition_ra_request(
        request,
        transition="resolve",
        acting_user=acting_user,
        comment=comment,
        expected_version=expected_version,
    )


def decline_ra_request(request, *, reason, acting_user, comment="", expected_version=None):
    return transition_ra_request(
        request,
        transition="decline",
        acting_user=acting_user,
        comment=comment,
        decline_reason=reason,
        expected_version=expected_version,
    )


def reroute_to_national(request, *, acting_user, expected_version=None):
    """The organisation accepts a decline's next step: send the request to the national RA team."""
    return transition_ra_request(
        request, transition="reroute", acting_user=acting_user, expected_version=expected_version
    )


def reopen_ra_request(request, *, acting_user, comment, expected_version=None):
    if not comment.strip():
        raise ValidationError({"comment": "Say why you are reopening the request"})
    return transition_ra_request(
        request,
        transition="reopen",
        acting_user=acting_user,
        comment=comment,
        expected_version=expected_version,
    )


@transaction.atomic
def add_note_to_ra_request(request: RARequest, *, acting_user, comment: str) -> RARequestEvent:
    """Record a note on the timeline without changing the status, open or closed, and email it to
    the organisation's contact (one outbox row per note, so retrying the email never repeats it)."""
    if not comment.strip():
        raise ValidationError({"comment": "Write the note to the organisation"})
    event = _record(request, kind=RARequestEvent.Kind.NOTE, actor=acting_user, comment=comment.strip())
    emails.queue_note_to_organisation(request, event)
    return event


@transaction.atomic
def assign_ra_request(request: RARequest, *, assignee, acting_user, expected_version=None) -> RARequest:
    """Assign the request to a member of its provider's RA team (``assignee=None`` unassigns it).

    Records it on the timeline and, unless people assign themselves, emails the assignee.
    """
    request = _lock(request, expected_version)
    if assignee is not None and not ra_team_for_request(request).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": f"Choose a member of {request.provider.name}'s RA team"})
    request.assigned_to = assignee
    request._history_user = acting_user
    request.save(update_fields=["assigned_to", "version", "updated_at"])
    event = _record(
        request,
        kind=RARequestEvent.Kind.ASSIGNED,
        actor=acting_user,
        comment=f"Assigned to {assignee.display_name}" if assignee else "Unassigned",
    )
    if assignee is not None and assignee != acting_user:
        emails.queue_assigned_to_member(request, event)
    return request


@transaction.atomic
def change_route(
    request: RARequest, *, provider: RAProvider, reason: str, acting_user, expected_version=None
) -> RARequest:
    """A national administrator sends an open request to another provider; the clock restarts."""
    if not reason.strip():
        raise ValidationError({"routing_reason": "Say why the request is being re-routed"})
    request = _lock(request, expected_version)
    if not request.is_open:
        raise ValidationError("Only open requests can be re-routed. Reopen it first.")
    if not provider.is_active:
        raise ValidationError({"provider": f"{provider.name} has closed: choose an active provider"})
    if provider.pk == request.provider_id:
        raise ValidationError({"provider": f"The request is already with {provider.name}"})
    now = timezone.now()
    old = request.provider.name
    request.provider, request.routing_reason = provider, reason.strip()
    request.status = Status.SUBMITTED
    request.sla_cycle += 1
    _start_cycle(request, now)
    refresh_clock(request)
    request._history_user = acting_user
    request.save()
    _record(
        request,
        kind=RARequestEvent.Kind.ROUTING,
        actor=acting_user,
        comment=f"Moved from {old} to {provider.name}: {reason.strip()}",
        now=now,
    )
    emails.queue_routed_to_provider(request)
    return request

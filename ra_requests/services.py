"""Every change to an RA request goes through here: submission, the named transitions, routing.

Each function is atomic; emails are written to the outbox in the same transaction (sending
happens after commit). Transitions lock the row and check the version the caller saw, so two RA
staff acting on the same request cannot silently overwrite each other.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from organisations.models import Organisation, RAProvider
from organisations.selectors import national_ra_team
from organisations.services import update_organisation_icb

from . import emails
from .escalations import refresh_clock, run_escalations
from .lifecycle import (
    PROVIDER_TRANSITIONS,
    REOPEN_WITHIN,
    TRANSITION_LABELS,
    TRANSITIONS,
    allowed_transitions,
)
from .models import (
    CLOSED_STATUSES,
    NEXT_STEP_FOR_REASON,
    DeclineReason,
    HelpNeeded,
    NextStep,
    RARequest,
    RARequestEvent,
    Status,
)
from .routing import Route, route_for_organisation
from .sla import working_time_between

__all__ = [
    "PROVIDER_TRANSITIONS",
    "REOPEN_WITHIN",
    "TRANSITIONS",
    "TRANSITION_LABELS",
    "Route",
    "acknowledge_ra_request",
    "allowed_transitions",
    "ask_organisation",
    "assign_ra_request",
    "change_route",
    "choose_successor_icb",
    "decline_ra_request",
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


def _record(request, *, kind, actor, comment="", from_status="", to_status="", now=None) -> RARequestEvent:
    return RARequestEvent.objects.create(
        request=request,
        occurred_at=now or timezone.now(),
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
    )


def _start_cycle(request: RARequest, now: datetime.datetime) -> None:
    request.sla_started_at = now
    request.paused_at = None
    request.paused_seconds = 0
    request.acknowledged_at = None
    request.closed_at = None
    request.escalation_level = 0


def _lock(request: RARequest, expected_version: int | None) -> RARequest:
    locked = (
        RARequest.objects.select_for_update(of=("self",))
        .select_related("organisation", "organisation__icb", "provider")
        .get(pk=request.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(
            f"Someone else changed this request while you were looking at it (it is now "
            f"'{locked.get_status_display()}'). Reload the page, check the timeline and try again."
        )
    # Claim the version: a writer that read the same version before our lock now updates 0 rows.
    claimed = RARequest.objects.filter(pk=locked.pk, version=locked.version).update(version=F("version") + 1)
    if not claimed:
        raise ValidationError("Someone else changed this request at the same moment. Reload and try again.")
    locked.version += 1
    return locked


def _validate_help_needed(help_needed: list[str]) -> list[str]:
    valid = [code for code in HelpNeeded.values if code in set(help_needed)]
    if not valid or len(valid) != len(set(help_needed)):
        raise ValidationError({"help_needed": "Select the help your organisation needs"})
    return valid


@transaction.atomic
def submit_ra_request(
    organisation: Organisation,
    *,
    submitted_by,
    help_needed: list[str],
    staff_affected: int,
    needed_by: datetime.date,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
    already_tried: str,
    charge_acknowledged: bool,
) -> RARequest:
    """Route and save a new request; emails the provider and confirms to the organisation's contact."""
    errors = {}
    if not charge_acknowledged:
        errors["charge_acknowledged"] = "Confirm that you understand RA support may be charged for"
    if staff_affected is None or staff_affected < 1:
        errors["staff_affected"] = "Number of staff affected must be 1 or more"
    if needed_by is None:
        errors["needed_by"] = "Enter the date you need help by"
    elif needed_by < timezone.localdate():
        errors["needed_by"] = "Date needed by must be today or in the future"
    for field, value, label in (
        ("contact_name", contact_name, "Enter a contact name"),
        ("contact_phone", contact_phone, "Enter a contact phone number"),
        ("contact_email", contact_email, "Enter a contact email address"),
        ("already_tried", already_tried, "Tell us what your organisation has already tried"),
    ):
        if not (value or "").strip():
            errors[field] = label
    if "contact_email" not in errors:
        try:
            validate_email(contact_email.strip())
        except ValidationError:
            errors["contact_email"] = "Enter an email address in the correct format, like name@example.nhs.uk"
    try:
        help_codes = _validate_help_needed(help_needed)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)

    route = route_for_organisation(organisation)
    if route.needs_successor_choice:
        raise ValidationError(
            f"{organisation.icb.name} has closed and was split. Choose which ICB your organisation "
            "now belongs to before sending a request."
        )
    if route.provider is None:
        raise ValidationError(route.reason)

    now = timezone.now()
    request = RARequest(
        organisation=organisation,
        provider=route.provider,
        routing_reason=route.reason,
        status=Status.SUBMITTED,
        help_needed=",".join(help_codes),
        staff_affected=staff_affected,
        needed_by=needed_by,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        contact_email=contact_email.strip(),
        already_tried=already_tried.strip(),
        charge_acknowledged=True,
        submitted_by=submitted_by,
    )
    _start_cycle(request, now)
    refresh_clock(request)
    request._history_user = submitted_by
    request.save()
    event = _record(
        request,
        kind=RARequestEvent.Kind.STATUS,
        actor=submitted_by,
        to_status=Status.SUBMITTED,
        comment=f"Routed to {route.provider.name}",
        now=now,
    )
    emails.queue_routed_to_provider(request)
    emails.queue_status_change_to_organisation(request, event)
    return request


@transaction.atomic
def choose_successor_icb(organisation: Organisation, *, icb: RAProvider, acting_user) -> Organisation:
    """Record which successor of a split ICB the organisation now belongs to."""
    route = route_for_organisation(organisation)
    if icb.pk not in {choice.pk for choice in route.successor_choices}:
        raise ValidationError({"icb": "Select one of the ICBs that took over your old ICB"})
    return update_organisation_icb(organisation, icb=icb, acting_user=acting_user)


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
        if decline_reason not in DeclineReason.values:
            raise ValidationError({"decline_reason": "Select why you are declining the request"})
        request.decline_reason = decline_reason
    if transition == "reroute":
        national = national_ra_team()
        if NEXT_STEP_FOR_REASON.get(request.decline_reason) != NextStep.REROUTE_NATIONAL:
            raise ValidationError("This request was declined for a reason that does not allow re-routing.")
        if national is None or national.pk == request.provider_id:
            raise ValidationError(
                "The national RA team has declined this request: there is nowhere else to send it."
            )
        reason = (
            f"{request.provider.name} declined it ({request.get_decline_reason_display().lower()}); "
            "the national RA team takes requests that no local provider can handle."
        )
        request.provider, request.routing_reason = national, reason
        request.decline_reason = ""
        new_cycle = True
    if transition == "reopen":
        if request.closed_at is None or now - request.closed_at > REOPEN_WITHIN:
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
    if target == Status.DECLINED and request.next_step == NextStep.REROUTE_NATIONAL:
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
def assign_ra_request(request: RARequest, *, assignee, acting_user, expected_version=None) -> RARequest:
    request = _lock(request, expected_version)
    request.assigned_to = assignee
    request._history_user = acting_user
    request.save(update_fields=["assigned_to", "version", "updated_at"])
    _record(request, kind=RARequestEvent.Kind.ASSIGNED, actor=acting_user, comment=f"Assigned to {assignee}")
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

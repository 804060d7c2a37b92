"""Submitting an RA request, and choosing a successor ICB when the organisation's ICB was split."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from organisations.models import Organisation, RAProvider
from organisations.services import update_organisation_icb

from .. import emails
from ..escalations import refresh_clock
from ..models import HelpNeeded, RARequest, RARequestEvent, Status
from ..routing import route_for_organisation
from .common import _record, _start_cycle


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
    idempotency_key: uuid.UUID | None = None,
) -> RARequest:
    """Route and save a new request; emails the provider and confirms to the organisation's contact.

    With ``idempotency_key`` (one per form shown), submitting again with the same key, even at the
    same moment, returns the organisation's first request with that key and sends nothing more.
    """
    if idempotency_key is not None:
        existing = RARequest.objects.filter(
            organisation=organisation, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return existing
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
        idempotency_key=idempotency_key,
    )
    _start_cycle(request, now)
    refresh_clock(request)
    request._history_user = submitted_by
    try:
        # A savepoint: the loser of a race on one key waits for the winner, then returns its request.
        with transaction.atomic():
            request.save()
    except IntegrityError:
        if idempotency_key is None:
            raise
        return RARequest.objects.get(organisation=organisation, idempotency_key=idempotency_key)
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

"""RA teams keep their provider's public directory entry; the national team hears of address changes.

Every change is recorded by django-simple-history with who made it. Emails go through the outbox.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from notifications.services import queue_email, queue_emails

from ..access import ra_provider_for_user
from ..directory_entries import CONFIRMATION_LIFETIME, providers_due_a_confirmation_reminder
from ..emails import SIGNATURE
from ..models import ContactSource, RAProvider
from ..selectors import national_ra_team

ENTRY_FIELDS = (
    "ra_contact_email",
    "ra_contact_phone",
    "ra_web_page",
    "ra_opening_hours",
    "ra_services_offered",
    "ra_services_not_offered",
    "ra_charging_note",
)


def _check_own_provider(provider: RAProvider, acting_user) -> None:
    own = ra_provider_for_user(acting_user)
    if own is None or own.pk != provider.pk:
        raise PermissionDenied("Only the provider's own RA team can confirm its directory entry.")


@transaction.atomic
def update_directory_entry(provider: RAProvider, *, acting_user, **details) -> RAProvider:
    """The provider's RA team saves its contact details; saving confirms them (for six months).

    A new email address clears the bouncing flag and tells the national RA team (one email per change).
    """
    _check_own_provider(provider, acting_user)
    unknown = set(details) - set(ENTRY_FIELDS)
    if unknown:
        raise ValueError(f"Not directory entry fields: {', '.join(sorted(unknown))}")
    provider = RAProvider.objects.select_for_update().get(pk=provider.pk)
    old_email = provider.ra_contact_email
    for name, value in details.items():
        setattr(provider, name, value.strip() if isinstance(value, str) else value)
    if not provider.ra_contact_email:
        raise ValidationError({"ra_contact_email": "Enter the email address organisations should use"})
    email_changed = provider.ra_contact_email.lower() != old_email.lower()
    if email_changed:
        provider.contact_bouncing_since = None
    provider.contact_given_by = ContactSource.RA_TEAM
    provider.contact_confirmed_at = timezone.now()
    provider.contact_confirmed_by = acting_user
    provider._history_user = acting_user
    provider.save()
    if email_changed:
        _tell_national_team_of_new_address(provider, old_email=old_email, acting_user=acting_user)
    return provider


@transaction.atomic
def confirm_directory_entry(provider: RAProvider, *, acting_user) -> RAProvider:
    """The RA team says its entry is still right: confirmed for another six months."""
    _check_own_provider(provider, acting_user)
    if not provider.ra_contact_email:
        raise ValidationError("Add an email address before confirming the entry")
    provider.contact_given_by = ContactSource.RA_TEAM
    provider.contact_confirmed_at = timezone.now()
    provider.contact_confirmed_by = acting_user
    provider._history_user = acting_user
    provider.save(
        update_fields=["contact_given_by", "contact_confirmed_at", "contact_confirmed_by", "updated_at"]
    )
    return provider


@transaction.atomic
def record_contact_from_national_team(
    provider: RAProvider, *, email: str, acting_user, given_by: str = ContactSource.NATIONAL_TEAM
) -> RAProvider:
    """Someone other than the provider's RA team records its address (the national team forwarding
    a request, or a national administrator in the admin): unconfirmed until the RA team confirms it.
    A new address, or none, drops the old confirmation and any bouncing flag."""
    provider = RAProvider.objects.select_for_update().get(pk=provider.pk)
    if provider.ra_contact_email.lower() != email.strip().lower():
        provider.ra_contact_email = email.strip()
        provider.contact_given_by = given_by if provider.ra_contact_email else ""
        provider.contact_confirmed_at = None
        provider.contact_confirmed_by = None
        provider.contact_bouncing_since = None
        provider._history_user = acting_user
        provider.save()
    return provider


@transaction.atomic
def flag_bouncing_contacts(addresses: list[str]) -> int:
    """Mark every provider whose RA contact address is among ``addresses`` as bouncing. Safe to repeat."""
    matching = Q()
    for address in {address.strip() for address in addresses if address.strip()}:
        matching |= Q(ra_contact_email__iexact=address)
    if not matching:
        return 0
    # Only the matching providers are locked: this runs while an outbox row is held.
    providers = list(
        RAProvider.objects.select_for_update().filter(matching, contact_bouncing_since__isnull=True)
    )
    for provider in providers:
        provider.contact_bouncing_since = timezone.now()
        provider.save(update_fields=["contact_bouncing_since", "updated_at"])
    return len(providers)


def _tell_national_team_of_new_address(provider: RAProvider, *, old_email: str, acting_user) -> None:
    national = national_ra_team()
    if national is None or not national.ra_contact_email or national.pk == provider.pk:
        return
    history_id = provider.history.latest().history_id
    queue_email(
        dedupe_key=f"ra_provider:{provider.pk}:email_changed:{history_id}",
        to=[national.ra_contact_email],
        subject=f"RA contact address changed: {provider.name}",
        body=(
            "Hello,\n\n"
            f"{provider.name}'s RA team changed the RA contact address on its directory entry.\n\n"
            f"Was: {old_email or '(none)'}\n"
            f"Now: {provider.ra_contact_email}\n"
            f"Changed by: {acting_user.display_name} ({acting_user.email})\n\n"
            "New requests for its organisations go to the new address.\n\n"
            f"{SIGNATURE}\n"
        ),
        topic=f"ra_provider:{provider.pk}",
    )


def _reminder_body(provider: RAProvider, *, now: datetime.datetime) -> str:
    confirmed = provider.contact_confirmed_at
    stale_on = confirmed + CONFIRMATION_LIFETIME
    if stale_on <= now:
        when = (
            f"Its entry was last confirmed on {confirmed:%-d %B %Y} and is now shown as possibly out of date."
        )
    else:
        when = (
            f"Its entry will be shown as possibly out of date from {stale_on:%-d %B %Y} "
            "unless your team confirms it."
        )
    return (
        "Hello,\n\n"
        f"Organisations find {provider.name}'s RA team through the CIS onboarding portal's directory. "
        f"{when}\n\n"
        "Check the details and confirm them here:\n\n"
        f"{settings.PORTAL_BASE_URL}{reverse('organisations:directory_entry')}\n\n"
        f"{SIGNATURE}\n"
    )


def send_confirmation_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind each provider's RA team, 14 days before its entry goes stale, to confirm it.

    One email per provider per confirmation (the dedupe key names the confirmation time), so running
    the job again in the same cycle sends nothing more. Returns how many emails were newly queued.
    """
    now = now or timezone.now()
    reminders = []
    for provider in providers_due_a_confirmation_reminder(now=now):
        recipients = [m.user.email for m in provider.team_members.all() if m.user.is_active]
        confirmed = provider.contact_confirmed_at
        reminders.append(
            {
                "dedupe_key": f"ra_provider:{provider.pk}:confirm_reminder:{confirmed:%Y%m%dT%H%M%S}",
                "to": recipients or [provider.ra_contact_email],
                "subject": f"Please confirm {provider.name}'s RA contact details",
                "body": _reminder_body(provider, now=now),
                "topic": f"ra_provider:{provider.pk}",
            }
        )
    return queue_emails(reminders)

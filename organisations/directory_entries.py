"""The state of an RA provider's public directory entry: one definition for every page, export and job.

An entry is *confirmed* when the provider's own RA team confirmed its contact details within the last six
months, *stale* after that, *unconfirmed* when the details came from someone else (the national team, an
administrator) or were never confirmed, *bouncing* when mail to its address failed permanently, and has
*no contact* when no email address is on record.
"""

import datetime
from dataclasses import dataclass

from django.db.models import TextChoices
from django.utils import timezone

from .models import RAProvider

CONFIRMATION_LIFETIME = datetime.timedelta(days=183)
REMINDER_NOTICE = datetime.timedelta(days=14)


class EntryState(TextChoices):
    NO_CONTACT = "no_contact", "No contact on record"
    BOUNCING = "bouncing", "Email bouncing"
    UNCONFIRMED = "unconfirmed", "Unconfirmed"
    STALE = "stale", "Stale"
    CONFIRMED = "confirmed", "Confirmed"


@dataclass(frozen=True)
class EntryStatus:
    state: EntryState
    confirmed_at: datetime.datetime | None
    stale_from: datetime.datetime | None

    @property
    def label(self) -> str:
        return self.state.label

    @property
    def is_current(self) -> bool:
        return self.state == EntryState.CONFIRMED

    @property
    def tag_class(self) -> str:
        """NHS.UK tag colour for the state; the tag always says the state in words too."""
        return TAG_CLASSES[self.state]


TAG_CLASSES = {
    EntryState.NO_CONTACT: "nhsuk-tag--red",
    EntryState.BOUNCING: "nhsuk-tag--red",
    EntryState.UNCONFIRMED: "nhsuk-tag--yellow",
    EntryState.STALE: "nhsuk-tag--yellow",
    EntryState.CONFIRMED: "nhsuk-tag--green",
}


def stale_from(provider: RAProvider) -> datetime.datetime | None:
    if provider.contact_confirmed_at is None:
        return None
    return provider.contact_confirmed_at + CONFIRMATION_LIFETIME


def entry_status(provider: RAProvider, *, now: datetime.datetime | None = None) -> EntryStatus:
    now = now or timezone.now()
    goes_stale = stale_from(provider)
    if not provider.ra_contact_email:
        state = EntryState.NO_CONTACT
    elif provider.contact_bouncing_since is not None:
        state = EntryState.BOUNCING
    elif goes_stale is None:
        state = EntryState.UNCONFIRMED
    elif goes_stale <= now:
        state = EntryState.STALE
    else:
        state = EntryState.CONFIRMED
    return EntryStatus(state=state, confirmed_at=provider.contact_confirmed_at, stale_from=goes_stale)


def providers_due_a_confirmation_reminder(*, now: datetime.datetime | None = None):
    """Active providers with a contact whose confirmation runs out within the reminder notice (or has)."""
    now = now or timezone.now()
    return (
        RAProvider.objects.active()
        .exclude(ra_contact_email="")
        .filter(
            contact_confirmed_at__isnull=False,
            contact_confirmed_at__lte=now - CONFIRMATION_LIFETIME + REMINDER_NOTICE,
        )
        .prefetch_related("team_members__user")
    )

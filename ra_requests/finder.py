"""Who gives an organisation its RA support, and how to reach them: the public "Find your RA" answer.

Plain reads. The answer starts from what the portal knows of an ODS code (a registered organisation's
record first, then the open ODS data), follows ICB closures the way routing does, and names the local RA
provider (the ICB, or the CSU or national team it names as its RA support) with its directory entry.
"""

from dataclasses import dataclass

from django.db.models import Q

from organisations.directory_entries import EntryState, EntryStatus, entry_status
from organisations.models import KnownOrganisation, RAProvider
from organisations.selectors import active_icb, national_ra_team, ods_lookup
from organisations.validators import is_ods_code, normalise_ods_code

from .routing import NOT_GIVEN, route_for_icb


class SupportKind:
    ICB = "icb"
    ON_BEHALF = "on_behalf"
    NATIONAL = "national"


@dataclass(frozen=True)
class RASupport:
    """The local RA provider for one ICB, and what is on record about it."""

    published_icb: RAProvider
    icb: RAProvider | None
    icb_changes: list[str]
    successor_choices: list[RAProvider]
    provider: RAProvider | None
    kind: str
    entry: EntryStatus | None
    national: RAProvider | None
    # Where a request sent through the portal goes today (routing): the provider above unless it
    # cannot take requests by email, then the ICB or the national team.
    routes_to: RAProvider | None = None

    @property
    def icb_changed(self) -> bool:
        return bool(self.icb_changes)

    @property
    def has_usable_contact(self) -> bool:
        return self.entry is not None and self.entry.state in {
            EntryState.CONFIRMED,
            EntryState.UNCONFIRMED,
            EntryState.STALE,
        }


@dataclass(frozen=True)
class OrganisationAnswer:
    ods_code: str
    name: str
    postcode: str
    support: RASupport | None
    likely_icb: RAProvider | None = None


def ra_support_for_icb(icb: RAProvider, *, national=NOT_GIVEN) -> RASupport:
    """``national`` lets a caller showing many answers look the national team up once."""
    current, changes, choices = active_icb(icb)
    if national is NOT_GIVEN:
        national = national_ra_team()
    provider, kind = None, ""
    if current is not None:
        support = current.ra_support_provider
        if support is not None and support.pk != current.pk and support.is_active:
            provider = support
            kind = SupportKind.NATIONAL if support.kind == RAProvider.Kind.NATIONAL else SupportKind.ON_BEHALF
        else:
            provider, kind = current, SupportKind.ICB
    elif not choices:
        provider, kind = national, SupportKind.NATIONAL
    return RASupport(
        published_icb=icb,
        icb=current,
        icb_changes=changes,
        successor_choices=choices,
        provider=provider,
        kind=kind,
        entry=entry_status(provider) if provider is not None else None,
        national=national,
        routes_to=route_for_icb(icb, national=national).provider,
    )


def answer_for_ods_code(ods_code: str) -> OrganisationAnswer | None:
    """The answer for a code, or None when the open data does not list it."""
    lookup = ods_lookup(ods_code)
    if not lookup.is_known:
        return None
    known = lookup.known
    return OrganisationAnswer(
        ods_code=known.ods_code,
        name=known.name,
        postcode=known.postcode,
        support=ra_support_for_icb(known.icb) if known.icb is not None else None,
        likely_icb=lookup.likely_icb,
    )


def is_known_ods_code(text: str) -> bool:
    return KnownOrganisation.objects.filter(ods_code=normalise_ods_code(text)).exists()


def looks_like_ods_code(text: str) -> bool:
    """An ODS code rather than a name: three-letter words such as "ASH" have the shape of one too."""
    return is_ods_code(text) and any(c.isdigit() for c in text)


def search_known_organisations(text: str):
    """Known organisations whose name or postcode holds every word of ``text`` (case and spaces ignored)."""
    words = text.upper().split()
    if not words:
        return KnownOrganisation.objects.none()
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    # A postcode typed with or without its space matches either way.
    condition |= Q(search_text__contains="".join(words))
    return KnownOrganisation.objects.filter(condition).select_related("icb").order_by("name", "ods_code")

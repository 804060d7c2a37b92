"""Directory health for national administrators: each active provider's entry and who depends on it.

A provider's dependants are the organisations whose local RA support it gives (their ICB, followed
through closures, is it or names it as its RA support), counted among registered organisations and
among the GP practices in the open ODS data; open requests are those routed to it now.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from organisations.directory_entries import EntryState, EntryStatus, entry_status
from organisations.models import KnownOrganisation, Organisation, RAProvider
from organisations.selectors import national_ra_team

from .finder import ra_support_for_icb
from .models import OPEN_STATUSES, RARequest


@dataclass(frozen=True)
class ProviderHealth:
    provider: RAProvider
    entry: EntryStatus
    registered_organisations: int
    known_practices: int
    open_requests: int


def _local_provider_by_icb() -> dict[int, int]:
    """ICB id -> id of the provider that gives its organisations RA support (split ICBs are left out)."""
    national = national_ra_team()
    icbs = (
        RAProvider.objects.icbs()
        .select_related("ra_support_provider")
        .prefetch_related("successors__ra_support_provider")
    )
    mapping = {}
    for icb in icbs:
        support = ra_support_for_icb(icb, national=national)
        if support.provider is not None:
            mapping[icb.pk] = support.provider.pk
    return mapping


def _counts_by_provider(rows, local_provider: dict[int, int]) -> Counter:
    counts: Counter = Counter()
    for icb_id, count in rows:
        if icb_id in local_provider:
            counts[local_provider[icb_id]] += count
    return counts


def directory_health(*, state: str = "", kind: str = "", region: str = "") -> list[ProviderHealth]:
    """Every active provider (filtered), most urgent first: no contact, bouncing, stale, unconfirmed."""
    local_provider = _local_provider_by_icb()
    registered = _counts_by_provider(
        Organisation.objects.values_list("icb_id").annotate(n=Count("pk")).order_by(), local_provider
    )
    known = _counts_by_provider(
        KnownOrganisation.objects.filter(icb__isnull=False)
        .values_list("icb_id")
        .annotate(n=Count("pk"))
        .order_by(),
        local_provider,
    )
    open_requests = dict(
        RARequest.objects.filter(status__in=OPEN_STATUSES)
        .values_list("provider_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    providers = RAProvider.objects.active().select_related("contact_confirmed_by")
    if kind:
        providers = providers.filter(kind=kind)
    if region:
        providers = providers.filter(region=region)
    rows = [
        ProviderHealth(
            provider=provider,
            entry=entry_status(provider),
            registered_organisations=registered[provider.pk],
            known_practices=known[provider.pk],
            open_requests=open_requests.get(provider.pk, 0),
        )
        for provider in providers
    ]
    if state:
        rows = [row for row in rows if row.entry.state == state]
    urgency = [
        EntryState.NO_CONTACT,
        EntryState.BOUNCING,
        EntryState.STALE,
        EntryState.UNCONFIRMED,
        EntryState.CONFIRMED,
    ]
    return sorted(rows, key=lambda row: (urgency.index(row.entry.state), row.provider.name))


def provider_regions() -> list[str]:
    return list(
        RAProvider.objects.active()
        .exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )

"""Reads for RA requests: the organisation's pages, the readiness wizard and the timeline."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from organisations.models import Organisation, RAProvider
from organisations.timeline import TimelineEvent

from .emails import topic_for
from .models import OPEN_STATUSES, RARequest, RARequestEvent, Status


@dataclass(frozen=True)
class ResolvedRequest:
    """The organisation's most recently created request that ended with RA support arranged."""

    request_id: int
    reference: str
    provider_name: str


@dataclass(frozen=True)
class RAStatus:
    """An organisation's RA request standing: its latest open request, and its latest resolved one.

    The open-request fields (``request_id`` to ``is_overdue``) are empty when nothing is open;
    ``ra_status_for_organisation`` then returns None instead.
    """

    request_id: int | None
    reference: str
    status: str
    status_label: str
    provider: RAProvider | None
    sla_due_at: datetime.datetime | None
    is_paused: bool
    is_overdue: bool
    last_resolved: ResolvedRequest | None = None

    @property
    def has_open_request(self) -> bool:
        return self.request_id is not None

    @property
    def has_resolved_request(self) -> bool:
        return self.last_resolved is not None


NO_OPEN_REQUEST = RAStatus(
    request_id=None,
    reference="",
    status="",
    status_label="",
    provider=None,
    sla_due_at=None,
    is_paused=False,
    is_overdue=False,
)


def ra_requests_for_organisation(organisation: Organisation):
    return RARequest.objects.for_organisation(organisation).select_related("provider").order_by("-created_at")


def get_ra_request_for_organisation(organisation: Organisation, pk: int) -> RARequest:
    """404-safe lookup: the caller gets DoesNotExist for another organisation's request."""
    return RARequest.objects.select_related("provider", "organisation", "organisation__icb").get(
        organisation=organisation, pk=pk
    )


def ra_status_for_organisation(organisation: Organisation) -> RAStatus | None:
    """The latest open request's status, provider and SLA, or None when nothing is open."""
    status = ra_statuses_for_organisations([organisation.pk])[organisation.pk]
    return status if status.has_open_request else None


def ra_statuses_for_organisations(organisation_ids: Iterable[int]) -> dict[int, RAStatus]:
    """{organisation id: RAStatus} for every id given, in one query whatever their number.

    ``organisation_ids`` may be a list or a QuerySet of ids (``values_list("pk", flat=True)``); a
    QuerySet is used as a subquery (one more query reads the ids), so thousands of ids never
    become thousands of parameters.
    An organisation with no open request gets ``NO_OPEN_REQUEST`` (with ``last_resolved`` set if
    a request of its was ever resolved). The per-organisation ``ra_status_for_organisation`` is
    this function for one id, so the two cannot disagree.
    """
    ids = list(organisation_ids)
    if not isinstance(organisation_ids, QuerySet):
        organisation_ids = ids
    now = timezone.now()
    latest_open: dict[int, RARequest] = {}
    latest_resolved: dict[int, RARequest] = {}
    requests = (
        RARequest.objects.filter(
            organisation__in=organisation_ids, status__in=[*OPEN_STATUSES, Status.RESOLVED]
        )
        .select_related("provider")
        .order_by("organisation_id", "-created_at", "-pk")
    )
    for request in requests:
        latest = latest_open if request.is_open else latest_resolved
        latest.setdefault(request.organisation_id, request)

    statuses = {}
    for organisation_id in ids:
        resolved = latest_resolved.get(organisation_id)
        last_resolved = (
            ResolvedRequest(resolved.pk, resolved.reference, resolved.provider.name) if resolved else None
        )
        request = latest_open.get(organisation_id)
        if request is None:
            statuses[organisation_id] = (
                replace(NO_OPEN_REQUEST, last_resolved=last_resolved) if last_resolved else NO_OPEN_REQUEST
            )
            continue
        statuses[organisation_id] = RAStatus(
            request_id=request.pk,
            reference=request.reference,
            status=request.status,
            status_label=request.get_status_display(),
            provider=request.provider,
            sla_due_at=request.sla_due_at(),
            is_paused=request.is_paused,
            is_overdue=request.is_overdue(now),
            last_resolved=last_resolved,
        )
    return statuses


def routed_provider_ids_by_icb() -> dict[int, int | None]:
    """{ICB id: id of the provider its organisations' requests route to today (None if none)}, for
    every ICB with organisations, in three queries."""
    from organisations.selectors import national_ra_team

    from .routing import route_for_icb

    national = national_ra_team()
    icbs = (
        RAProvider.objects.icbs()
        .filter(organisations__isnull=False)
        .distinct()
        .select_related("ra_support_provider")
        .prefetch_related("successors__ra_support_provider")
    )
    routes = {icb.pk: route_for_icb(icb, national=national).provider for icb in icbs}
    return {icb_id: provider.pk if provider else None for icb_id, provider in routes.items()}


def icb_ids_routed_to(provider: RAProvider) -> list[int]:
    """Ids of the ICBs (with organisations) whose organisations' requests route to ``provider`` today."""
    return [icb_id for icb_id, routed in routed_provider_ids_by_icb().items() if routed == provider.pk]


def organisations_supported_by(provider: RAProvider):
    """Organisations whose requests route to ``provider`` today, plus any with an open request there."""
    return Organisation.objects.filter(
        Q(icb_id__in=icb_ids_routed_to(provider))
        | Q(ra_requests__provider=provider, ra_requests__status__in=OPEN_STATUSES)
    ).distinct()


def events_for_request(request: RARequest):
    return (
        RARequestEvent.objects.filter(request=request).select_related("actor").order_by("occurred_at", "pk")
    )


def request_timeline(request: RARequest) -> list[TimelineEvent]:
    """Status changes, replies and escalations, and every email sent, in time order."""
    from notifications.selectors import emails_for_topic

    url = reverse("ra_requests:detail", args=[request.organisation.ods_code, request.pk])
    items = [
        TimelineEvent(
            occurred_at=event.occurred_at,
            category="ra_request",
            title=event.title,
            detail=event.comment,
            url=url,
            actor=event.actor.display_name if event.actor else "",
        )
        for event in events_for_request(request)
    ]
    items += [
        TimelineEvent(
            occurred_at=email.sent_at,
            category="ra_request",
            title=f"Email sent: {email.subject}",
            detail=f"To {', '.join(email.to)}",
            url=url,
        )
        for email in emails_for_topic(topic_for(request)).sent()
    ]
    return sorted(items, key=lambda item: item.occurred_at)


def timeline_events_for_organisation(organisation: Organisation) -> list[TimelineEvent]:
    events = (
        RARequestEvent.objects.filter(request__organisation=organisation)
        .select_related("actor", "request")
        .order_by("occurred_at", "pk")
    )
    return [
        TimelineEvent(
            occurred_at=event.occurred_at,
            category="ra_request",
            title=f"RA request {event.request.reference}: {event.title}",
            detail=event.comment,
            url=reverse("ra_requests:detail", args=[organisation.ods_code, event.request_id]),
            actor=event.actor.display_name if event.actor else "",
        )
        for event in events
    ]

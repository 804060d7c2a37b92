"""Reads for RA requests: the organisation's pages, the readiness wizard and the timeline."""

from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from organisations.models import Organisation, RAProvider
from organisations.timeline import ActorNames, TimelineEvent

from .emails import topic_for
from .models import OPEN_STATUSES, DeclineReason, RARequest, RARequestEvent
from .support import RASupportStatus, support_status_from


def ra_requests_for_organisation(organisation: Organisation):
    return RARequest.objects.for_organisation(organisation).select_related("provider").order_by("-created_at")


def get_ra_request_for_organisation(organisation: Organisation, pk: int) -> RARequest:
    """404-safe lookup: the caller gets DoesNotExist for another organisation's request."""
    return RARequest.objects.select_related("provider", "organisation", "organisation__icb").get(
        organisation=organisation, pk=pk
    )


def contact_defaults(organisation: Organisation, user) -> dict[str, str]:
    """What the request form starts with: the contact on this user's latest request for the
    organisation, else on the organisation's latest request, else the user's own name and email."""
    fields = ("contact_name", "contact_phone", "contact_email")
    requests = RARequest.objects.for_organisation(organisation).order_by("-created_at", "-pk")
    latest = requests.filter(submitted_by=user).values(*fields).first() or requests.values(*fields).first()
    defaults = {"contact_name": user.get_full_name(), "contact_phone": "", "contact_email": user.email}
    return {name: (latest or {}).get(name) or value for name, value in defaults.items()}


def ra_support_status(organisation: Organisation, *, declared_provider: str = "") -> RASupportStatus:
    """Whether ``organisation`` has RA support arranged, and where each of its requests stands.

    ``declared_provider``: the RA the organisation told us it has ("" if it has not said); the
    wizard keeps that answer, so ``onboarding.selectors.ra_support_for_organisation`` passes it.
    The rule itself is ``support.support_status_from``. One query.
    """
    return ra_support_statuses([organisation.pk], declared_providers={organisation.pk: declared_provider})[
        organisation.pk
    ]


def ra_support_statuses(
    organisation_ids: Iterable[int], *, declared_providers: Mapping[int, str] | None = None
) -> dict[int, RASupportStatus]:
    """{organisation id: RASupportStatus} for every id given, the same answer as ``ra_support_status``
    for each, in one query whatever their number.

    ``organisation_ids`` may be a list or a QuerySet of ids (``values_list("pk", flat=True)``); a
    QuerySet is used as a subquery (one more query reads the ids), so thousands of ids never
    become thousands of parameters. ``declared_providers``: {organisation id: the RA it told us it has}.
    """
    ids = list(organisation_ids)
    if not isinstance(organisation_ids, QuerySet):
        organisation_ids = ids
    declared_providers = declared_providers or {}
    now = timezone.now()
    by_organisation: dict[int, list[RARequest]] = defaultdict(list)
    requests = (
        RARequest.objects.filter(organisation__in=organisation_ids)
        .select_related("provider")
        .only(*_STANDING_FIELDS)
        .order_by()  # support_status_from puts them in order itself
    )
    for request in with_decline_reasons(requests):
        by_organisation[request.organisation_id].append(request)
    return {
        organisation_id: support_status_from(
            by_organisation.get(organisation_id, ()),
            declared_provider=declared_providers.get(organisation_id, ""),
            now=now,
        )
        for organisation_id in ids
    }


def with_decline_reasons(requests) -> list[RARequest]:
    """The requests, each with its decline reason already loaded: one query for all the declined
    ones (none when nothing is declined) instead of one per request."""
    requests = list(requests)
    codes = {request.decline_reason for request in requests if request.decline_reason}
    reasons = {}
    if codes:
        reasons = {reason.code: reason for reason in DeclineReason.objects.filter(code__in=codes)}
    for request in requests:
        # Primes RARequest.decline_reason_details (a cached_property).
        request.__dict__["decline_reason_details"] = reasons.get(request.decline_reason)
    return requests


# What a request's standing is worked out from; the long text fields are never read.
_STANDING_FIELDS = (
    "id",
    "organisation_id",
    "provider__name",
    "status",
    "help_needed",
    "decline_reason",
    "created_at",
    "paused_at",
    "acknowledge_due_at",
    "resolve_due_at",
)


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


def ra_team_for_request(request: RARequest):
    """The active members of the RA team the request is routed to: who it may be assigned to."""
    return (
        get_user_model()
        .objects.filter(ra_team_membership__provider_id=request.provider_id, is_active=True)
        .order_by("first_name", "last_name", "email")
    )


def events_for_request(request: RARequest):
    return (
        RARequestEvent.objects.filter(request=request).select_related("actor").order_by("occurred_at", "pk")
    )


def request_timeline(request: RARequest) -> list[TimelineEvent]:
    """Status changes, replies and escalations, and every email sent, in time order."""
    from notifications.selectors import emails_for_topic

    url = reverse("ra_requests:detail", args=[request.organisation.ods_code, request.pk])
    actor_name = ActorNames(request.organisation, provider_ids={request.provider_id})
    items = [
        TimelineEvent(
            occurred_at=event.occurred_at,
            category="ra_request",
            title=event.title,
            detail=event.comment,
            url=url,
            actor=actor_name(event.actor),
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
    actor_name = ActorNames(organisation, provider_ids={event.request.provider_id for event in events})
    return [
        TimelineEvent(
            occurred_at=event.occurred_at,
            category="ra_request",
            title=f"RA request {event.request.reference}: {event.title}",
            detail=event.comment,
            url=reverse("ra_requests:detail", args=[organisation.ods_code, event.request_id]),
            actor=actor_name(event.actor),
        )
        for event in events
    ]

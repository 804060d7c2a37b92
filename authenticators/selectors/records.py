"""Reads of the catalogue and of one organisation's plan records, as models or engine specs."""

from collections.abc import Iterable

from django.db.models import Prefetch
from django.urls import reverse

from cis_portal.compiled_queries import CompiledQuery
from organisations.models import Organisation
from organisations.timeline import ActorNames, TimelineEvent

from .. import rules
from ..models import (
    AUTHENTICATOR_SPEC_FIELDS,
    Application,
    Authenticator,
    EstateFacts,
    PlanEvent,
    UserGroup,
    authenticator_spec,
)

CATALOGUE_APPLICATIONS = CompiledQuery(lambda: Application.objects.catalogue().order_by("name"), ())
CATALOGUE_AUTHENTICATORS = CompiledQuery(lambda: Authenticator.objects.order_by("slug"), ())


def catalogue_applications() -> list[Application]:
    """Catalogue applications (not organisations' local ones), by name. For the chooser and the
    wizard's application step."""
    return CATALOGUE_APPLICATIONS.instances()


def catalogue_authenticators() -> list[Authenticator]:
    return CATALOGUE_AUTHENTICATORS.instances()


AUTHENTICATOR_SPECS = CompiledQuery(
    lambda: Authenticator.objects.order_by("slug").values_list(*AUTHENTICATOR_SPEC_FIELDS), ()
)


def authenticator_specs() -> list[rules.AuthenticatorSpec]:
    """Every authenticator's spec, by slug, reading only the columns the engine uses."""
    return [
        authenticator_spec(dict(zip(AUTHENTICATOR_SPEC_FIELDS, row, strict=True)))
        for row in AUTHENTICATOR_SPECS.rows()
    ]


def catalogue_specs_for_slugs(slugs: Iterable[str]) -> tuple[list[rules.ApplicationSpec], list[str]]:
    """Specs for the given catalogue slugs, and the slugs that are not in the catalogue."""
    wanted = set(slugs)
    found = [a.to_spec() for a in Application.objects.catalogue().filter(slug__in=wanted)]
    return found, sorted(wanted - {a.slug for a in found})


def inventory_for(organisation: Organisation):
    """The applications the organisation uses, catalogue and local, by name."""
    return Application.objects.filter(inventory_entries__organisation=organisation).order_by("name")


def estate_for(organisation: Organisation) -> rules.EstateFacts:
    estate = EstateFacts.objects.filter(organisation=organisation).first()
    return estate.to_spec() if estate else rules.EstateFacts()


def user_groups_for(organisation: Organisation):
    return (
        UserGroup.objects.filter(organisation=organisation)
        .prefetch_related(
            Prefetch("applications", queryset=Application.objects.order_by("name")),
            Prefetch("chosen_authenticators", queryset=Authenticator.objects.order_by("slug")),
        )
        .order_by("name")
    )


def timeline_events_for_organisation(organisation: Organisation) -> list[TimelineEvent]:
    """Changes to the organisation's authenticator plan, newest first."""
    url = reverse("authenticators:plan", args=[organisation.ods_code])
    actor_name = ActorNames(organisation)
    return [
        TimelineEvent(
            occurred_at=event.occurred_at,
            category="authenticator_plan",
            title=event.title,
            detail=event.detail,
            url=url,
            actor=actor_name(event.actor),
        )
        for event in PlanEvent.objects.filter(organisation=organisation).select_related("actor")
    ]

"""Where an organisation's RA request goes, and why. Plain functions: they read, never write.

Rules, in order:
1. Start from the organisation's ICB. If it has closed, follow its successors: one successor is
   followed automatically; several (a split) means the organisation must say which it now
   belongs to, so the route carries ``successor_choices`` and no provider.
2. The active ICB's RA support provider (a CSU or the national team) is tried first, then the
   ICB itself. The first that is active and has an RA contact email that is not bouncing gets the request.
3. Otherwise (or when ``exclude`` lists providers that have declined) the national RA team.
"""

from dataclasses import dataclass, field

from organisations.models import Organisation, RAProvider
from organisations.selectors import active_icb, national_ra_team

NOT_GIVEN = object()


@dataclass(frozen=True)
class Route:
    provider: RAProvider | None
    reason: str
    successor_choices: list[RAProvider] = field(default_factory=list)

    @property
    def needs_successor_choice(self) -> bool:
        return bool(self.successor_choices)


def route_for_organisation(organisation: Organisation, *, exclude: tuple[RAProvider, ...] = ()) -> Route:
    """The provider that should handle a new RA request from ``organisation``, with the reason."""
    return route_for_icb(organisation.icb, exclude=exclude)


def route_for_icb(
    organisation_icb: RAProvider, *, exclude: tuple[RAProvider, ...] = (), national=NOT_GIVEN
) -> Route:
    """Routing depends only on the organisation's ICB; ``national`` lets a caller pass it in once."""
    excluded = {p.pk for p in exclude}
    icb, story, choices = active_icb(organisation_icb)
    if choices:
        return Route(
            provider=None,
            reason=f"{'; '.join(story)}. Tell us which ICB your organisation now belongs to.",
            successor_choices=choices,
        )

    if icb is not None:
        candidates = []
        support = icb.ra_support_provider
        if support is not None and support.pk != icb.pk:
            candidates.append((support, f"{icb.name} gets its RA support from {support.name}"))
        candidates.append((icb, f"{icb.name} gives RA support to its own organisations"))
        for provider, why in candidates:
            if provider.pk in excluded:
                story.append(f"{provider.name} has declined this request")
            elif provider.kind == RAProvider.Kind.NATIONAL and provider.is_active:
                return Route(provider=provider, reason=_sentence(story, why))
            elif not provider.is_active:
                story.append(f"{provider.name} has closed")
            elif not provider.has_contact_email:
                story.append(f"{provider.name} has no RA contact email on record")
            elif provider.contact_bouncing_since is not None:
                story.append(f"emails to {provider.name}'s RA contact address are bouncing")
            else:
                return Route(provider=provider, reason=_sentence(story, why))

    if national is NOT_GIVEN:
        national = national_ra_team()
    if national is None or national.pk in excluded:
        return Route(
            provider=None,
            reason=f"{'; '.join(story)}. No national RA team is on record to take the request.",
        )
    return Route(
        provider=national,
        reason=_sentence(story, "the national RA team takes requests that no local provider can handle"),
    )


def _sentence(story: list[str], why: str) -> str:
    """Reads after "Routed to <provider> because ..."."""
    return "; ".join([*story, why]) + "."

"""``{% your_ra_support organisation %}`` and ``{% ra_contact provider %}``: an organisation's RA support
and a provider's contact, with its last-confirmed date, wherever an organisation needs them."""

from django import template

from organisations.directory_entries import entry_status
from organisations.selectors import national_ra_team

from ..finder import ra_support_for_icb

register = template.Library()

_NATIONAL = "_ra_support_national_team"


def _national_for(context):
    """The national team, looked up once per page however many organisations it shows."""
    if _NATIONAL not in context.render_context:
        context.render_context[_NATIONAL] = national_ra_team()
    return context.render_context[_NATIONAL]


@register.inclusion_tag("ra_requests/includes/your_ra_support.html", takes_context=True)
def your_ra_support(context, organisation):
    """Pages showing many organisations should load ``icb__ra_support_provider`` with them, and the
    successors (with theirs) of any closed ICB, so this adds no query per organisation
    (organisations.selectors.organisation_cards).

    The national team is looked up only when the box names it: when, without it, nobody would take the
    organisation's requests (no active ICB on record, or no local provider with a working contact). A
    split ICB asks the organisation to choose instead. Otherwise ``support.national`` stays None: the
    box never shows it.
    """
    icb = organisation.icb
    support = ra_support_for_icb(icb, national=context.render_context.get(_NATIONAL))
    if (
        support.routes_to is None
        and not support.successor_choices
        and _NATIONAL not in context.render_context
    ):
        support = ra_support_for_icb(icb, national=_national_for(context))
    return {"support": support, "organisation": organisation}


@register.inclusion_tag("ra_requests/includes/ra_contact.html")
def ra_contact(provider):
    return {"provider": provider, "entry": entry_status(provider)}

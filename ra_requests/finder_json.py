"""The Find-your-RA answer as JSON (GET /directory/api/organisations/<ods>)."""

from django.urls import reverse

from .finder import OrganisationAnswer, RASupport


def _provider(provider, request) -> dict | None:
    if provider is None:
        return None
    return {
        "ods_code": provider.ods_code,
        "name": provider.name,
        "kind": provider.kind,
        "page": request.build_absolute_uri(reverse("finder:icb", args=[provider.ods_code]))
        if provider.kind == provider.Kind.ICB
        else None,
    }


def _contact(support: RASupport) -> dict | None:
    provider, entry = support.provider, support.entry
    if provider is None or entry is None:
        return None
    return {
        "state": entry.state.value,
        "state_label": entry.label,
        "last_confirmed_on": entry.confirmed_at.date().isoformat() if entry.confirmed_at else None,
        "email": provider.ra_contact_email or None,
        "phone": provider.ra_contact_phone or None,
        "web_page": provider.ra_web_page or None,
        "opening_hours": provider.ra_opening_hours or None,
        "services_offered": provider.ra_services_offered or None,
        "services_not_offered": provider.ra_services_not_offered or None,
        "charging": provider.ra_charging_note or None,
    }


def support_as_json(support: RASupport, request) -> dict:
    national = support.national
    return {
        "published_icb": _provider(support.published_icb, request),
        "icb": _provider(support.icb, request),
        "icb_changes": support.icb_changes,
        "icb_successor_choices": [_provider(p, request) for p in support.successor_choices],
        "ra_support": {
            "given_by": support.kind or None,
            "provider": _provider(support.provider, request),
            "contact": _contact(support),
        },
        "national_route": {
            "provider": _provider(national, request),
            "email": (national.ra_contact_email or None) if national else None,
            "when": "if your local RA team cannot help, or has no contact on record",
        },
    }


def answer_as_json(answer: OrganisationAnswer, request, *, attribution: str) -> dict:
    return {
        "ods_code": answer.ods_code,
        "name": answer.name,
        "postcode": answer.postcode or None,
        "likely_icb": _provider(answer.likely_icb, request),
        "support": support_as_json(answer.support, request) if answer.support else None,
        "raise_a_request": request.build_absolute_uri(reverse("organisations:signup")),
        "attribution": attribution,
    }

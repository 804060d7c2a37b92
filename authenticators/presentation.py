"""Shapes the engine's results and form fields into what the templates loop over."""

from functools import lru_cache

from django.utils.text import slugify

from . import rules
from .models import AAL, Authenticator, Generation

# get_FOO_display() rebuilds the field's flattened choices on every call; these pages call it per row.
GENERATION_LABELS = dict(Generation.choices)
AAL_LABELS = dict(AAL.choices)
ISSUED_BY_LABELS = dict(Authenticator.IssuedBy.choices)


@lru_cache(maxsize=4096)
def _option_id(name: str, slug: str) -> str:
    # slugify (a regex and a Unicode normalisation) for each of the chooser's options, every request.
    return f"id_{name}_{slugify(slug)}"


def _checkbox_option(name: str, application, selected: set[str]) -> dict:
    generation = GENERATION_LABELS.get(application.cis_generation, application.cis_generation)
    hint = f"{generation}, needs {application.min_aal}"
    if application.supplier:
        hint = f"Supplier: {application.supplier}. {hint}"
    return {
        "value": application.slug,
        "label": application.name,
        "hint": hint,
        "unconfirmed": application.is_unconfirmed,
        "local": application.is_local,
        "checked": application.slug in selected,
        "id": _option_id(name, application.slug),
    }


def checkbox_options(name: str, applications, selected: set[str]) -> list[dict]:
    """One dict per application checkbox.

    The very first gets ``id_<name>_0`` so the error summary can link to it.
    """
    options = [_checkbox_option(name, application, selected) for application in applications]
    if options:
        options[0]["id"] = f"id_{name}_0"
    return options


def application_sections(name: str, applications, selected: set[str]) -> list[dict]:
    """The applications as checkbox groups, one per ``group_label`` in label order.

    Each is ``{"legend", "options"}``; only the first group's first checkbox gets ``id_<name>_0``.
    """
    by_label: dict[str, list] = {}
    for application in applications:
        by_label.setdefault(application.group_label, []).append(application)
    sections = [
        {"legend": label, "options": [_checkbox_option(name, a, selected) for a in group]}
        for label, group in sorted(by_label.items())
    ]
    if sections:
        sections[0]["options"][0]["id"] = f"id_{name}_0"
    return sections


SOURCE_LINK_TEXT_LENGTH = 80


def authenticator_facts(authenticators) -> list[dict]:
    """What the chooser's "About the seven authenticators" list shows for each authenticator.

    Source links are cut to 80 characters for display by slicing (they are plain URLs), not with
    ``truncatechars``, whose per-character Unicode handling cost more than the rest of the list.
    """
    return [
        {
            "label": authenticator.label,
            "aal": authenticator.aal,
            "aal_display": AAL_LABELS.get(authenticator.aal, authenticator.aal),
            "cis1_supported": authenticator.cis1_supported,
            "issued_by": ISSUED_BY_LABELS.get(authenticator.issued_by, authenticator.issued_by),
            "cost_notes": authenticator.cost_notes,
            "notes": authenticator.notes,
            "links": [
                {"url": link, "text": _shortened(link, SOURCE_LINK_TEXT_LENGTH)}
                for link in authenticator.source_links
            ],
        }
        for authenticator in authenticators
    ]


def _shortened(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def matrix_rows(result: rules.Recommendation) -> list[dict]:
    return [
        {
            "application": row.application,
            "cells": [
                {"authenticator": authenticator, "verdict": verdict}
                for authenticator, verdict in zip(result.authenticators, row.verdicts, strict=True)
            ],
        }
        for row in result.rows
    ]


def _either(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def coverage_gap_errors(group_plan, chosen, authenticators) -> list[str]:
    """One error for each application a choice leaves without a way to sign in when another
    authenticator would cover it: the rule the plan's choose page and the wizard both apply."""
    from .selectors import coverage_gaps

    return [
        coverage_gap_error(group_plan.name, gap)
        for gap in coverage_gaps(group_plan, chosen, authenticators)
        if gap.can_be_covered
    ]


def coverage_gap_error(group_name: str, gap) -> str:
    """The error for a choice that leaves ``gap`` (a ``selectors.CoverageGap`` that can be covered)."""
    works = "it works" if len(gap.covered_by) == 1 else "each works"
    return (
        f"{group_name} would have no way to sign in to {gap.application}. "
        f"Add {_either(gap.covered_by)}: {works} with {gap.application}."
    )


def uncoverable_warning(group_name: str, applications) -> str:
    """The warning for applications no authenticator the estate allows can sign in to."""
    return (
        f"No authenticator you can use signs in to {_either(applications).replace(' or ', ' and ')} "
        f"for {group_name}, given what you told us about your estate."
    )

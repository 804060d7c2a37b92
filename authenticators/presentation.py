"""Shapes the engine's results and form fields into what the templates loop over."""

from django.utils.text import slugify

from . import rules


def checkbox_options(name: str, applications, selected: set[str], prefix: str = "") -> list[dict]:
    """One dict per application checkbox.

    The very first gets ``id_<name>_0`` so the error summary can link to it.
    """
    options = []
    for application in applications:
        hint = f"{application.get_cis_generation_display()}, needs {application.min_aal}"
        if application.supplier:
            hint = f"Supplier: {application.supplier}. {hint}"
        options.append(
            {
                "value": application.slug,
                "label": application.name,
                "hint": hint,
                "unconfirmed": application.is_unconfirmed,
                "local": application.is_local,
                "checked": application.slug in selected,
                "id": f"id_{name}_{slugify(application.slug)}",
            }
        )
    if options and prefix in ("", "s0"):
        options[0]["id"] = f"id_{name}_0"
    return options


def radio_options(bound_field) -> list[dict]:
    value = bound_field.value()
    options = []
    for index, (choice_value, label) in enumerate(bound_field.field.choices):
        options.append(
            {
                "value": choice_value,
                "label": label,
                "checked": str(value) == str(choice_value),
                "id": f"id_{bound_field.name}_{index}",
            }
        )
    return options


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

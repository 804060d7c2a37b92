"""Loads the authenticator and application catalogue from authenticators.json and applications.json.

Idempotent: rows are matched on slug. Fields that come from the files are refreshed from them;
rows somebody added in the admin are left alone. Values the sources leave uncertain keep their
``confidence`` so the pages can show them as unconfirmed.

The JSON files say what each authenticator needs but not, as flags, which estate facts rule it
out. ``ESTATE_FLAGS`` below reads those off the files' notes and cis-facts.md §3:
phone-based AAL2 methods need a smartphone and are for personal devices; Windows Hello needs TPM
2.0 and is bound to one device; the iPad app needs organisation-owned iPads.
"""

import json
from pathlib import Path

from django.db import transaction

from . import rules
from .models import Application, Authenticator

ESTATE_FLAGS = {
    "smartcard": {
        "personal_item": "NHS smartcard (supplied by NHS England, issued by your RA), one per person",
        "needs_purchase": True,  # card readers
    },
    "windows-hello": {"requires_tpm": True, "bound_to_one_device": True},
    "security-key": {
        "personal_item": "FIDO2 security key certified Level 2 or higher (bought locally), one per person",
        "needs_purchase": True,
    },
    "ipad-app": {
        "personal_item": "iPad with Touch ID or Face ID, one per person",
        "needs_purchase": True,
        "requires_ipad": True,
    },
    "passkey": {"requires_smartphone": True, "personal_device_only": True},
    "microsoft-authenticator": {"requires_smartphone": True, "personal_device_only": True},
    "nhs-net-connect": {"requires_smartphone": True, "personal_device_only": True},
}

# The personal item is counted separately, so drop it from the per-device hardware list.
PERSONAL_HARDWARE_PREFIXES = ("NHS smartcard issued", "FIDO2 security key", "iPad with Touch ID")

COST_NOTES = {
    "smartcard": "Cards are supplied by NHS England; ordering and issuing them is the local RA's job, "
    "and RA support may be charged for. Card readers are bought locally.",
    "windows-hello": "No extra hardware if the devices already have TPM 2.0.",
    "security-key": "Bought locally; NHS sources give no price.",
    "ipad-app": "Needs organisation-owned iPads and an Apple Business set-up.",
    "passkey": "No new technology: uses the person's own phone or computer.",
    "microsoft-authenticator": "The app is free.",
    "nhs-net-connect": "Uses an existing NHS.net Connect account and the free Microsoft Authenticator app.",
}


def _authenticator_fields(row: dict) -> dict:
    flags = ESTATE_FLAGS.get(row["slug"], {})
    hardware = [h for h in row.get("needs_hardware", []) if not h.startswith(PERSONAL_HARDWARE_PREFIXES)]
    return {
        "name": row["name"],
        "aal": row["aal"],
        "cis1_supported": bool(row.get("cis1_supported")),
        "needs_hscn": bool(row.get("needs_hscn")),
        "hardware": hardware,
        "software": list(row.get("needs_software", [])),
        "personal_item": flags.get("personal_item", ""),
        "needs_purchase": flags.get("needs_purchase", False),
        "requires_smartphone": flags.get("requires_smartphone", False),
        "requires_tpm": flags.get("requires_tpm", False),
        "requires_ipad": flags.get("requires_ipad", False),
        "personal_device_only": flags.get("personal_device_only", False),
        "bound_to_one_device": flags.get("bound_to_one_device", False),
        "issued_by": row.get("issued_by", "either"),
        "cost_notes": COST_NOTES.get(row["slug"], ""),
        "notes": row.get("notes", ""),
        "source_url": row.get("source_url", ""),
    }


def _application_fields(row: dict) -> dict:
    return {
        "name": row["name"],
        "supplier": row.get("supplier_or_owner", ""),
        "cis_generation": row["cis_generation"],
        "min_aal": row["min_aal"],
        "confidence": row.get("confidence", ""),
        "notes": row.get("notes", ""),
        "source_url": row.get("source_url", ""),
    }


def authenticator_specs_from_file(source_dir: Path) -> list[rules.AuthenticatorSpec]:
    """The engine's view of authenticators.json, without the database (used by the table tests)."""
    rows = json.loads((source_dir / "authenticators.json").read_text(encoding="utf-8"))
    return [Authenticator(slug=row["slug"], **_authenticator_fields(row)).to_spec() for row in rows]


def application_specs_from_file(source_dir: Path) -> list[rules.ApplicationSpec]:
    rows = json.loads((source_dir / "applications.json").read_text(encoding="utf-8"))
    return [Application(slug=row["slug"], **_application_fields(row)).to_spec() for row in rows]


def _upsert(model, slug: str, fields: dict, **lookup) -> bool:
    obj = model.objects.filter(slug=slug, **lookup).first()
    if obj is None:
        model.objects.create(slug=slug, **fields)
        return True
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, fields[name])
    if changed:
        obj.save()
    return False


@transaction.atomic
def load(source_dir: Path) -> str:
    authenticators = json.loads((source_dir / "authenticators.json").read_text(encoding="utf-8"))
    applications = json.loads((source_dir / "applications.json").read_text(encoding="utf-8"))
    created_auth = sum(
        _upsert(Authenticator, row["slug"], _authenticator_fields(row)) for row in authenticators
    )
    created_apps = sum(
        _upsert(Application, row["slug"], _application_fields(row), organisation__isnull=True)
        for row in applications
    )
    unconfirmed = Application.objects.catalogue().filter(confidence="low").count()
    return (
        f"Authenticator catalogue: {len(authenticators)} authenticators ({created_auth} new), "
        f"{len(applications)} applications ({created_apps} new, {unconfirmed} marked unconfirmed)"
    )

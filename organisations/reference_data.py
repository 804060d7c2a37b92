"""Loads the ICB and CSU directory from reference_data/icbs.csv and csus.csv.

Idempotent: rows are matched on ODS code, so a second run updates rather than duplicates, and it
never overwrites an RA contact email or RA-support link that somebody has set in the admin.
"""

import csv
import datetime
from pathlib import Path

from django.db import transaction

from . import ods_data
from .models import RAProvider

# The sources give no ODS code for the national RA team; NHS England's own code stands in.
NATIONAL_RA_TEAM_CODE = "X24"
NATIONAL_RA_TEAM_NOTE = (
    "NHS England's national RA team. Its email address is redacted in the stored sources "
    "(UNCONFIRMED): a national administrator must fill it in."
)


def _parse_status(raw: str) -> tuple[str, datetime.date | None]:
    word, _, date_text = raw.strip().partition(" ")
    if word == "closed":
        return RAProvider.Status.CLOSED, datetime.date.fromisoformat(date_text)
    return RAProvider.Status.ACTIVE, None


def _upsert(ods_code: str, **fields) -> tuple[RAProvider, bool]:
    provider = RAProvider.objects.filter(ods_code=ods_code).first()
    if provider is None:
        return RAProvider.objects.create(ods_code=ods_code, **fields), True
    changed = [name for name, value in fields.items() if getattr(provider, name) != value]
    for name in changed:
        setattr(provider, name, fields[name])
    if changed:
        provider.save()
    return provider, False


@transaction.atomic
def load(source_dir: Path) -> str:
    created = 0
    successors_by_code: dict[str, list[str]] = {}
    with open(source_dir / "icbs.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            status, closed_on = _parse_status(row["status"])
            note_parts = [row["note"].strip()] if row["note"].strip() else []
            if row["status"].startswith("new"):
                note_parts.insert(0, f"Formed {row['status'].split(' ', 1)[1]} by merger.")
            note_parts.append("RA contact email not given by any source: to be filled in.")
            _, was_created = _upsert(
                row["ods_code"].strip(),
                name=row["name"].strip(),
                kind=RAProvider.Kind.ICB,
                region=row["region"].strip(),
                region_code=row["region_code"].strip(),
                ons_code=row["ons_code"].strip(),
                status=status,
                closed_on=closed_on,
                source_note=" ".join(note_parts),
            )
            created += was_created
            codes = [code.strip() for code in row["successor_ods_codes"].split(";") if code.strip()]
            successors_by_code[row["ods_code"].strip()] = codes

    with open(source_dir / "csus.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            _, was_created = _upsert(
                row["ods_code"].strip(),
                name=row["name"].strip(),
                kind=RAProvider.Kind.CSU,
                source_note=f"UNCONFIRMED status: {row['status_note'].strip()}",
            )
            created += was_created

    _, was_created = _upsert(
        NATIONAL_RA_TEAM_CODE,
        name="National RA team (NHS England)",
        kind=RAProvider.Kind.NATIONAL,
        source_note=NATIONAL_RA_TEAM_NOTE,
    )
    created += was_created

    providers = {p.ods_code: p for p in RAProvider.objects.all()}
    for code, successor_codes in successors_by_code.items():
        if successor_codes:
            providers[code].successors.set([providers[c] for c in successor_codes])

    missing = RAProvider.objects.missing_contact_email().count()
    directory_summary = (
        f"RA directory: {created} created, {len(providers) - created} already present; "
        f"{missing} without an RA contact email (flagged in the admin)"
    )
    # After the ICBs: each known organisation points at its published ICB.
    return f"{directory_summary}\n{ods_data.load(source_dir)}"

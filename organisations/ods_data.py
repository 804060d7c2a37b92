"""Loads the open ODS files listed in reference_data/ods/sources.json into KnownOrganisation.

Each entry of sources.json names a CSV file with the columns ``ods_code``, ``name``, ``postcode``,
``sub_icb_code`` and ``successor_hint`` (the last two may be absent) plus the column that holds the ICB
code (``icb_column``), and the organisation type of its rows. Adding pharmacies or dental practices is a
new CSV and a new entry there: the lookup reads whatever was loaded.

Idempotent and bulk: one upsert per 2,000 rows; rows a source no longer lists are removed.
"""

import csv
import functools
import json
from pathlib import Path

from django.db import transaction

from .models import KnownOrganisation, RAProvider
from .validators import normalise_ods_code

SOURCES_FILE = "sources.json"
BATCH_SIZE = 2000
_UPDATED_FIELDS = [
    "name",
    "postcode",
    "organisation_type",
    "icb",
    "likely_icb",
    "sub_icb_code",
    "source",
    "search_text",
]


@functools.lru_cache(maxsize=4)
def ods_attribution(source_dir: Path) -> str:
    """The licence line the pages showing the data carry; read once per process."""
    return _read_manifest(source_dir)["attribution"]


def _read_manifest(source_dir: Path) -> dict:
    with open(source_dir / "ods" / SOURCES_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def search_text_for(name: str, postcode: str) -> str:
    return f"{name.upper()} {''.join(postcode.split()).upper()}"


def _rows(path: Path, entry: dict, providers: dict[str, RAProvider]):
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["name"].strip()
            postcode = row.get("postcode", "").strip().upper()
            hint = (row.get("successor_hint") or "").strip()
            yield KnownOrganisation(
                ods_code=normalise_ods_code(row["ods_code"]),
                name=name,
                postcode=postcode,
                organisation_type=entry["organisation_type"],
                icb=providers.get(row[entry["icb_column"]].strip()),
                likely_icb=providers.get(hint) if hint else None,
                sub_icb_code=(row.get("sub_icb_code") or "").strip(),
                source=entry["file"],
                search_text=search_text_for(name, postcode),
            )


@transaction.atomic
def load(source_dir: Path) -> str:
    """Upsert every listed file's rows; returns a one-line summary for the command's output."""
    if not (source_dir / "ods" / SOURCES_FILE).exists():
        return "ODS organisations: no reference_data/ods/sources.json, nothing loaded"
    manifest = _read_manifest(source_dir)
    providers = {p.ods_code: p for p in RAProvider.objects.icbs()}
    before = KnownOrganisation.objects.count()
    counts = []
    for entry in manifest["files"]:
        rows = list(_rows(source_dir / "ods" / entry["file"], entry, providers))
        for start in range(0, len(rows), BATCH_SIZE):
            KnownOrganisation.objects.bulk_create(
                rows[start : start + BATCH_SIZE],
                update_conflicts=True,
                unique_fields=["ods_code"],
                update_fields=_UPDATED_FIELDS,
            )
        listed = {row.ods_code for row in rows}
        loaded = KnownOrganisation.objects.filter(source=entry["file"]).values_list("ods_code", flat=True)
        gone = set(loaded) - listed
        for start in range(0, len(gone), BATCH_SIZE):
            KnownOrganisation.objects.filter(ods_code__in=sorted(gone)[start : start + BATCH_SIZE]).delete()
        counts.append(f"{len(rows):,} from {entry['file']}")
    total = KnownOrganisation.objects.count()
    return f"ODS organisations: {', '.join(counts)} ({total - before:+,} rows). {manifest['attribution']}."

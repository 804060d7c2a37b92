"""Loads the proposed training modules from reference_data/training-modules.json.

Idempotent: modules are matched on slug. A module that already exists is left as the admin has
it (title, topics, refresher period, who it applies to); only new modules are created, each with
its first version. The refresher periods in the file are proposals, not NHS requirements, so
every loaded module is marked low confidence and the pages say so.
"""

import json
from pathlib import Path

from django.db import transaction

from .models import StaffRole, TrainingModule

# Which staff each module applies to, where not everyone. A proposal of ours, not from a source, so
# loaded modules keep audience_confidence "low" and the pages show it as a proposal.
APPLIES_TO = {
    "working-with-the-ra": [StaffRole.RA_FACING, StaffRole.SERVICE_DESK, StaffRole.IT_MANAGER],
    "network-browser-config": [StaffRole.INFRASTRUCTURE, StaffRole.DESKSIDE, StaffRole.IT_MANAGER],
}
PROPOSAL_NOTE = "Proposed for this portal: the refresher period is not an NHS requirement."


@transaction.atomic
def load(source_dir: Path) -> str:
    from .services import create_module

    entries = json.loads((source_dir / "training-modules.json").read_text(encoding="utf-8"))
    existing = set(TrainingModule.objects.values_list("slug", flat=True))
    created = 0
    for entry in entries:
        if entry["slug"] in existing:
            continue
        create_module(
            slug=entry["slug"],
            title=entry["title"],
            covers="\n".join(entry["covers"]),
            refresh_months=int(entry["refresh_months"]),
            applies_to_roles=[str(role) for role in APPLIES_TO.get(entry["slug"], [])],
            notes=f"{PROPOSAL_NOTE} {entry.get('notes', '')}".strip(),
        )
        created += 1
    return (
        f"Training modules: {created} created, {len(entries) - created} already present "
        "(refresher periods are proposals, marked low confidence)"
    )

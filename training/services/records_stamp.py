"""The per-organisation stamp the compliance summary's cache is keyed on."""

import secrets

from django.utils import timezone

from ..models import RecordsStamp


def mark_training_records_changed(organisation_id: int) -> None:
    """Give the organisation's training records a new stamp (one insert-or-update query).

    Called by every service that writes staff or completions, inside its transaction, so the new
    stamp and the change commit together. A random token rather than a counter: two writers never
    need to read it first, and any two writes give different stamps.
    """
    RecordsStamp.objects.bulk_create(
        [
            RecordsStamp(
                organisation_id=organisation_id, token=secrets.token_hex(16), changed_at=timezone.now()
            )
        ],
        update_conflicts=True,
        unique_fields=["organisation"],
        update_fields=["token", "changed_at"],
    )

"""What every RA request write shares: locking the row at the version the caller saw, recording a
timeline event, and starting a fresh SLA cycle."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from ..models import RARequest, RARequestEvent


def _record(request, *, kind, actor, comment="", from_status="", to_status="", now=None) -> RARequestEvent:
    return RARequestEvent.objects.create(
        request=request,
        occurred_at=now or timezone.now(),
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
    )


def _start_cycle(request: RARequest, now: datetime.datetime) -> None:
    request.sla_started_at = now
    request.paused_at = None
    request.paused_seconds = 0
    request.acknowledged_at = None
    request.closed_at = None
    request.escalation_level = 0


def _lock(request: RARequest, expected_version: int | None) -> RARequest:
    locked = (
        RARequest.objects.select_for_update(of=("self",))
        .select_related("organisation", "organisation__icb", "provider")
        .get(pk=request.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(
            f"Someone else changed this request while you were looking at it (it is now "
            f"'{locked.get_status_display()}'). Reload the page, check the timeline and try again."
        )
    # Claim the version: a writer that read the same version before our lock now updates 0 rows.
    claimed = RARequest.objects.filter(pk=locked.pk, version=locked.version).update(version=F("version") + 1)
    if not claimed:
        raise ValidationError("Someone else changed this request at the same moment. Reload and try again.")
    locked.version += 1
    return locked

"""The SLA clock on a request and the escalation ladder the periodic job climbs.

Each cycle (submission, re-routing, reopening) climbs at most these levels, in order:

1. ``ack_warning``    to the provider, half a working day before the acknowledge target;
2. ``ack_breach``     to the provider, when the acknowledge target passes unacknowledged;
3. ``resolve_breach`` to the provider, when the resolve target passes;
4. ``national``       to the national RA team, NATIONAL_AFTER further working days unresolved.

Levels 1-2 only apply while unacknowledged; none while paused or closed. ``next_escalation_at``
holds the time of the next applicable level (NULL otherwise), so the job is one indexed query.
"""

import datetime
import logging

from django.db import connection, transaction
from django.utils import timezone

from organisations.selectors import national_ra_team

from . import emails
from .models import OPEN_STATUSES, UNACKNOWLEDGED_STATUSES, RARequest, RARequestEvent, Status
from .sla import add_working_time, working_days

logger = logging.getLogger(__name__)

WARNING_BEFORE = datetime.timedelta(hours=4)
NATIONAL_AFTER = working_days(5)
LEVELS = {1: "ack_warning", 2: "ack_breach", 3: "resolve_breach", 4: "national"}
LEVEL_TITLES = {
    "ack_warning": "Reminder sent to {provider}: acknowledgement due soon",
    "ack_breach": "Escalated to {provider}: not acknowledged in time",
    "resolve_breach": "Escalated to {provider}: not resolved in time",
    "national": "Escalated to the national RA team: still unresolved",
}


def _targets(request: RARequest) -> tuple[datetime.timedelta, datetime.timedelta]:
    """Working time from the cycle's start to the acknowledge and resolve targets, pauses included."""
    paused = datetime.timedelta(seconds=request.paused_seconds)
    provider = request.provider
    return (
        working_days(provider.acknowledge_within_working_days) + paused,
        working_days(provider.resolve_within_working_days) + paused,
    )


def _clock(request: RARequest):
    """``due(offset)``: the moment ``offset`` of working time after the cycle's start, each worked
    out once per request (the levels and the due dates share offsets)."""
    worked_out: dict[datetime.timedelta, datetime.datetime] = {}

    def due(offset: datetime.timedelta) -> datetime.datetime:
        if offset not in worked_out:
            worked_out[offset] = add_working_time(request.sla_started_at, offset)
        return worked_out[offset]

    return due


def _level_due_at(request: RARequest, level: int, due=None) -> datetime.datetime | None:
    """When ``level`` falls due for ``request`` in its current state, or None if it does not apply."""
    provider = request.provider
    paused = datetime.timedelta(seconds=request.paused_seconds)
    acknowledge, resolve = _targets(request)
    if request.status not in OPEN_STATUSES or request.status == Status.WAITING_FOR_ORGANISATION:
        return None
    if level in (1, 2) and request.status not in UNACKNOWLEDGED_STATUSES:
        return None
    if level == 4 and provider.kind == provider.Kind.NATIONAL:
        return None
    offset = {
        1: max(acknowledge - WARNING_BEFORE, paused),
        2: acknowledge,
        3: resolve,
        4: resolve + NATIONAL_AFTER,
    }[level]
    return (due or _clock(request))(offset)


def refresh_clock(request: RARequest, due=None) -> None:
    """Recompute the due dates and the next escalation time in memory (the caller saves)."""
    due = due or _clock(request)
    acknowledge, resolve = _targets(request)
    request.acknowledge_due_at = due(acknowledge)
    request.resolve_due_at = due(resolve)
    request.next_escalation_at = None
    for level in LEVELS:
        if level > request.escalation_level:
            level_due = _level_due_at(request, level, due)
            if level_due is not None:
                request.next_escalation_at = level_due
                return


def _escalate(
    request: RARequest, now: datetime.datetime, national
) -> tuple[RARequestEvent, dict | None] | None:
    """Climb to the highest level now due; earlier levels it skips are moot (a warning after breach)."""
    due = _clock(request)
    due_levels = [
        (level, level_due)
        for level in LEVELS
        if level > request.escalation_level
        and (level_due := _level_due_at(request, level, due)) is not None
        and level_due <= now
    ]
    if not due_levels:
        refresh_clock(request, due)
        return None
    level, due_at = due_levels[-1]
    kind = LEVELS[level]
    request.escalation_level = level
    refresh_clock(request, due)
    event = RARequestEvent(
        request=request,
        occurred_at=now,
        kind=RARequestEvent.Kind.ESCALATION,
        comment=LEVEL_TITLES[kind].format(provider=request.provider.name),
    )
    return event, emails.escalation_email(request, kind=kind, level=level, due_at=due_at, national=national)


def _save_escalation_state(batch: list[RARequest]) -> None:
    """Write each request's escalation level and next escalation time: one UPDATE for the batch.

    On PostgreSQL an UPDATE ... FROM (VALUES ...), where Django's bulk_update builds a CASE per
    column and row (slow to build, and several times slower for PostgreSQL to run).
    """
    if connection.vendor != "postgresql":
        RARequest.objects.bulk_update(batch, ["escalation_level", "next_escalation_at"], batch_size=50)
        return
    rows = ", ".join(["(%s, %s, %s)"] * len(batch))
    sql = f"""
        UPDATE {RARequest._meta.db_table} AS request
        SET escalation_level = batch.level, next_escalation_at = CAST(batch.next_at AS timestamptz)
        FROM (VALUES {rows}) AS batch (id, level, next_at)
        WHERE request.id = batch.id
    """  # noqa: S608 - only the table name from the model's Meta and placeholders are interpolated
    params = [value for r in batch for value in (r.pk, r.escalation_level, r.next_escalation_at)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def run_escalations(*, now: datetime.datetime | None = None, batch_size: int = 500) -> int:
    """Send every escalation that is due; returns how many requests escalated.

    Safe to run twice or in two workers at once: each batch locks its rows (skipping rows another
    worker holds), re-checks they are still due, and every email has a unique dedupe key.
    """
    now = now or timezone.now()
    escalated = 0
    while True:
        with transaction.atomic():
            batch = list(
                RARequest.objects.due_for_escalation(now)
                .select_related("provider", "organisation", "organisation__icb", "assigned_to")
                .order_by("next_escalation_at")
                .select_for_update(skip_locked=True, of=("self",))[:batch_size]
            )
            if not batch:
                return escalated
            national = national_ra_team()
            done = [result for request in batch if (result := _escalate(request, now, national)) is not None]
            events = [event for event, _ in done]
            _save_escalation_state(batch)
            RARequestEvent.objects.bulk_create(events)
            emails.queue_escalation_emails([email for _, email in done if email is not None])
            escalated += len(events)
            logger.info("Escalated %s RA requests", len(events))

"""Every write the readiness wizard makes: saving a step, submitting, recording status changes.

Steps that set something in motion in another part call that part's service inside the same
transaction as the saved answer, so either both happen or neither does.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from organisations.models import Organisation

from . import readiness, sources, step_effects, steps
from .models import (
    ReadinessEvent,
    ReadinessJourney,
    ReadinessRecord,
    ReadinessStatus,
    ReadinessSupport,
    StepState,
)

STALE_VERSION_MESSAGE = (
    "Someone else in your organisation changed these answers after you opened this page. "
    "Nothing you typed has been saved. Reload the page to see their answers, then make your change again."
)


def _locked_journey(organisation: Organisation) -> ReadinessJourney:
    journey, _ = ReadinessJourney.objects.select_for_update().get_or_create(organisation=organisation)
    return journey


def _check_version(journey: ReadinessJourney, expected_version: int) -> None:
    if journey.version != expected_version:
        raise ValidationError(STALE_VERSION_MESSAGE, code="stale_version")


@transaction.atomic
def save_step(
    organisation: Organisation, *, step_slug: str, answers: dict, expected_version: int, acting_user
) -> ReadinessJourney:
    """Save one step's answers and run what the step sets in motion; return the journey.

    Refuses (ValidationError, nothing saved) when the journey changed since ``expected_version`` or
    the step cannot start yet. Steps backed by another part call its service here: an RA request is
    submitted, an application inventory or staff record saved. Those services queue their own
    emails with ``transaction.on_commit``. Safe to retry: a stale retry is refused.
    """
    step = steps.get_step(step_slug)
    if step is None:
        raise ValidationError("There is no such question.")
    journey = _locked_journey(organisation)
    _check_version(journey, expected_version)
    if not steps.can_start(step, journey):
        raise ValidationError(steps.blocking_reason(step, journey))

    effect = step_effects.EFFECTS.get(step.slug)
    if effect is not None:
        answers = effect(organisation, journey=journey, answers=answers, acting_user=acting_user)

    journey.answers = {**journey.answers, step.slug: answers}
    journey.step_states = {**journey.step_states, step.slug: StepState.COMPLETED}
    # Resume at the next question in order; after the last one, at whatever is still unanswered.
    following = steps.step_after(journey, step.slug) or steps.first_incomplete_step(journey)
    journey.current_step = following.slug if following else ""
    journey.version += 1
    journey.last_edited_by = acting_user
    journey.save()
    ReadinessEvent.objects.create(
        organisation=organisation,
        kind=ReadinessEvent.Kind.STEP_SAVED,
        title=f"Readiness wizard: {step.title.lower()} saved",
        actor=acting_user,
        occurred_at=timezone.now(),
    )
    refresh_readiness_record(organisation)
    return journey


@transaction.atomic
def submit_journey(organisation: Organisation, *, expected_version: int, acting_user) -> ReadinessJourney:
    """Mark the wizard as submitted once every step that applies is complete."""
    journey = _locked_journey(organisation)
    _check_version(journey, expected_version)
    missing = [s.title for s in steps.applicable_steps(journey) if not journey.is_step_completed(s.slug)]
    if missing:
        raise ValidationError("Answer these questions before you submit: " + ", ".join(missing) + ".")
    first_submission = journey.submitted_at is None
    journey.submitted_at = timezone.now()
    journey.submitted_by = acting_user
    journey.current_step = ""
    journey.version += 1
    journey.last_edited_by = acting_user
    journey.save()
    ReadinessEvent.objects.create(
        organisation=organisation,
        kind=ReadinessEvent.Kind.SUBMITTED,
        title="Readiness wizard submitted" if first_submission else "Readiness wizard answers resubmitted",
        actor=acting_user,
        occurred_at=journey.submitted_at,
    )
    refresh_readiness_record(organisation)
    return journey


NO_NATIONAL_ADMINISTRATOR_MESSAGE = (
    "There is no national administrator to send this to yet. Your request has not been sent: "
    "ask your ICB's RA team to pass it on."
)


@transaction.atomic
def request_details_correction(organisation: Organisation, *, what_is_wrong: str, acting_user) -> int:
    """Email every national administrator what is wrong with ``organisation``'s record, through the
    outbox (sent once the transaction commits). Returns how many emails were queued: sending the
    same text again for the same organisation queues nothing more, so it is safe to retry.

    Raises ValidationError when there is no national administrator to send it to.
    """
    import hashlib

    from django.conf import settings
    from django.urls import reverse

    from notifications.services import queue_emails

    from .selectors import national_administrator_emails

    recipients = national_administrator_emails()
    if not recipients:
        raise ValidationError(NO_NATIONAL_ADMINISTRATOR_MESSAGE)
    text = what_is_wrong.strip()
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    admin_url = settings.PORTAL_BASE_URL + reverse(
        "admin:organisations_organisation_change", args=[organisation.pk]
    )
    body = (
        f"{acting_user.display_name} ({acting_user.email}) of {organisation.name} ({organisation.ods_code}) "
        "says their organisation's record in the CIS onboarding portal is wrong:\n\n"
        f"{text}\n\n"
        f"Name: {organisation.name}\nODS code: {organisation.ods_code}\n"
        f"Type: {organisation.get_organisation_type_display()}\n\n"
        f"Correct it in the admin site: {admin_url}\n"
        f"Reply to {acting_user.email} to tell them it is done.\n"
    )
    return queue_emails(
        [
            {
                "dedupe_key": f"details-correction:{organisation.pk}:{digest}:{email}",
                "to": [email],
                "subject": f"Correction requested: {organisation.name} ({organisation.ods_code})",
                "body": body,
                "topic": f"organisation:{organisation.pk}:details-correction",
                "organisation": organisation,
            }
            for email in recipients
        ]
    )


def _status_change_title(status: str, *, is_first: bool) -> str:
    label = ReadinessStatus(status).label.lower()
    return f"Readiness status first worked out: {label}" if is_first else f"Readiness status is now {label}"


@transaction.atomic
def record_readiness_status(
    organisation: Organisation, *, status: str, detail: str = ""
) -> ReadinessEvent | None:
    """Add a timeline entry when ``status`` differs from the last one recorded for ``organisation``.

    Returns the new event, or None when the status is unchanged, so it is safe to call repeatedly.
    """
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    last = ReadinessEvent.objects.for_organisation(organisation).status_changes().first()
    if last is not None and last.status == status:
        return None
    return ReadinessEvent.objects.create(
        organisation=organisation,
        kind=ReadinessEvent.Kind.STATUS_CHANGED,
        status=status,
        title=_status_change_title(status, is_first=last is None),
        detail=detail,
        occurred_at=timezone.now(),
    )


_RECORD_FIELDS = (
    "name",
    "ods_code",
    "organisation_type",
    "icb_id",
    "open_request_provider_id",
    "status",
    "ra_state",
    "plan_state",
    "training_state",
    "cis1_state",
    "ra_detail",
    "active_staff",
    "fully_compliant_staff",
    "percent_trained",
    "cis1_applications",
    "cis1_count",
    "uncovered_applications",
)


def _record_from(row, now) -> ReadinessRecord:
    organisation = row.organisation
    return ReadinessRecord(
        organisation=organisation,
        name=organisation.name,
        ods_code=organisation.ods_code,
        organisation_type=organisation.organisation_type,
        icb_id=organisation.icb_id,
        open_request_provider_id=row.open_request_provider_id,
        status=row.status,
        ra_state=row.ra_state,
        plan_state=row.plan_state,
        training_state=row.training_state,
        cis1_state=row.cis1_state,
        ra_detail=row.ra_detail,
        active_staff=row.trained_staff.staff,
        fully_compliant_staff=row.trained_staff.trained,
        percent_trained=row.trained_staff.percent,
        cis1_applications=list(row.cis1_applications),
        cis1_count=len(row.cis1_applications),
        uncovered_applications=list(row.uncovered_applications),
        changed_at=now,
        refreshed_at=now,
    )


def _store_readiness(rows, *, now) -> None:
    """Write each live row to its organisation's ``ReadinessRecord`` (caller holds the transaction).

    ``changed_at`` moves only when a value differs; ``refreshed_at`` always. Also rewrites the
    organisations' ``ReadinessSupport`` rows (which providers support each). A fixed number of
    queries per 1,000 organisations.
    """
    rows = list(rows)
    fresh = [_record_from(row, now) for row in rows]
    stored = ReadinessRecord.objects.in_bulk([record.pk for record in fresh])
    for record in fresh:
        old = stored.get(record.pk)
        if old is not None and all(getattr(old, field) == getattr(record, field) for field in _RECORD_FIELDS):
            record.changed_at = old.changed_at
    ReadinessRecord.objects.bulk_create(
        fresh,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["organisation"],
        update_fields=[*_RECORD_FIELDS, "changed_at", "refreshed_at"],
    )
    _store_support(fresh, {row.organisation.pk: row.open_request_provider_ids for row in rows})


def _store_support(
    records: list[ReadinessRecord], open_request_provider_ids: dict[int, tuple[int, ...]]
) -> None:
    """Make the ``ReadinessSupport`` rows of ``records`` match them, touching only rows that differ
    (most hours nothing changes, so the hourly job leaves the table and its indexes alone).

    ``open_request_provider_ids``: {organisation id: the providers holding its open RA requests}."""
    routed = sources.routed_provider_ids_by_icb()
    wanted = {
        (record.pk, provider_id): (record.name, record.organisation_type, record.status)
        for record in records
        for provider_id in {routed.get(record.icb_id), *open_request_provider_ids.get(record.pk, ())} - {None}
    }
    stored = {
        (record_id, provider_id): (pk, (name, organisation_type, status))
        for pk, record_id, provider_id, name, organisation_type, status in ReadinessSupport.objects.filter(
            record__in=[record.pk for record in records]
        ).values_list("pk", "record_id", "provider_id", "name", "organisation_type", "status")
    }
    stale = [pk for key, (pk, values) in stored.items() if wanted.get(key) != values]
    ReadinessSupport.objects.filter(pk__in=stale).delete()
    ReadinessSupport.objects.bulk_create(
        [
            ReadinessSupport(
                record_id=record_id, provider_id=provider_id, name=name, organisation_type=kind, status=status
            )
            for (record_id, provider_id), (name, kind, status) in wanted.items()
            if stored.get((record_id, provider_id), (None, None))[1] != (name, kind, status)
        ],
        batch_size=2000,
    )


@transaction.atomic
def refresh_readiness_record(organisation: Organisation, *, today=None) -> ReadinessRecord:
    """Work out ``organisation``'s readiness now and store it; called inside the wizard's own writes.

    Safe to repeat: it stores the live value, whatever was there.
    """
    from .overview import readiness_of_organisations

    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    _store_readiness(
        readiness_of_organisations(Organisation.objects.filter(pk=organisation.pk), today=today),
        now=timezone.now(),
    )
    return ReadinessRecord.objects.get(pk=organisation.pk)


def record_readiness_statuses(*, today=None, batch_size: int = 2000) -> int:
    """Refresh every organisation's stored readiness and put changes of status on its timeline.

    Works out the live readiness of all organisations in batches (a fixed number of queries per
    batch, through the same bulk selectors as the readiness summary) and, in one transaction per
    batch, writes each organisation's ``ReadinessRecord`` and adds a status-change event where the
    status differs from the last one recorded. Returns how many events were added. Idempotent:
    a second run with nothing changed adds nothing. Run hourly by Celery beat and by the
    ``record_readiness_statuses`` management command, so the pages never write on a GET.
    """
    from .overview import readiness_of_organisations

    recorded = 0
    organisation_ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(organisation_ids), batch_size):
        batch = organisation_ids[start : start + batch_size]
        with transaction.atomic():
            # Lock the batch so two overlapping runs cannot both record the same change.
            list(Organisation.objects.select_for_update().filter(pk__in=batch).values_list("pk", flat=True))
            last_status: dict[int, str] = {}
            for organisation_id, status in (
                ReadinessEvent.objects.status_changes()
                .filter(organisation_id__in=batch)
                .order_by("organisation_id", "-occurred_at", "-pk")
                .values_list("organisation_id", "status")
            ):
                last_status.setdefault(organisation_id, status)
            now = timezone.now()
            rows = readiness_of_organisations(Organisation.objects.filter(pk__in=batch), today=today)
            _store_readiness(rows, now=now)
            new_events = [
                ReadinessEvent(
                    organisation=row.organisation,
                    kind=ReadinessEvent.Kind.STATUS_CHANGED,
                    status=row.status,
                    title=_status_change_title(row.status, is_first=row.organisation.pk not in last_status),
                    detail=readiness.describe_checks(
                        ra=row.ra_state, plan=row.plan_state, training=row.training_state, cis1=row.cis1_state
                    ),
                    occurred_at=now,
                )
                for row in rows
                if last_status.get(row.organisation.pk) != row.status
            ]
            ReadinessEvent.objects.bulk_create(new_events)
            recorded += len(new_events)
    return recorded

"""Completions: one person's or a whole session's, with optional evidence. Never edited."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import (
    Completion,
    CompletionMethod,
    ModuleVersion,
    StaffMember,
)
from .records_stamp import mark_training_records_changed

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024


EVIDENCE_EXTENSIONS = {".pdf", ".png", ".jpg", ".jpeg", ".docx", ".txt"}


def validate_evidence_file(upload) -> None:
    from pathlib import PurePath

    if upload is None:
        return
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"evidence_file": "The evidence file must be smaller than 5MB"})
    if PurePath(upload.name).suffix.lower() not in EVIDENCE_EXTENSIONS:
        raise ValidationError(
            {"evidence_file": "The evidence file must be a PDF, PNG, JPG, DOCX or TXT file"}
        )


@transaction.atomic
def record_completions(
    staff_members: list[StaffMember],
    *,
    module_version: ModuleVersion,
    completed_on: datetime.date,
    method: str,
    evidence_note: str = "",
    evidence_file=None,
    acting_user,
) -> list[Completion]:
    """Record that each person completed ``module_version`` (one person, or a whole session).

    Adds new rows only: earlier completions stay as history. An evidence file is stored once and
    shared by every completion of the session.
    """
    errors = {}
    if not staff_members:
        errors["staff"] = "Select at least one person who completed the training"
    if completed_on > timezone.localdate():
        errors["completed_on"] = "The completion date must be today or in the past"
    elif module_version.number > 1 and completed_on < timezone.localdate(module_version.published_at):
        # Version 1 stands for the training as it was before the portal existed, so any date suits it.
        published = timezone.localdate(module_version.published_at)
        errors["completed_on"] = (
            f"Version {module_version.number} was published on {published:%-d %B %Y}: "
            "the completion date cannot be earlier"
        )
    if method not in CompletionMethod.values:
        errors["method"] = "Select how the training was done"
    organisations = {staff.organisation_id for staff in staff_members}
    if len(organisations) > 1:
        errors["staff"] = "Everyone in a session must belong to the same organisation"
    leavers = [staff.full_name for staff in staff_members if not staff.is_active]
    if leavers:
        errors["staff"] = f"{', '.join(leavers)} left the organisation: completions cannot be added"
    try:
        validate_evidence_file(evidence_file)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)

    completions = []
    stored_evidence = ""
    for staff in staff_members:
        completion = Completion(
            staff=staff,
            module_id=module_version.module_id,
            module_version=module_version,
            version_number=module_version.number,
            completed_on=completed_on,
            method=method,
            evidence_note=evidence_note.strip(),
            recorded_by=acting_user,
        )
        if stored_evidence:
            completion.evidence_file.name = stored_evidence  # one stored copy for the whole session
        elif evidence_file is not None:
            evidence_file.seek(0)
            completion.evidence_file.save(evidence_file.name, evidence_file, save=False)
            stored_evidence = completion.evidence_file.name
        completions.append(completion)
    created = Completion.objects.bulk_create(completions)
    mark_training_records_changed(staff_members[0].organisation_id)
    return created


def record_completion(staff: StaffMember, **kwargs) -> Completion:
    """One person's completion; see record_completions."""
    return record_completions([staff], **kwargs)[0]

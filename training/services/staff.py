"""Staff records: add, change, mark as left, reinstate, import from a checked CSV."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from organisations.models import Organisation
from organisations.validators import has_control_characters

from ..models import (
    EmploymentType,
    StaffMember,
    StaffRole,
)
from .records_stamp import mark_training_records_changed


def _clean_staff_fields(
    organisation,
    *,
    full_name,
    email,
    role,
    employment_type,
    supplier_name,
    exclude_pk=None,
    taken_emails=None,
) -> dict:
    """The fields normalised, or ValidationError. ``taken_emails``, the organisation's emails read
    once by the caller, saves a query per row when checking many."""
    errors = {}
    full_name = (full_name or "").strip()
    email = (email or "").strip().lower()
    supplier_name = (supplier_name or "").strip()
    if not full_name:
        errors["full_name"] = "Enter the person's full name"
    for field, value in (("full_name", full_name), ("supplier_name", supplier_name)):
        if has_control_characters(value):
            errors[field] = "Enter this on one line, without line breaks, tabs or other special characters"
    if not email:
        errors["email"] = "Enter the person's work email address"
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter an email address in the correct format, like name@example.org"
    if role not in StaffRole.values:
        errors["role"] = "Select the person's role"
    if employment_type not in EmploymentType.values:
        errors["employment_type"] = "Select whether the person is in-house or outsourced"
    elif employment_type == EmploymentType.OUTSOURCED and not supplier_name:
        errors["supplier_name"] = "Enter the supplier's name for outsourced staff"
    elif employment_type == EmploymentType.IN_HOUSE:
        supplier_name = ""
    if "email" not in errors:
        if taken_emails is not None:
            taken = email in taken_emails
        else:
            taken = (
                StaffMember.objects.filter(organisation=organisation, email=email)
                .exclude(pk=exclude_pk)
                .exists()
            )
        if taken:
            errors["email"] = "Someone with this email address is already on your staff list"
    if errors:
        raise ValidationError(errors)
    return {
        "full_name": full_name,
        "email": email,
        "role": role,
        "employment_type": employment_type,
        "supplier_name": supplier_name,
    }


@transaction.atomic
def add_staff_member(
    organisation: Organisation,
    *,
    full_name: str,
    email: str,
    role: str,
    employment_type: str,
    supplier_name: str = "",
    acting_user,
) -> StaffMember:
    """Add a member of technical support staff to the organisation's training records."""
    fields = _clean_staff_fields(
        organisation,
        full_name=full_name,
        email=email,
        role=role,
        employment_type=employment_type,
        supplier_name=supplier_name,
    )
    staff = StaffMember(organisation=organisation, **fields)
    staff._history_user = acting_user
    staff.save()
    mark_training_records_changed(organisation.pk)
    return staff


@transaction.atomic
def update_staff_member(
    staff: StaffMember,
    *,
    full_name: str,
    email: str,
    role: str,
    employment_type: str,
    supplier_name: str = "",
    acting_user,
) -> StaffMember:
    fields = _clean_staff_fields(
        staff.organisation,
        full_name=full_name,
        email=email,
        role=role,
        employment_type=employment_type,
        supplier_name=supplier_name,
        exclude_pk=staff.pk,
    )
    for name, value in fields.items():
        setattr(staff, name, value)
    staff._history_user = acting_user
    staff.save()
    mark_training_records_changed(staff.organisation_id)
    return staff


@transaction.atomic
def mark_staff_member_left(staff: StaffMember, *, left_on: datetime.date, acting_user) -> StaffMember:
    """Record that someone left: they drop out of compliance figures and reminders. History stays."""
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": "The leaving date must be today or in the past"})
    staff.left_on = left_on
    staff._history_user = acting_user
    staff.save(update_fields=["left_on", "updated_at"])
    mark_training_records_changed(staff.organisation_id)
    return staff


@transaction.atomic
def reinstate_staff_member(staff: StaffMember, *, acting_user) -> StaffMember:
    staff.left_on = None
    staff._history_user = acting_user
    staff.save(update_fields=["left_on", "updated_at"])
    mark_training_records_changed(staff.organisation_id)
    return staff


@transaction.atomic
def import_staff_members(organisation: Organisation, *, rows: list[dict], acting_user) -> list[StaffMember]:
    """Add every row, or none: any invalid row raises ValidationError naming its line and nothing is saved."""
    seen = {}
    problems = []
    for index, row in enumerate(rows, start=2):
        email = (row.get("email") or "").strip().lower()
        if email in seen:
            problems.append(f"Row {index}: the email address is also on row {seen[email]}")
            continue
        seen[email] = index
    if problems:
        raise ValidationError(problems)
    created = []
    for index, row in enumerate(rows, start=2):
        try:
            created.append(add_staff_member(organisation, acting_user=acting_user, **row))
        except ValidationError as error:
            messages = [m for messages in error.message_dict.values() for m in messages]
            raise ValidationError([f"Row {index}: {m}" for m in messages]) from error
    return created

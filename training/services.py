"""Every change to training records goes through here."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.services import queue_email
from organisations.models import Membership, Organisation, Role

from . import selectors
from .compliance import Status
from .models import (
    Completion,
    CompletionMethod,
    EmploymentType,
    ModuleVersion,
    StaffMember,
    StaffRole,
    TrainingModule,
)

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
EVIDENCE_EXTENSIONS = {".pdf", ".png", ".jpg", ".jpeg", ".docx", ".txt"}


def _clean_staff_fields(
    organisation, *, full_name, email, role, employment_type, supplier_name, exclude_pk=None
) -> dict:
    errors = {}
    full_name = (full_name or "").strip()
    email = (email or "").strip().lower()
    supplier_name = (supplier_name or "").strip()
    if not full_name:
        errors["full_name"] = "Enter the person's full name"
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
        clash = StaffMember.objects.filter(organisation=organisation, email=email)
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
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
    return staff


@transaction.atomic
def mark_staff_member_left(staff: StaffMember, *, left_on: datetime.date, acting_user) -> StaffMember:
    """Record that someone left: they drop out of compliance figures and reminders. History stays."""
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": "The leaving date must be today or in the past"})
    staff.left_on = left_on
    staff._history_user = acting_user
    staff.save(update_fields=["left_on", "updated_at"])
    return staff


@transaction.atomic
def reinstate_staff_member(staff: StaffMember, *, acting_user) -> StaffMember:
    staff.left_on = None
    staff._history_user = acting_user
    staff.save(update_fields=["left_on", "updated_at"])
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

    Adds new rows only: earlier completions stay as history.
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
        if evidence_file is not None:
            evidence_file.seek(0)
            completion.evidence_file.save(evidence_file.name, evidence_file, save=False)
        completion.save()
        completions.append(completion)
    return completions


def record_completion(staff: StaffMember, **kwargs) -> Completion:
    """One person's completion; see record_completions."""
    return record_completions([staff], **kwargs)[0]


@transaction.atomic
def create_module(
    *,
    slug: str,
    title: str,
    covers: str,
    refresh_months: int,
    applies_to_roles=(),
    notes="",
    published_by=None,
) -> TrainingModule:
    """A new module with its first version."""
    module = TrainingModule.objects.create(
        slug=slug,
        title=title,
        covers=covers,
        refresh_months=refresh_months,
        applies_to_roles=list(applies_to_roles),
        notes=notes,
    )
    ModuleVersion.objects.create(
        module=module,
        number=1,
        change_note="First version.",
        published_at=timezone.now(),
        published_by=published_by,
    )
    return module


@transaction.atomic
def publish_module_version(module: TrainingModule, *, change_note: str, published_by) -> ModuleVersion:
    """Publish the next version of ``module``.

    Everyone whose latest completion is on an older version becomes "refresher due"; each affected
    organisation's IT leads (or, without any, its organisation admins) get one email about it.
    """
    change_note = (change_note or "").strip()
    if not change_note:
        raise ValidationError({"change_note": "Enter a change note saying what changed in this version"})
    module = TrainingModule.objects.select_for_update().get(pk=module.pk)
    last = module.versions.order_by("-number").first()
    version = ModuleVersion.objects.create(
        module=module,
        number=(last.number + 1) if last else 1,
        change_note=change_note,
        published_at=timezone.now(),
        published_by=published_by,
    )
    affected = _staff_needing_refresher(module, version)
    for organisation in Organisation.objects.filter(pk__in=affected.keys()):
        recipients = selectors.it_lead_emails(organisation)
        if not recipients:
            continue
        names = sorted(affected[organisation.pk])
        url = settings.PORTAL_BASE_URL + reverse("training:dashboard", args=[organisation.ods_code])
        queue_email(
            dedupe_key=f"training:version:{version.pk}:{organisation.pk}",
            to=recipients,
            subject=f"Refresher due: {module.title} has a new version",
            body=(
                f'Version {version.number} of the training module "{module.title}" was published on '
                f"{timezone.localdate(version.published_at):%-d %B %Y}.\n\n"
                f"What changed: {change_note}\n\n"
                f"These {len(names)} staff at {organisation.name} were trained on an earlier version and "
                f"now need a refresher:\n" + "".join(f"- {name}\n" for name in names) + f"\n"
                f"See your training dashboard: {url}\n"
            ),
            topic=f"training:module:{module.pk}",
            organisation=organisation,
        )
    return version


def _staff_needing_refresher(module: TrainingModule, version: ModuleVersion) -> dict[int, list[str]]:
    """{organisation id: [names]} of active staff whose latest completion predates ``version``."""
    latest = {}
    rows = (
        Completion.objects.filter(module=module, staff__left_on__isnull=True)
        .order_by("completed_on", "id")
        .values_list("staff_id", "staff__organisation_id", "staff__full_name", "version_number")
    )
    for staff_id, organisation_id, name, number in rows:
        latest[staff_id] = (organisation_id, name, number)
    affected: dict[int, list[str]] = {}
    for organisation_id, name, number in latest.values():
        if number < version.number:
            affected.setdefault(organisation_id, []).append(name)
    return affected


REMINDER_KINDS = {
    Status.EXPIRING: "expiring",
    Status.OVERDUE: "overdue",
    Status.REFRESHER_DUE: "refresher",
}


@transaction.atomic
def send_training_reminders(*, today: datetime.date | None = None) -> int:
    """Queue a reminder to each active person whose training expires within 30 days, is overdue or needs
    a refresher for a new version. Returns how many new emails were queued.

    Safe to run repeatedly: each reminder's dedupe key names the person, module and due date, so it
    goes once per due date; a renewal moves the due date, so the next cycle gets its own reminder.
    """
    today = today or timezone.localdate()
    queued = 0
    organisations = Organisation.objects.filter(training_staff__left_on__isnull=True).distinct()
    for organisation in organisations:
        summary = selectors.compliance_in_python(organisation, today=today)
        for due in summary.expiring + summary.overdue:
            kind = REMINDER_KINDS[due.status.status]
            key = f"training:{kind}:{due.staff.pk}:{due.module.pk}:{due.status.due_on.isoformat()}"
            before = _outbox_has(key)
            queue_email(
                dedupe_key=key,
                to=[due.staff.email],
                subject=_reminder_subject(kind, due),
                body=_reminder_body(kind, due, organisation),
                topic=f"training:staff:{due.staff.pk}",
                organisation=organisation,
            )
            queued += not before
    return queued


def _reminder_subject(kind: str, due) -> str:
    title = due.module.title
    if kind == "expiring":
        return f"Training expires on {due.status.due_on:%-d %B %Y}: {title}"
    if kind == "overdue":
        return f"Training overdue: {title}"
    return f"Refresher needed: {title} has a new version"


def _reminder_body(kind: str, due, organisation) -> str:
    first_line = {
        "expiring": f'Your training in "{due.module.title}" expires on {due.status.due_on:%-d %B %Y}.',
        "overdue": f'Your training in "{due.module.title}" expired on {due.status.due_on:%-d %B %Y}.',
        "refresher": (
            f'A new version of "{due.module.title}" was published on {due.status.due_on:%-d %B %Y}: '
            "you were trained on an earlier version."
        ),
    }[kind]
    return (
        f"Dear {due.staff.full_name},\n\n{first_line}\n\n"
        f"Please arrange a refresher and tell your IT lead at {organisation.name} once it is done, "
        "so they can record it in the CIS onboarding portal.\n"
    )


@transaction.atomic
def send_training_digests(*, today: datetime.date | None = None) -> int:
    """Queue this week's compliance digest to each IT lead (one per lead per ISO week; safe to rerun)."""
    today = today or timezone.localdate()
    year, week, _ = today.isocalendar()
    iso_week = f"{year}-W{week:02d}"
    by_user = {}
    memberships = (
        Membership.objects.filter(role=Role.IT_LEAD, user__is_active=True)
        .select_related("user", "organisation")
        .order_by("organisation__name")
    )
    for membership in memberships:
        by_user.setdefault(membership.user, []).append(membership.organisation)
    queued = 0
    for user, organisations in by_user.items():
        sections = []
        for organisation in organisations:
            summary = selectors.compliance_summary(organisation, today=today)
            if summary.active_staff:
                sections.append(_digest_section(organisation, summary))
        if not sections:
            continue
        key = f"training:digest:{user.pk}:{iso_week}"
        before = _outbox_has(key)
        queue_email(
            dedupe_key=key,
            to=[user.email],
            subject=f"Training compliance digest for the week of {today:%-d %B %Y}",
            body=f"Dear {user.display_name},\n\n" + "\n".join(sections),
            topic=f"training:digest:{user.pk}",
            organisation=organisations[0] if len(organisations) == 1 else None,
        )
        queued += not before
    return queued


def _outbox_has(key: str) -> bool:
    from notifications.models import OutboundEmail

    return OutboundEmail.objects.filter(dedupe_key=key).exists()


def _format_percent(value) -> str:
    return "no staff in scope" if value is None else f"{value:g}%"


def _digest_section(organisation, summary) -> str:
    url = settings.PORTAL_BASE_URL + reverse("training:dashboard", args=[organisation.ods_code])
    lines = [
        f"{organisation.name} ({organisation.ods_code})",
        f"- Trained and in date: {_format_percent(summary.percent_in_date)} ({summary.rag.label})",
        f"- Active staff: {summary.active_staff}",
        f"- Overdue: {summary.overdue_count}",
        f"- Refresher due after a new version: {summary.refresher_due_count}",
        f"- Expiring within 30 days: {summary.due_within_30_days}",
        f"- Never completed: {summary.never_completed_count}",
        f"Dashboard: {url}",
        "",
    ]
    return "\n".join(lines)


@transaction.atomic
def update_module(module: TrainingModule, *, acting_user) -> TrainingModule:
    """Save an admin's edits to a module (title, topics, refresher period, who it applies to)."""
    if module.refresh_months < 1:
        raise ValidationError({"refresh_months": "The refresher period must be at least 1 month"})
    module._history_user = acting_user
    module.save()
    return module

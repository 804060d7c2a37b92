"""Modules and their versions; publishing a version tells the affected IT leads."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.services import queue_email
from organisations.models import Organisation

from .. import selectors
from ..models import ModuleVersion, StaffMember, TrainingModule


def validate_refresh_months(refresh_months: int) -> None:
    if refresh_months < 1:
        raise ValidationError({"refresh_months": "The refresher period must be at least 1 month"})


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
    validate_refresh_months(refresh_months)
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
def update_module(module: TrainingModule, *, acting_user) -> TrainingModule:
    """Save an admin's edits to a module (title, topics, refresher period, who it applies to)."""
    validate_refresh_months(module.refresh_months)
    module._history_user = acting_user
    module.save()
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
    affected = _staff_needing_refresher(module)
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


def _staff_needing_refresher(module: TrainingModule) -> dict[int, list[str]]:
    """{organisation id: [names]} of active staff who completed ``module`` before its newest version.

    Called just after publishing, so every completion on record is of an earlier version.
    """
    affected: dict[int, list[str]] = {}
    rows = (
        StaffMember.objects.active()
        .filter(completions__module=module)
        .distinct()
        .values_list("id", "organisation_id", "full_name")
    )
    for _, organisation_id, name in rows:
        affected.setdefault(organisation_id, []).append(name)
    return affected

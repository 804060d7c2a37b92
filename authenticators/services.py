"""Every change to an organisation's authenticator plan goes through here.

Each function records a ``PlanEvent`` for the organisation's timeline in the same transaction.
Nothing is emailed or queued. All are safe to retry: they set state rather than add to it.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from organisations.models import Organisation

from .models import (
    AAL,
    ESTATE_FIELDS,
    Application,
    Authenticator,
    EstateFacts,
    Generation,
    InventoryEntry,
    PlanEvent,
    UserGroup,
)


def local_slug(name: str) -> str:
    return f"local-{slugify(name.strip())[:60] or 'application'}"


def _record(organisation, *, title: str, detail: str = "", acting_user=None) -> PlanEvent:
    return PlanEvent.objects.create(organisation=organisation, title=title, detail=detail, actor=acting_user)


@transaction.atomic
def save_application_inventory(
    organisation: Organisation,
    *,
    catalogue_slugs: Iterable[str],
    local_applications: Iterable[dict] = (),
    acting_user=None,
) -> list[Application]:
    """Set the catalogue applications the organisation uses to exactly ``catalogue_slugs``.

    ``local_applications`` are dicts with ``name``, ``cis_generation``, ``min_aal`` and optionally
    ``supplier``; each is added with ``add_local_application`` unless one of that name exists.
    Local applications already saved stay (remove them with ``remove_local_application``).
    Unknown slugs raise ValidationError and nothing changes. Groups lose any catalogue application
    taken out here. Returns the whole inventory, catalogue and local, sorted by name.
    """
    wanted = set(catalogue_slugs)
    found = {app.slug: app for app in Application.objects.catalogue().filter(slug__in=wanted)}
    unknown = sorted(wanted - set(found))
    if unknown:
        raise ValidationError({"applications": f"Unknown application: {', '.join(unknown)}"})
    current = set(
        InventoryEntry.objects.filter(
            organisation=organisation, application__organisation__isnull=True
        ).values_list("application__slug", flat=True)
    )
    removed = current - wanted
    added = wanted - current
    if removed:
        removed_apps = Application.objects.catalogue().filter(slug__in=removed)
        InventoryEntry.objects.filter(organisation=organisation, application__in=removed_apps).delete()
        # Per group, not one through-table delete, so each group's history records the change;
        # only groups that used a removed application, so the others get no empty history row.
        for group in organisation.user_groups.filter(applications__in=removed_apps).distinct():
            if acting_user is not None:
                group._history_user = acting_user
            group.applications.remove(*removed_apps)
    # ignore_conflicts: two admins saving at once must not fail on the unique constraint.
    InventoryEntry.objects.bulk_create(
        [InventoryEntry(organisation=organisation, application=found[slug]) for slug in sorted(added)],
        ignore_conflicts=True,
    )
    existing_local = set(Application.objects.local_to(organisation).values_list("slug", flat=True))
    for local in local_applications:
        if local_slug(local.get("name", "")) in existing_local:
            continue
        add_local_application(
            organisation,
            name=local.get("name", ""),
            cis_generation=local.get("cis_generation", ""),
            min_aal=local.get("min_aal", ""),
            supplier=local.get("supplier", ""),
            acting_user=acting_user,
        )
    if added or removed:
        parts = []
        if added:
            parts.append("added " + ", ".join(found[s].name for s in sorted(added)))
        if removed:
            parts.append(f"removed {len(removed)}")
        _record(
            organisation,
            title="Application inventory updated",
            detail="; ".join(parts),
            acting_user=acting_user,
        )
    return list(Application.objects.filter(inventory_entries__organisation=organisation).order_by("name"))


@transaction.atomic
def add_local_application(
    organisation: Organisation,
    *,
    name: str,
    cis_generation: str,
    min_aal: str,
    supplier: str = "",
    acting_user=None,
) -> Application:
    """Add an application that is not in the catalogue, with its own generation and AAL, to the inventory."""
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = "Enter the application's name"
    if cis_generation not in Generation.values:
        errors["cis_generation"] = "Select whether the application uses CIS1 or CIS2"
    if min_aal not in AAL.values:
        errors["min_aal"] = "Select the assurance level the application needs"
    if errors:
        raise ValidationError(errors)
    if cis_generation == Generation.CIS1:
        min_aal = AAL.AAL3  # CIS1 accepts only smartcards, which are AAL3
    slug = local_slug(name)
    if Application.objects.local_to(organisation).filter(slug=slug).exists():
        raise ValidationError({"name": "You have already added an application with this name"})
    try:
        with transaction.atomic():
            application = Application.objects.create(
                organisation=organisation,
                slug=slug,
                name=name,
                supplier=supplier.strip(),
                cis_generation=cis_generation,
                min_aal=min_aal,
            )
    except IntegrityError:  # added by someone else a moment ago
        raise ValidationError({"name": "You have already added an application with this name"}) from None
    InventoryEntry.objects.create(organisation=organisation, application=application)
    _record(
        organisation,
        title=f"Local application added: {name}",
        detail=f"{cis_generation}, {min_aal}",
        acting_user=acting_user,
    )
    return application


@transaction.atomic
def remove_local_application(
    application: Application, *, organisation: Organisation, acting_user=None
) -> None:
    """Delete one of the organisation's own applications (and take it out of its groups)."""
    if application.organisation_id != organisation.pk:
        raise ValidationError("That application is not one of this organisation's own")
    name = application.name
    application.delete()
    _record(organisation, title=f"Local application removed: {name}", acting_user=acting_user)


@transaction.atomic
def save_estate_facts(organisation: Organisation, *, acting_user=None, **facts: bool | None) -> EstateFacts:
    """Set the estate facts. Each of hscn, windows_tpm, ipads, smartphones, shared_workstations is
    True, False or None ("not sure"); facts not passed are left as they were."""
    unknown = sorted(set(facts) - set(ESTATE_FIELDS))
    if unknown:
        raise ValidationError(f"Unknown estate fact: {', '.join(unknown)}")
    estate, _ = EstateFacts.objects.get_or_create(organisation=organisation)
    changed = [name for name, value in facts.items() if getattr(estate, name) != value]
    for name in changed:
        setattr(estate, name, facts[name])
    if changed:
        if acting_user is not None:
            estate._history_user = acting_user
        estate.save()
        _record(organisation, title="Estate facts updated", acting_user=acting_user)
    return estate


def _group_applications(organisation, application_slugs: Iterable[str]) -> list[Application]:
    wanted = set(application_slugs)
    found = list(
        Application.objects.filter(inventory_entries__organisation=organisation, slug__in=wanted).distinct()
    )
    unknown = sorted(wanted - {a.slug for a in found})
    if unknown:
        raise ValidationError(
            {"applications": f"Add these to the application inventory first: {', '.join(unknown)}"}
        )
    return found


@transaction.atomic
def save_user_group(
    organisation: Organisation,
    *,
    name: str,
    head_count: int,
    application_slugs: Iterable[str],
    group: UserGroup | None = None,
    acting_user=None,
) -> UserGroup:
    """Create a user group (or update ``group``) with its name, head count and applications.

    The applications must already be in the organisation's inventory. A group's chosen
    authenticators are kept when its applications change; the plan page then says what they
    leave uncovered.
    """
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = "Enter a name for the group"
    if head_count is None or head_count < 1:
        errors["head_count"] = "Enter how many staff are in the group, 1 or more"
    if errors:
        raise ValidationError(errors)
    if group is not None and group.organisation_id != organisation.pk:
        raise ValidationError("That group belongs to another organisation")
    clash = UserGroup.objects.filter(organisation=organisation, name__iexact=name)
    if group is not None:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        raise ValidationError({"name": "There is already a group with this name"})
    applications = _group_applications(organisation, application_slugs)
    created = group is None
    if created:
        group = UserGroup(organisation=organisation)
    group.name = name
    group.head_count = head_count
    if acting_user is not None:
        group._history_user = acting_user
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError:  # the same name saved by someone else a moment ago
        raise ValidationError({"name": "There is already a group with this name"}) from None
    group.applications.set(applications)
    _record(
        organisation,
        title=f"User group {'added' if created else 'updated'}: {name}",
        detail=f"{head_count} staff, {len(applications)} applications",
        acting_user=acting_user,
    )
    return group


@transaction.atomic
def delete_user_group(group: UserGroup, *, organisation: Organisation, acting_user=None) -> None:
    if group.organisation_id != organisation.pk:
        raise ValidationError("That group belongs to another organisation")
    name = group.name
    group.delete()
    _record(organisation, title=f"User group removed: {name}", acting_user=acting_user)


@transaction.atomic
def choose_authenticators(
    group: UserGroup, *, authenticator_slugs: Iterable[str], acting_user=None
) -> UserGroup:
    """Set the authenticators the organisation will offer ``group``.

    Any set is allowed, including one that leaves applications uncovered: the plan shows which.
    An empty set is refused (nobody could sign in).
    """
    wanted = set(authenticator_slugs)
    if not wanted:
        raise ValidationError({"authenticators": "Select at least one authenticator"})
    found = list(Authenticator.objects.filter(slug__in=wanted))
    unknown = sorted(wanted - {a.slug for a in found})
    if unknown:
        raise ValidationError({"authenticators": f"Unknown authenticator: {', '.join(unknown)}"})
    group.plan_chosen_at = timezone.now()
    if acting_user is not None:
        group._history_user = acting_user
    group.save(update_fields=["plan_chosen_at", "updated_at"])
    group.chosen_authenticators.set(found)
    _record(
        group.organisation,
        title=f"Authenticators chosen for {group.name}",
        detail=", ".join(sorted(a.name for a in found)),
        acting_user=acting_user,
    )
    return group

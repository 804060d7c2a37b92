"""Reads for the training tracker. Compliance is computed in Python from a fixed number of queries."""

import datetime
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from organisations.timeline import TimelineEvent

from .compliance import (
    COMPLIANT_STATUSES,
    RAG_TAG_CLASSES,
    ModuleRules,
    ModuleStatus,
    Rag,
    Status,
    percent,
    rag_for,
    status_for,
)
from .models import Completion, EmploymentType, ModuleVersion, StaffMember, TrainingModule


def staff_for_organisation(organisation, *, include_leavers: bool = False):
    """The organisation's staff records, active ones only unless ``include_leavers``."""
    staff = StaffMember.objects.for_organisation(organisation)
    if not include_leavers:
        staff = staff.active()
    return staff.order_by("full_name", "id")


def get_staff_member(organisation, pk: int) -> StaffMember | None:
    return StaffMember.objects.for_organisation(organisation).filter(pk=pk).first()


def active_modules() -> list[TrainingModule]:
    """Active modules with their versions (two queries)."""
    versions = Prefetch("versions", queryset=ModuleVersion.objects.order_by("number"))
    return list(TrainingModule.objects.active().prefetch_related(versions).order_by("title"))


def module_rules(module: TrainingModule) -> ModuleRules:
    versions = list(module.versions.all())  # prefetched, ordered by number
    superseded_on = {}
    for older, newer in itertools.pairwise(versions):
        superseded_on[older.number] = timezone.localdate(newer.published_at)
    return ModuleRules(
        id=module.pk,
        refresh_months=module.refresh_months,
        current_version=versions[-1].number if versions else 1,
        superseded_on=superseded_on,
    )


def current_versions():
    """Each active module's current version, for choosing what a completion is for."""
    latest = {}
    for version in ModuleVersion.objects.filter(module__is_active=True).select_related("module"):
        if version.module_id not in latest or version.number > latest[version.module_id].number:
            latest[version.module_id] = version
    return sorted(latest.values(), key=lambda v: v.module.title)


def _latest_completions(completions) -> dict[tuple[int, int], tuple[datetime.date, int]]:
    """{(staff id, module id): (completed_on, version number)} of each pair's most recent completion."""
    latest = {}
    rows = completions.order_by("completed_on", "id").values_list(
        "staff_id", "module_id", "completed_on", "module_version__number"
    )
    for staff_id, module_id, completed_on, number in rows:
        latest[(staff_id, module_id)] = (completed_on, number)
    return latest


@dataclass(frozen=True)
class Due:
    staff: StaffMember
    module: TrainingModule
    status: ModuleStatus


@dataclass
class ModuleCompliance:
    module: TrainingModule
    applicable: int = 0
    counts: Counter = field(default_factory=Counter)

    @property
    def compliant(self) -> int:
        return self.counts[Status.IN_DATE] + self.counts[Status.EXPIRING]

    @property
    def percent(self) -> float | None:
        return percent(self.compliant, self.applicable)

    @property
    def rag(self) -> Rag:
        return rag_for(self.percent)

    @property
    def rag_tag_class(self) -> str:
        return RAG_TAG_CLASSES[self.rag]

    def count(self, status: str) -> int:
        return self.counts[status]

    @property
    def in_date(self) -> int:
        return self.counts[Status.IN_DATE]

    @property
    def expiring(self) -> int:
        return self.counts[Status.EXPIRING]

    @property
    def overdue(self) -> int:
        return self.counts[Status.OVERDUE]

    @property
    def refresher_due(self) -> int:
        return self.counts[Status.REFRESHER_DUE]

    @property
    def never_completed(self) -> int:
        return self.counts[Status.NEVER_COMPLETED]


@dataclass
class GroupCompliance:
    """Compliance for a group of staff (in-house or outsourced)."""

    label: str
    staff_count: int = 0
    applicable: int = 0
    compliant: int = 0

    @property
    def percent(self) -> float | None:
        return percent(self.compliant, self.applicable)

    @property
    def rag(self) -> Rag:
        return rag_for(self.percent)

    @property
    def rag_tag_class(self) -> str:
        return RAG_TAG_CLASSES[self.rag]


@dataclass
class ComplianceSummary:
    """An organisation's training compliance. Counts are of (person, module) pairs unless named for staff."""

    today: datetime.date
    active_staff: int
    applicable: int
    compliant: int
    fully_compliant_staff: int
    counts: Counter
    modules: list[ModuleCompliance]
    groups: list[GroupCompliance]
    overdue: list[Due]  # overdue and refresher due, soonest first
    expiring: list[Due]  # expiring within 30 days, soonest first

    @property
    def percent_in_date(self) -> float | None:
        return percent(self.compliant, self.applicable)

    @property
    def rag(self) -> Rag:
        return rag_for(self.percent_in_date)

    @property
    def rag_tag_class(self) -> str:
        return RAG_TAG_CLASSES[self.rag]

    @property
    def overdue_count(self) -> int:
        return self.counts[Status.OVERDUE]

    @property
    def refresher_due_count(self) -> int:
        return self.counts[Status.REFRESHER_DUE]

    @property
    def due_within_30_days(self) -> int:
        return self.counts[Status.EXPIRING]

    @property
    def never_completed_count(self) -> int:
        return self.counts[Status.NEVER_COMPLETED]


def _iter_statuses(staff_members, modules, latest, today):
    """Yield (staff, module, ModuleStatus) for every module that applies to each person."""
    rules = [(module, module_rules(module), set(module.applies_to_roles)) for module in modules]
    for staff in staff_members:
        for module, module_rule, roles in rules:
            if roles and staff.role not in roles:
                continue
            yield staff, module, status_for(module_rule, latest.get((staff.pk, module.pk)), today)


def compliance_summary(organisation, *, today: datetime.date | None = None) -> ComplianceSummary:
    """Training compliance of the organisation's active staff: four queries whatever the head count."""
    today = today or timezone.localdate()
    modules = active_modules()
    staff_members = list(
        staff_for_organisation(organisation).only("id", "full_name", "email", "role", "employment_type")
    )
    latest = _latest_completions(
        Completion.objects.filter(staff__organisation=organisation, staff__left_on__isnull=True)
    )

    per_module = {module.pk: ModuleCompliance(module) for module in modules}
    groups = {value: GroupCompliance(label) for value, label in EmploymentType.choices}
    counts: Counter = Counter()
    overdue, expiring = [], []
    non_compliant_staff = set()
    for staff in staff_members:
        groups[staff.employment_type].staff_count += 1
    for staff, module, module_status in _iter_statuses(staff_members, modules, latest, today):
        status = module_status.status
        counts[status] += 1
        entry = per_module[module.pk]
        entry.applicable += 1
        entry.counts[status] += 1
        group = groups[staff.employment_type]
        group.applicable += 1
        if status in COMPLIANT_STATUSES:
            group.compliant += 1
            if status == Status.EXPIRING:
                expiring.append(Due(staff, module, module_status))
        else:
            non_compliant_staff.add(staff.pk)
            if status in (Status.OVERDUE, Status.REFRESHER_DUE):
                overdue.append(Due(staff, module, module_status))

    overdue.sort(key=lambda due: (due.status.due_on, due.staff.full_name))
    expiring.sort(key=lambda due: (due.status.due_on, due.staff.full_name))
    applicable = sum(counts.values())
    compliant = counts[Status.IN_DATE] + counts[Status.EXPIRING]
    return ComplianceSummary(
        today=today,
        active_staff=len(staff_members),
        applicable=applicable,
        compliant=compliant,
        fully_compliant_staff=len(staff_members) - len(non_compliant_staff),
        counts=counts,
        modules=list(per_module.values()),
        groups=list(groups.values()),
        overdue=overdue,
        expiring=expiring,
    )


def statuses_for_staff_members(staff_members, *, today: datetime.date | None = None):
    """{staff id: [(module, ModuleStatus), ...]} for a page of staff: three queries whatever the page size."""
    today = today or timezone.localdate()
    staff_members = list(staff_members)
    modules = active_modules()
    latest = _latest_completions(Completion.objects.filter(staff__in=[s.pk for s in staff_members]))
    result = {staff.pk: [] for staff in staff_members}
    for staff, module, module_status in _iter_statuses(staff_members, modules, latest, today):
        result[staff.pk].append((module, module_status))
    return result


def completions_for_staff_member(staff: StaffMember):
    """Every completion the person has, newest first: history is never overwritten."""
    return staff.completions.select_related("module_version", "module", "recorded_by").order_by(
        "-completed_on", "-id"
    )


def version_history(module: TrainingModule):
    return module.versions.select_related("published_by").order_by("-number")


def timeline_events_for_organisation(organisation) -> list[TimelineEvent]:
    """Completions (grouped per session) and new module versions that made staff due a refresher."""
    dashboard_url = reverse("training:dashboard", args=[organisation.ods_code])
    sessions = defaultdict(list)
    completions = (
        Completion.objects.filter(staff__organisation=organisation)
        .select_related("module_version__module", "recorded_by", "staff")
        .order_by("completed_on", "id")
    )
    for completion in completions:
        key = (completion.module_version_id, completion.completed_on, completion.method)
        sessions[key].append(completion)

    events = []
    completed_versions = {}
    for (_, completed_on, _), group in sessions.items():
        first = group[0]
        version = first.module_version
        names = ", ".join(sorted(c.staff.full_name for c in group))
        people = "1 person" if len(group) == 1 else f"{len(group)} people"
        events.append(
            TimelineEvent(
                occurred_at=_start_of_day(completed_on),
                category="training",
                title=f"Training completed: {version.module.title} (version {version.number})",
                detail=f"{first.get_method_display()} for {people}: {names}",
                url=dashboard_url,
                actor=first.recorded_by.display_name if first.recorded_by else "",
            )
        )
        for completion in group:
            key = completion.module_version.module_id
            completed_versions.setdefault(key, set()).add(
                (completion.staff_id, completion.module_version.number)
            )

    if completed_versions:
        versions = (
            ModuleVersion.objects.filter(module_id__in=completed_versions.keys(), number__gt=1)
            .select_related("module", "published_by")
            .order_by("published_at")
        )
        for version in versions:
            affected = {
                staff_id
                for staff_id, number in completed_versions[version.module_id]
                if number < version.number
            }
            if not affected:
                continue
            events.append(
                TimelineEvent(
                    occurred_at=version.published_at,
                    category="training",
                    title=f"New version of {version.module.title}: version {version.number}",
                    detail=f"{version.change_note} Staff trained on an earlier version need a refresher "
                    f"({len(affected)} trained here before this version).",
                    url=dashboard_url,
                    actor=version.published_by.display_name if version.published_by else "",
                )
            )
    events.sort(key=lambda event: event.occurred_at)
    return events


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def it_lead_emails(organisation) -> list[str]:
    """Who hears about training for an organisation: its IT leads, else its organisation admins."""
    from organisations.models import Membership, Role

    memberships = Membership.objects.filter(organisation=organisation, user__is_active=True)
    emails = sorted(set(memberships.filter(role=Role.IT_LEAD).values_list("user__email", flat=True)))
    if not emails:
        emails = sorted(set(memberships.filter(role=Role.ORG_ADMIN).values_list("user__email", flat=True)))
    return emails

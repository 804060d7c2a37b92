"""Compliance figures: by the database for the dashboard, row by row for reminders."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from organisations.data_versions import page_cache

from .. import aggregates
from ..compliance import (
    COMPLIANT_STATUSES,
    RAG_TAG_CLASSES,
    ModuleStatus,
    Rag,
    Status,
    TrainedStaff,
    percent,
    rag_for,
    status_for,
)
from ..models import Completion, EmploymentType, StaffMember, TrainingModule
from .modules import active_modules, module_rules
from .staff import staff_for_organisation


def _latest_completions(completions) -> dict[tuple[int, int], tuple[datetime.date, int]]:
    """{(staff id, module id): (latest completion date, newest version completed)} for each pair.

    A person's standing in a module is their most recent completion and the newest version they
    have completed (the database-side figures in ``aggregates`` use the same two maxima).
    """
    latest = {}
    rows = completions.values_list("staff_id", "module_id", "completed_on", "version_number")
    for staff_id, module_id, completed_on, number in rows:
        key = (staff_id, module_id)
        current = latest.get(key)
        if current is None:
            latest[key] = (completed_on, number)
        else:
            latest[key] = (max(current[0], completed_on), max(current[1], number))
    return latest


@dataclass(frozen=True)
class Due:
    staff: StaffMember
    module: TrainingModule
    status: ModuleStatus


class RagFigures:
    """Percentage and red/amber/green status of ``compliant`` out of ``applicable``."""

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
class ModuleCompliance(RagFigures):
    module: TrainingModule
    applicable: int = 0
    counts: Counter = field(default_factory=Counter)

    @property
    def compliant(self) -> int:
        return self.counts[Status.IN_DATE] + self.counts[Status.EXPIRING]

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
class GroupCompliance(RagFigures):
    """Compliance for a group of staff (in-house or outsourced)."""

    label: str
    staff_count: int = 0
    applicable: int = 0
    compliant: int = 0


@dataclass
class ComplianceSummary(RagFigures):
    """An organisation's training compliance. Counts are of (person, module) pairs unless named for staff."""

    today: datetime.date
    active_staff: int
    applicable: int
    compliant: int
    fully_compliant_staff: int
    counts: Counter
    modules: list[ModuleCompliance]
    groups: list[GroupCompliance]
    overdue: list[Due]  # overdue and refresher due, soonest first (the first few on the dashboard)
    expiring: list[Due]  # expiring within 30 days, soonest first (likewise)
    overdue_total: int = 0
    expiring_total: int = 0

    @property
    def percent_in_date(self) -> float | None:
        """Of (person, module) pairs: the dashboard's per-module detail, not the headline figure."""
        return self.percent

    @property
    def trained_staff(self) -> TrainedStaff:
        """The headline figure, the same one the readiness summary and the ICB overview show."""
        return TrainedStaff(trained=self.fully_compliant_staff, staff=self.active_staff)

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
    # Many people share a module's latest (date, version): work each one out once (ModuleStatus is frozen).
    known: dict[tuple, ModuleStatus] = {}
    for staff in staff_members:
        for module, module_rule, roles in rules:
            if roles and staff.role not in roles:
                continue
            key = (module.pk, latest.get((staff.pk, module.pk)))
            module_status = known.get(key)
            if module_status is None:
                module_status = known[key] = status_for(module_rule, key[1], today)
            yield staff, module, module_status


def compliance_in_python(organisation, *, today: datetime.date | None = None) -> ComplianceSummary:
    """Every active person's status for every module that applies to them, worked out row by row.

    Four queries whatever the head count, but the time grows with it. The reference the database
    figures of ``compliance_summary`` (the dashboard) are tested against; the reminders apply the
    same rules to every organisation at once (``dues_for_reminders``).
    """
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
        overdue_total=len(overdue),
        expiring_total=len(expiring),
    )


SUMMARY_CACHE_SECONDS = 3600
# How many overdue and expiring people a summary lists by default (the dashboard shows these).
SUMMARY_LIST_LIMIT = 25


def compliance_summary(
    organisation,
    *,
    today: datetime.date | None = None,
    list_limit: int = SUMMARY_LIST_LIMIT,
    cache_key: str | None = None,
) -> ComplianceSummary:
    """Training compliance of the organisation's active staff, counted by the database.

    ``overdue`` and ``expiring`` hold the first ``list_limit`` people (soonest due first);
    ``overdue_total`` / ``expiring_total`` count everyone. Five queries whatever the head count;
    the result is cached under a stamp of the data it was worked out from (one cheap query), so
    a repeat view costs one query until a record, module or version changes or the day turns.
    A caller that has read ``summary_cache_key`` for the same day and limit passes it as ``cache_key``.
    """
    today = today or timezone.localdate()
    key = cache_key or summary_cache_key(organisation, today=today, list_limit=list_limit)
    summary = page_cache.get(key)
    if summary is None:
        summary = _count_compliance(organisation, today, list_limit)
        page_cache.set(key, summary, SUMMARY_CACHE_SECONDS)
    return summary


@dataclass(frozen=True)
class TrainingFigure:
    """The part of ``ComplianceSummary`` the readiness summary shows."""

    trained_staff: TrainedStaff
    overdue_count: int


def training_figure(organisation, *, today: datetime.date | None = None) -> TrainingFigure:
    """``compliance_summary(organisation).trained_staff`` and ``.overdue_count``, cached on their own
    under a key containing ``summary_cache_key``, so they change exactly when the summary does: a
    page that shows only these two does not unpickle the whole summary (its lists of people) each time."""
    today = today or timezone.localdate()
    key = summary_cache_key(organisation, today=today, list_limit=SUMMARY_LIST_LIMIT)
    figure = page_cache.get(f"{key}:figure")
    if figure is None:
        summary = compliance_summary(organisation, today=today, cache_key=key)
        figure = TrainingFigure(trained_staff=summary.trained_staff, overdue_count=summary.overdue_count)
        page_cache.set(f"{key}:figure", figure, SUMMARY_CACHE_SECONDS)
    return figure


def summary_cache_key(organisation, *, today: datetime.date, list_limit: int) -> str:
    """The key ``compliance_summary`` caches under: it changes with the organisation's records, the
    modules and versions (``aggregates.data_stamp``, one query) and the day. Anything shown from the
    summary alone may be cached under a key that contains this one."""
    stamp = aggregates.data_stamp(organisation)
    return f"training:summary:{organisation.pk}:{today.isoformat()}:{list_limit}:{stamp}"


def _count_compliance(organisation, today: datetime.date, list_limit: int) -> ComplianceSummary:
    modules = active_modules()
    modules_and_rules = [(module, module_rules(module)) for module in modules]
    staff_counts = Counter(
        {
            (role, employment_type): count
            for role, employment_type, count in staff_for_organisation(organisation)
            .order_by()
            .values("role", "employment_type")
            .annotate(count=Count("id"))
            .values_list("role", "employment_type", "count")
        }
    )
    rows, due_rows = aggregates.dashboard_rows(organisation, modules_and_rules, today, list_limit)
    pair_counts, compliant_by_employment, in_date_people = aggregates.tally(rows, modules_and_rules)

    counts: Counter = Counter()
    per_module = []
    groups = {value: GroupCompliance(label) for value, label in EmploymentType.choices}
    for (_, employment_type), count in staff_counts.items():
        groups[employment_type].staff_count += count
    for module in modules:
        entry = ModuleCompliance(module)
        for (role, employment_type), count in staff_counts.items():
            if module.applies_to(role):
                entry.applicable += count
                groups[employment_type].applicable += count
        entry.counts = pair_counts[module.pk]
        entry.counts[Status.NEVER_COMPLETED] = entry.applicable - sum(entry.counts.values())
        counts.update(entry.counts)
        per_module.append(entry)
    for employment_type, count in compliant_by_employment.items():
        groups[employment_type].compliant += count

    modules_per_role = {role: sum(1 for m in modules if m.applies_to(role)) for role, _ in staff_counts}
    fully_compliant = sum(
        count for (role, _), count in staff_counts.items() if modules_per_role[role] == 0
    ) + sum(count for role, in_date, count in in_date_people if in_date == modules_per_role.get(role, -1))

    modules_by_id = {module.pk: module for module in modules}
    overdue, expiring = [], []
    for staff, module_id, module_status in due_rows:
        due = Due(staff, modules_by_id[module_id], module_status)
        (expiring if module_status.status == Status.EXPIRING else overdue).append(due)
    overdue.sort(key=lambda due: (due.status.due_on, due.staff.full_name))
    expiring.sort(key=lambda due: (due.status.due_on, due.staff.full_name))

    applicable = sum(counts.values())
    return ComplianceSummary(
        today=today,
        active_staff=sum(staff_counts.values()),
        applicable=applicable,
        compliant=counts[Status.IN_DATE] + counts[Status.EXPIRING],
        fully_compliant_staff=fully_compliant,
        counts=+counts,
        modules=per_module,
        groups=list(groups.values()),
        overdue=overdue[:list_limit],
        expiring=expiring[:list_limit],
        overdue_total=counts[Status.OVERDUE] + counts[Status.REFRESHER_DUE],
        expiring_total=counts[Status.EXPIRING],
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

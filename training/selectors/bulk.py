"""Staff compliance for many organisations at once (the ICB overview), in a fixed number of queries."""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import QuerySet
from django.utils import timezone

from ..compliance import COMPLIANT_STATUSES, Status, TrainedStaff
from ..models import Completion, StaffMember
from .compliance import Due, _iter_statuses, _latest_completions
from .modules import active_modules


@dataclass(frozen=True)
class StaffCompliance:
    """How many of an organisation's active staff are in date for every module that applies to them."""

    organisation_id: int
    active_staff: int
    fully_compliant_staff: int

    @property
    def trained_staff(self) -> TrainedStaff:
        return TrainedStaff(trained=self.fully_compliant_staff, staff=self.active_staff)

    @property
    def percent_trained(self) -> float | None:
        return self.trained_staff.percent


class _Staff(NamedTuple):
    pk: int
    role: str
    organisation_id: int


def compliance_for_organisations(
    organisation_ids: Iterable[int], *, today: datetime.date | None = None
) -> dict[int, StaffCompliance]:
    """{organisation id: StaffCompliance} for every id given, in four queries whatever their number.

    ``organisation_ids`` may be a list or a QuerySet of ids (a subquery; one more query). The
    figures are those of ``compliance_summary`` (``active_staff``, ``fully_compliant_staff``),
    worked out with the row-by-row rules of ``compliance_in_python`` (``status_for`` for each
    person and module that applies to them) that the dashboard's database figures are tested against.
    """
    today = today or timezone.localdate()
    ids = list(organisation_ids)
    if not isinstance(organisation_ids, QuerySet):
        organisation_ids = ids
    modules = active_modules()
    staff_members = [
        _Staff(*row)
        for row in StaffMember.objects.active()
        .filter(organisation__in=organisation_ids)
        .values_list("id", "role", "organisation_id")
    ]
    latest = _latest_completions(
        Completion.objects.filter(staff__organisation__in=organisation_ids, staff__left_on__isnull=True)
    )
    active: Counter = Counter(staff.organisation_id for staff in staff_members)
    non_compliant = {
        staff
        for staff, _, module_status in _iter_statuses(staff_members, modules, latest, today)
        if module_status.status not in COMPLIANT_STATUSES
    }
    not_in_date: Counter = Counter(staff.organisation_id for staff in non_compliant)
    return {
        organisation_id: StaffCompliance(
            organisation_id=organisation_id,
            active_staff=active[organisation_id],
            fully_compliant_staff=active[organisation_id] - not_in_date[organisation_id],
        )
        for organisation_id in ids
    }


REMINDER_STATUSES = frozenset({Status.EXPIRING, Status.OVERDUE, Status.REFRESHER_DUE})


def dues_for_reminders(*, today: datetime.date | None = None) -> list[Due]:
    """Every active person, in every organisation, whose training in a module expires within 30 days,
    is overdue or needs a refresher for a new version; ``staff.organisation`` is loaded.

    Four queries whatever the number of organisations (the row-by-row rules of ``compliance_in_python``).
    """
    today = today or timezone.localdate()
    staff_members = (
        StaffMember.objects.active()
        .select_related("organisation")
        .only("id", "full_name", "email", "role", "organisation__name")
    )
    latest = _latest_completions(Completion.objects.filter(staff__left_on__isnull=True))
    return [
        Due(staff, module, module_status)
        for staff, module, module_status in _iter_statuses(staff_members, active_modules(), latest, today)
        if module_status.status in REMINDER_STATUSES
    ]

"""The ICB overview: readiness of every organisation an RA provider supports, read in bulk.

The per-organisation selectors of the parts (``plan_summary``, ``compliance_summary``,
``ra_status_for_organisation``) each run a few queries, which for 2,000 organisations would be
thousands. Here each part's tables are read once for all the organisations (a fixed number of
queries), and the same readiness rule (``readiness.py``) and the authenticator engine
(``authenticators.rules``) are applied in memory. The parts have no bulk selectors of their own.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from organisations.models import Organisation, RAProvider

from . import readiness
from .models import ReadinessJourney, ReadinessStatus


@dataclass(frozen=True)
class OrganisationReadiness:
    organisation: Organisation
    status: str
    ra_state: str
    plan_state: str
    training_state: str
    cis1_state: str
    ra_detail: str
    percent_trained: float | None
    cis1_applications: tuple[str, ...]
    uncovered_applications: tuple[str, ...]

    @property
    def status_label(self) -> str:
        return ReadinessStatus(self.status).label


@dataclass(frozen=True)
class ICBOverview:
    provider: RAProvider
    rows: tuple[OrganisationReadiness, ...]
    organisation_type: str

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        """(status, label, count) for every status, including those with none."""
        tally = defaultdict(int)
        for row in self.rows:
            tally[row.status] += 1
        return [(status.value, status.label, tally[status.value]) for status in ReadinessStatus]

    def rows_with_status(self, status: str) -> list[OrganisationReadiness]:
        return [row for row in self.rows if row.status == status]


def _ra_facts(org_ids_query):
    from ra_requests.models import OPEN_STATUSES, RARequest, Status

    open_requests = {}
    for request in (
        RARequest.objects.filter(organisation__in=org_ids_query, status__in=OPEN_STATUSES)
        .only("id", "organisation_id", "status", "acknowledge_due_at", "resolve_due_at", "created_at")
        .order_by("organisation_id", "-created_at")
    ):
        open_requests.setdefault(request.organisation_id, request)
    resolved = set(
        RARequest.objects.filter(organisation__in=org_ids_query, status=Status.RESOLVED).values_list(
            "organisation_id", flat=True
        )
    )
    return open_requests, resolved


def _plan_facts(org_ids_query):
    """{organisation id: (has_plan, covers_every_application, uncovered names, cis1 names, has inventory)}.

    Reads ids with ``values_list`` (no model instances for thousands of rows) and asks the engine
    once per distinct (chosen set, applications, estate) combination: many organisations share one.
    """
    from authenticators import rules
    from authenticators.models import Application, Authenticator, EstateFacts, InventoryEntry, UserGroup

    authenticators = [a.to_spec() for a in Authenticator.objects.order_by("slug")]
    specs = {
        app.pk: app.to_spec()
        for app in Application.objects.filter(inventory_entries__organisation__in=org_ids_query).distinct()
    }
    inventory = defaultdict(set)
    for org_id, app_id in InventoryEntry.objects.filter(organisation__in=org_ids_query).values_list(
        "organisation_id", "application_id"
    ):
        inventory[org_id].add(app_id)
    estates = {
        row.pop("organisation_id"): rules.EstateFacts(**row)
        for row in EstateFacts.objects.filter(organisation__in=org_ids_query).values(
            "organisation_id", "hscn", "windows_tpm", "ipads", "smartphones", "shared_workstations"
        )
    }
    groups = defaultdict(list)
    for group_id, org_id, chosen_at in UserGroup.objects.filter(organisation__in=org_ids_query).values_list(
        "pk", "organisation_id", "plan_chosen_at"
    ):
        groups[org_id].append((group_id, chosen_at is not None))
    group_apps = defaultdict(set)
    for group_id, app_id in UserGroup.applications.through.objects.filter(
        usergroup__organisation__in=org_ids_query
    ).values_list("usergroup_id", "application_id"):
        group_apps[group_id].add(app_id)
    chosen = defaultdict(set)
    for group_id, slug in UserGroup.chosen_authenticators.through.objects.filter(
        usergroup__organisation__in=org_ids_query
    ).values_list("usergroup_id", "authenticator__slug"):
        chosen[group_id].add(slug)

    @functools.cache
    def uncovered_names(chosen_slugs: frozenset, app_ids: frozenset, estate: rules.EstateFacts) -> frozenset:
        apps = [specs[app_id] for app_id in app_ids if app_id in specs]
        missing = set(rules.uncovered_by(chosen_slugs, apps, authenticators, estate))
        return frozenset(app.name for app in apps if app.slug in missing)

    facts = {}
    for org_id in set(inventory) | set(groups):
        apps = [specs[app_id] for app_id in inventory.get(org_id, ()) if app_id in specs]
        org_groups = groups.get(org_id, [])
        estate = estates.get(org_id, rules.EstateFacts())
        has_plan = bool(apps) and bool(org_groups) and all(has_chosen for _, has_chosen in org_groups)
        uncovered, assigned = set(), set()
        for group_id, has_chosen in org_groups:
            assigned.update(group_apps[group_id])
            if has_chosen:
                uncovered |= uncovered_names(
                    frozenset(chosen[group_id]), frozenset(group_apps[group_id]), estate
                )
        unassigned = {specs[i].name for i in inventory.get(org_id, ()) if i in specs and i not in assigned}
        facts[org_id] = (
            has_plan,
            has_plan and not uncovered and not unassigned,
            tuple(sorted(uncovered | unassigned)),
            tuple(sorted(app.name for app in apps if app.generation == rules.CIS1)),
            bool(apps),
        )
    return facts


def _training_facts(org_ids_query, today):
    """{organisation id: (active staff, fully trained and in date staff)}."""
    from training.compliance import COMPLIANT_STATUSES
    from training.models import StaffMember
    from training.selectors import statuses_for_staff_members

    staff = list(
        StaffMember.objects.active()
        .filter(organisation__in=org_ids_query)
        .only("id", "organisation_id", "role", "employment_type", "full_name", "email")
    )
    statuses = statuses_for_staff_members(staff, today=today)
    facts = defaultdict(lambda: [0, 0])
    for member in staff:
        facts[member.organisation_id][0] += 1
        if all(status.status in COMPLIANT_STATUSES for _, status in statuses[member.pk]):
            facts[member.organisation_id][1] += 1
    return facts


def icb_overview(
    provider: RAProvider, *, organisation_type: str = "", today: datetime.date | None = None
) -> ICBOverview:
    """Readiness of every organisation ``provider`` supports, in a fixed number of queries."""
    from ra_requests.selectors import organisations_supported_by

    today = today or timezone.localdate()
    organisations = organisations_supported_by(provider)
    if organisation_type:
        organisations = organisations.filter(organisation_type=organisation_type)
    org_list = list(organisations.select_related("icb").order_by("name"))
    ids_query = Organisation.objects.filter(pk__in=organisations.values("pk")).values("pk")

    own_support = set(
        ReadinessJourney.objects.filter(
            organisation__in=ids_query, **{"answers__ra-support__has_ra_support": "yes"}
        ).values_list("organisation_id", flat=True)
    )
    open_requests, resolved = _ra_facts(ids_query)
    plans = _plan_facts(ids_query)
    training = _training_facts(ids_query, today)

    rows = []
    for organisation in org_list:
        request = open_requests.get(organisation.pk)
        ra = readiness.ra_state(
            has_own_support=organisation.pk in own_support,
            has_open_request=request is not None,
            has_resolved_request=organisation.pk in resolved,
        )
        has_plan, covers, uncovered, cis1, has_inventory = plans.get(
            organisation.pk, (False, False, (), (), False)
        )
        plan = readiness.plan_state(has_plan=has_plan, covers_every_application=covers)
        active, trained = training.get(organisation.pk, (0, 0))
        percent = None if not active else 100.0 * trained / active
        training_state = readiness.training_state(active_staff=active, percent_trained=percent)
        cis1_state = readiness.cis1_state(
            applications_known=has_inventory, cis1_application_count=len(cis1), today=today
        )
        if organisation.pk in own_support:
            ra_detail = "Has RA support"
        elif organisation.pk in resolved:
            ra_detail = "Request resolved"
        elif request is not None:
            ra_detail = f"{request.reference}: {request.get_status_display()}"
            if request.is_overdue(timezone.now()):
                ra_detail += " (overdue)"
        else:
            ra_detail = "None arranged"
        rows.append(
            OrganisationReadiness(
                organisation=organisation,
                status=readiness.overall_status([ra, plan, training_state, cis1_state]),
                ra_state=ra,
                plan_state=plan,
                training_state=training_state,
                cis1_state=cis1_state,
                ra_detail=ra_detail,
                percent_trained=percent,
                cis1_applications=cis1,
                uncovered_applications=uncovered,
            )
        )
    return ICBOverview(provider=provider, rows=tuple(rows), organisation_type=organisation_type)

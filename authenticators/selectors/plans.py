"""An organisation's authenticator plan: what the plan page, the wizard and the readiness summary show."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import IntegerField, Value

from cis_portal.compiled_queries import CompiledQuery
from organisations.data_versions import cached
from organisations.models import Organisation

from .. import rules
from ..models import APPLICATION_SPEC_COLUMNS, ESTATE_FIELDS, InventoryEntry, UserGroup, application_spec
from .records import authenticator_specs


@dataclass(frozen=True)
class GroupPlan:
    group_id: int
    name: str
    head_count: int
    applications: tuple[rules.ApplicationSpec, ...]
    recommendation: rules.Recommendation
    recommended: tuple[str, ...]
    chosen: tuple[str, ...]
    has_chosen: bool
    uncovered: tuple[str, ...]  # application names the chosen (or, until chosen, recommended) set misses
    shopping_list: tuple[rules.ShoppingItem, ...]

    @property
    def effective(self) -> tuple[str, ...]:
        return self.chosen if self.has_chosen else self.recommended

    @property
    def differs_from_recommendation(self) -> bool:
        return self.has_chosen and set(self.chosen) != set(self.recommended)

    @property
    def recommended_labels(self) -> tuple[str, ...]:
        """Labels of the recommended authenticators, in slug order."""
        return self._labels(self.recommended)

    @property
    def chosen_labels(self) -> tuple[str, ...]:
        """Labels of the chosen authenticators, in slug order."""
        return self._labels(self.chosen)

    def _labels(self, slugs) -> tuple[str, ...]:
        return tuple(a.label for a in self.recommendation.authenticators if a.slug in slugs)


@dataclass(frozen=True)
class PlanCoverage:
    """The part of an organisation's plan the readiness checks need, for one or many organisations.

    Same meanings as the fields of ``PlanSummary`` of the same names; ``has_inventory``: the
    organisation has listed at least one application.
    """

    organisation_id: int
    has_inventory: bool
    has_plan: bool
    covers_every_application: bool
    uncovered_applications: tuple[str, ...]
    unassigned_applications: tuple[str, ...]
    cis1_applications: tuple[str, ...]


@dataclass(frozen=True)
class PlanSummary:
    """An organisation's authenticator plan, for its plan page, the wizard and the summary page.

    ``has_plan``: there is an inventory, at least one group, and every group has chosen authenticators.
    ``covers_every_application``: has_plan, every group's chosen set covers all its applications and
    every inventory application belongs to a group.
    ``uncovered_applications``: names of applications some group's chosen set cannot sign in to.
    ``cis1_applications``: names of inventory applications still on CIS1.
    ``shopping_list``: items for every group's chosen (or recommended) set, with per-person
    quantities added up from the groups' head counts.
    """

    organisation_id: int
    inventory: tuple[rules.ApplicationSpec, ...]
    estate: rules.EstateFacts
    authenticators: tuple[rules.AuthenticatorSpec, ...]
    overall: rules.Recommendation
    groups: tuple[GroupPlan, ...]
    has_plan: bool
    covers_every_application: bool
    uncovered_applications: tuple[str, ...]
    unassigned_applications: tuple[str, ...]
    cis1_applications: tuple[str, ...]
    shopping_list: tuple[rules.ShoppingItem, ...]
    warnings: tuple[rules.Warning, ...]

    def authenticator_name(self, slug: str) -> str:
        return next((a.name for a in self.authenticators if a.slug == slug), slug)

    @property
    def recommended_by_group(self) -> dict[str, tuple[str, ...]]:
        return {g.name: g.recommended for g in self.groups}

    @property
    def chosen_by_group(self) -> dict[str, tuple[str, ...]]:
        return {g.name: g.chosen for g in self.groups}

    @property
    def coverage(self) -> PlanCoverage:
        return PlanCoverage(
            organisation_id=self.organisation_id,
            has_inventory=bool(self.inventory),
            has_plan=self.has_plan,
            covers_every_application=self.covers_every_application,
            uncovered_applications=self.uncovered_applications,
            unassigned_applications=self.unassigned_applications,
            cis1_applications=self.cis1_applications,
        )


class _GroupCoverage(NamedTuple):
    """What ``plan_coverage`` reads from a group (``GroupPlan`` has the same attributes)."""

    applications: tuple[rules.ApplicationSpec, ...]
    has_chosen: bool
    uncovered: tuple[str, ...]


def uncovered_application_names(effective, applications, authenticators, estate) -> tuple[str, ...]:
    """Names of the group's applications that none of the ``effective`` authenticators signs in to,
    in the order ``applications`` gives them."""
    missing = set(rules.uncovered_by(effective, applications, authenticators, estate))
    return tuple(a.name for a in applications if a.slug in missing)


@dataclass(frozen=True)
class CoverageGap:
    """An application a group's chosen authenticators leave without a way to sign in."""

    application: str
    covered_by: tuple[str, ...]  # names of the authenticators that would sign in to it, given the estate

    @property
    def can_be_covered(self) -> bool:
        return bool(self.covered_by)


def coverage_gaps(group: GroupPlan, chosen_slugs: Iterable[str], authenticators) -> tuple[CoverageGap, ...]:
    """The applications of ``group`` that ``chosen_slugs`` leave without a way to sign in, each with the
    authenticators that would cover it (none when the estate rules every one out).

    Uses the same ``rules.uncovered_by`` as ``GroupPlan.uncovered``, so what the wizard stops is
    exactly what the plan would report as uncovered.
    """
    chosen = tuple(chosen_slugs)
    estate = group.recommendation.estate
    missing = set(rules.uncovered_by(chosen, group.applications, authenticators, estate))
    names = {a.slug: a.name for a in authenticators}
    return tuple(
        CoverageGap(
            application=application.name,
            covered_by=tuple(names[slug] for slug in group.recommendation.usable_for_app(application.slug)),
        )
        for application in group.applications
        if application.slug in missing
    )


def plan_coverage(organisation_id: int, inventory, groups) -> PlanCoverage:
    """The readiness facts of a plan from its inventory (specs, by name) and its groups.

    The one place "the plan covers every application" is decided: ``plan_summary`` (plan page,
    wizard, readiness summary) and ``plan_summaries_for_organisations`` (ICB overview) both call it.
    """
    assigned = {a.slug for g in groups for a in g.applications}
    unassigned = tuple(a.name for a in inventory if a.slug not in assigned)
    uncovered = tuple(sorted({name for g in groups for name in g.uncovered}))
    has_plan = bool(inventory) and bool(groups) and all(g.has_chosen for g in groups)
    return PlanCoverage(
        organisation_id=organisation_id,
        has_inventory=bool(inventory),
        has_plan=has_plan,
        covers_every_application=has_plan and not uncovered and not unassigned,
        uncovered_applications=uncovered,
        unassigned_applications=unassigned,
        cis1_applications=tuple(a.name for a in inventory if a.generation == rules.CIS1),
    )


class _GroupRow(NamedTuple):
    pk: int
    name: str
    head_count: int
    has_chosen: bool
    chosen: list[str]  # slugs, in slug order


def _estate_and_groups_query(organisation_id: int):
    """The organisation's row joined to its estate facts (one row or none) and its groups' chosen
    authenticators: one row per choice, and one for a group that has chosen none."""
    return (
        Organisation.objects.filter(pk=organisation_id)
        .order_by("user_groups__name", "user_groups__chosen_authenticators__slug")
        .values_list(
            *(f"estate_facts__{name}" for name in ESTATE_FIELDS),
            "user_groups__pk",
            "user_groups__name",
            "user_groups__head_count",
            "user_groups__plan_chosen_at",
            "user_groups__chosen_authenticators__slug",
        )
    )


def _applications_query(organisation_id: int):
    """The inventory's application specs (with no group) and the groups' (with the group's id),
    as one UNION ALL, by name."""
    columns = [f"application__{name}" for name in APPLICATION_SPEC_COLUMNS]
    in_inventory = InventoryEntry.objects.filter(organisation_id=organisation_id).values_list(
        *columns, Value(None, output_field=IntegerField())
    )
    in_groups = UserGroup.applications.through.objects.filter(
        usergroup__organisation_id=organisation_id
    ).values_list(*columns, "usergroup_id")
    return in_inventory.union(in_groups, all=True).order_by("application__name", "application__slug")


ESTATE_AND_GROUPS = CompiledQuery(_estate_and_groups_query)
APPLICATIONS = CompiledQuery(_applications_query)


def _estate_and_groups(organisation: Organisation) -> tuple[rules.EstateFacts, list[_GroupRow]]:
    """The organisation's estate facts and its groups by name, in one query."""
    rows = ESTATE_AND_GROUPS.rows(organisation.pk)
    estate = (
        rules.EstateFacts(**dict(zip(ESTATE_FIELDS, rows[0], strict=False))) if rows else rules.EstateFacts()
    )
    groups: dict[int, _GroupRow] = {}
    for *_estate, pk, name, head_count, chosen_at, chosen_slug in rows:
        if pk is None:  # no groups
            continue
        group = groups.setdefault(pk, _GroupRow(pk, name, head_count, chosen_at is not None, []))
        if chosen_slug is not None:
            group.chosen.append(chosen_slug)
    return estate, list(groups.values())


def _inventory_and_group_applications(
    organisation: Organisation,
) -> tuple[tuple[rules.ApplicationSpec, ...], dict[int, list[rules.ApplicationSpec]]]:
    """The inventory's specs and {group id: its applications' specs}, each by name, in one query."""
    inventory = []
    by_group = defaultdict(list)
    for *spec_columns, group_id in APPLICATIONS.rows(organisation.pk):
        spec = application_spec(*spec_columns)
        (inventory if group_id is None else by_group[group_id]).append(spec)
    return tuple(inventory), by_group


def plan_summary(organisation: Organisation) -> PlanSummary:
    """Everything about the organisation's plan: one query (its data version) while the plan and
    the catalogue are unchanged, four when either has changed.

    Every caller gets its own copy (the cache pickles), so nothing a caller does to it reaches
    another request.
    """
    return cached("plan-summary", organisation.pk, lambda: build_plan_summary(organisation))


def build_plan_summary(organisation: Organisation) -> PlanSummary:
    """``plan_summary`` worked out from the database, in three queries whatever the plan's size."""
    estate, group_rows = _estate_and_groups(organisation)
    inventory, applications_by_group = _inventory_and_group_applications(organisation)
    authenticators = tuple(authenticator_specs())
    overall = rules.recommend(inventory, authenticators, estate)

    groups = []
    for group in group_rows:
        apps = tuple(applications_by_group.get(group.pk, ()))
        recommendation = rules.recommend(apps, authenticators, estate, head_count=group.head_count)
        chosen = tuple(group.chosen)
        effective = chosen if group.has_chosen else recommendation.recommended
        groups.append(
            GroupPlan(
                group_id=group.pk,
                name=group.name,
                head_count=group.head_count,
                applications=apps,
                recommendation=recommendation,
                recommended=recommendation.recommended,
                chosen=chosen,
                has_chosen=group.has_chosen,
                uncovered=uncovered_application_names(effective, apps, authenticators, estate),
                shopping_list=rules.shopping_list(
                    [a for a in authenticators if a.slug in effective],
                    apps,
                    estate,
                    head_count=group.head_count,
                ),
            )
        )

    coverage = plan_coverage(organisation.pk, inventory, groups)
    shopping = (
        rules.merge_shopping_lists(g.shopping_list for g in groups) if groups else overall.shopping_list
    )
    return PlanSummary(
        organisation_id=organisation.pk,
        inventory=inventory,
        estate=estate,
        authenticators=authenticators,
        overall=overall,
        groups=tuple(groups),
        has_plan=coverage.has_plan,
        covers_every_application=coverage.covers_every_application,
        uncovered_applications=coverage.uncovered_applications,
        unassigned_applications=coverage.unassigned_applications,
        cis1_applications=coverage.cis1_applications,
        shopping_list=shopping,
        warnings=rules.warnings_for(inventory, estate, overall.uncoverable),
    )

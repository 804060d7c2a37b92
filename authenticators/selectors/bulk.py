"""The readiness facts of many organisations' plans at once (the ICB overview)."""

import functools
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from .. import rules
from ..models import ESTATE_FIELDS, Application, EstateFacts, InventoryEntry, UserGroup
from .plans import PlanCoverage, _GroupCoverage, plan_coverage, uncovered_application_names
from .records import authenticator_specs


def plan_summaries_for_organisations(organisation_ids: Iterable[int]) -> dict[int, PlanCoverage]:
    """{organisation id: PlanCoverage} for every id given, in seven queries whatever their number.

    ``organisation_ids`` may be a list or a QuerySet of ids (a subquery; one more query). The result for
    each organisation equals ``plan_summary(organisation).coverage``: the same engine calls and
    the same ``plan_coverage`` rule, with ids read by ``values_list`` instead of thousands of model
    instances, and the engine asked once per distinct (authenticators, applications, estate).
    """
    ids = list(organisation_ids)
    if not isinstance(organisation_ids, QuerySet):
        organisation_ids = ids
    authenticators = tuple(authenticator_specs())
    through_apps = UserGroup.applications.through
    specs = {
        app.pk: app.to_spec()
        for app in Application.objects.filter(
            Q(
                pk__in=InventoryEntry.objects.filter(organisation__in=organisation_ids).values(
                    "application_id"
                )
            )
            | Q(
                pk__in=through_apps.objects.filter(usergroup__organisation__in=organisation_ids).values(
                    "application_id"
                )
            )
        ).order_by("name")
    }
    by_name = {app_id: position for position, app_id in enumerate(specs)}  # the database's name order
    inventory = defaultdict(list)
    for org_id, app_id in InventoryEntry.objects.filter(organisation__in=organisation_ids).values_list(
        "organisation_id", "application_id"
    ):
        inventory[org_id].append(app_id)
    estates = {
        row.pop("organisation_id"): rules.EstateFacts(**row)
        for row in EstateFacts.objects.filter(organisation__in=organisation_ids).values(
            "organisation_id", *ESTATE_FIELDS
        )
    }
    groups = defaultdict(list)
    for group_id, org_id, chosen_at in (
        UserGroup.objects.filter(organisation__in=organisation_ids)
        .order_by("name")
        .values_list("pk", "organisation_id", "plan_chosen_at")
    ):
        groups[org_id].append((group_id, chosen_at is not None))
    group_apps = defaultdict(list)
    for group_id, app_id in through_apps.objects.filter(
        usergroup__organisation__in=organisation_ids
    ).values_list("usergroup_id", "application_id"):
        group_apps[group_id].append(app_id)
    chosen = defaultdict(set)
    for group_id, slug in UserGroup.chosen_authenticators.through.objects.filter(
        usergroup__organisation__in=organisation_ids
    ).values_list("usergroup_id", "authenticator__slug"):
        chosen[group_id].add(slug)

    @functools.cache
    def group_uncovered(chosen_slugs: frozenset | None, app_ids: frozenset, estate) -> tuple[str, ...]:
        apps = tuple(specs[app_id] for app_id in sorted(app_ids, key=by_name.__getitem__))
        if chosen_slugs is None:  # nothing chosen yet: the plan page shows the recommendation
            chosen_slugs = rules.recommend(apps, authenticators, estate).recommended
        return uncovered_application_names(chosen_slugs, apps, authenticators, estate)

    coverage = {}
    for org_id in ids:
        estate = estates.get(org_id, rules.EstateFacts())
        org_groups = []
        for group_id, has_chosen in groups.get(org_id, ()):
            app_ids = frozenset(group_apps.get(group_id, ()))
            slugs = frozenset(chosen.get(group_id, ())) if has_chosen else None
            org_groups.append(
                _GroupCoverage(
                    applications=tuple(specs[app_id] for app_id in app_ids),
                    has_chosen=has_chosen,
                    uncovered=group_uncovered(slugs, app_ids, estate),
                )
            )
        apps = tuple(specs[app_id] for app_id in sorted(inventory.get(org_id, ()), key=by_name.__getitem__))
        coverage[org_id] = plan_coverage(org_id, apps, org_groups)
    return coverage

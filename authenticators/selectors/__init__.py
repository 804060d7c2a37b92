"""Reads for the authenticator chooser and an organisation's plan.

Each read runs a fixed number of queries whatever the number of applications or groups.
``records``: the catalogue and one organisation's records; ``plans``: the plan itself
(``plan_summary``, cached under the organisation's data version; ``build_plan_summary`` works it
out); ``bulk``: many organisations' plan coverage at once. The catalogue's and the plan's reads are
built and compiled to SQL once per connection (``cis_portal.compiled_queries``).
"""

from .bulk import plan_summaries_for_organisations
from .plans import (
    CoverageGap,
    GroupPlan,
    PlanCoverage,
    PlanSummary,
    build_plan_summary,
    coverage_gaps,
    plan_coverage,
    plan_summary,
    uncovered_application_names,
)
from .records import (
    authenticator_specs,
    catalogue_applications,
    catalogue_authenticators,
    catalogue_specs_for_slugs,
    estate_for,
    inventory_for,
    timeline_events_for_organisation,
    user_groups_for,
)

__all__ = [
    "CoverageGap",
    "GroupPlan",
    "PlanCoverage",
    "PlanSummary",
    "authenticator_specs",
    "build_plan_summary",
    "catalogue_applications",
    "catalogue_authenticators",
    "catalogue_specs_for_slugs",
    "coverage_gaps",
    "estate_for",
    "inventory_for",
    "plan_coverage",
    "plan_summaries_for_organisations",
    "plan_summary",
    "timeline_events_for_organisation",
    "uncovered_application_names",
    "user_groups_for",
]

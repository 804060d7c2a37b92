"""The one place onboarding asks the other parts for the figures readiness is built from.

Every readiness read — the wizard's RA steps, the live summary, the ICB overview's bulk
computation and the stored ``ReadinessRecord`` refresh — gets "RA support arranged", "plan covers
every application" and "training figure" through these names, each the owning part's single
source for that status, so pointing them at another function changes every page, export and
stored row at once (one line each below).

- RA support arranged: ``ra_requests.selectors.ra_support_status`` / ``ra_support_statuses`` (the
  rule in ``ra_requests.support``); ``onboarding.selectors.ra_support_for_organisation(s)`` add the
  RA the organisation told the wizard it has.
- Plan covers every application: ``authenticators.selectors.plan_coverage``, through
  ``plan_summary`` and ``plan_summaries_for_organisations``.
- Training figure: ``training.compliance.TrainedStaff``, as ``.trained_staff`` of
  ``compliance_summary`` (``training_figure`` for one organisation's summary) and
  ``compliance_for_organisations``.
"""

from authenticators.selectors import plan_summaries_for_organisations as plan_coverage_for_organisations
from authenticators.selectors import plan_summary
from ra_requests.selectors import (
    organisations_supported_by,
    ra_requests_for_organisation,
    ra_support_status,
    ra_support_statuses,
    routed_provider_ids_by_icb,
)
from training.selectors import compliance_for_organisations as training_figures_for_organisations
from training.selectors import compliance_summary, training_figure

__all__ = [
    "compliance_summary",
    "organisations_supported_by",
    "plan_coverage_for_organisations",
    "plan_summary",
    "ra_requests_for_organisation",
    "ra_support_status",
    "ra_support_statuses",
    "routed_provider_ids_by_icb",
    "training_figure",
    "training_figures_for_organisations",
]

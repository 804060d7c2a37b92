"""The ICB overview: readiness of every organisation an RA provider supports, read in bulk.

Each part's per-organisation selector runs a few queries, which for 2,000 organisations would be
thousands. Each part also has a bulk selector that gives the same answer for many organisations
in a fixed number of queries (``ra_support_for_organisations``, ``plan_summaries_for_organisations``,
``compliance_for_organisations``); the overview calls those, never the parts' models, and turns
their answers into states with the same functions as the per-organisation readiness summary.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from organisations.models import Organisation, RAProvider

from . import readiness, selectors
from .models import ReadinessStatus


@dataclass(frozen=True)
class OrganisationReadiness:
    organisation: Organisation
    status: str
    ra_state: str
    plan_state: str
    training_state: str
    cis1_state: str
    ra_detail: str
    trained_staff: object  # training.compliance.TrainedStaff

    @property
    def percent_trained(self) -> float | None:
        return self.trained_staff.percent

    cis1_applications: tuple[str, ...]
    uncovered_applications: tuple[str, ...]

    @property
    def status_label(self) -> str:
        return ReadinessStatus(self.status).label

    @property
    def status_tag_class(self) -> str:
        return readiness.TAG_CLASSES[self.status]


@dataclass(frozen=True)
class ICBOverview:
    provider: RAProvider
    rows: tuple[OrganisationReadiness, ...]

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        """(status, label, count) for every status, including those with none."""
        tally = defaultdict(int)
        for row in self.rows:
            tally[row.status] += 1
        return [(status.value, status.label, tally[status.value]) for status in ReadinessStatus]

    def rows_with_status(self, status: str) -> list[OrganisationReadiness]:
        return [row for row in self.rows if row.status == status]


def readiness_of_organisations(
    organisations, *, today: datetime.date | None = None
) -> list[OrganisationReadiness]:
    """Readiness of each organisation in the ``organisations`` QuerySet, in a fixed number of queries."""
    from authenticators.selectors import plan_summaries_for_organisations
    from training.selectors import compliance_for_organisations

    today = today or timezone.localdate()
    org_list = list(organisations.select_related("icb").order_by("name"))
    # A subquery rather than a list, so thousands of organisations never become thousands of parameters.
    ids = Organisation.objects.filter(pk__in=organisations.values("pk")).values_list("pk", flat=True)

    ra_supports = selectors.ra_support_for_organisations(ids)
    plans = plan_summaries_for_organisations(ids)
    training = compliance_for_organisations(ids, today=today)

    rows = []
    for organisation in org_list:
        ra_support = ra_supports[organisation.pk]
        plan = plans[organisation.pk]
        compliance = training[organisation.pk]
        ra = readiness.ra_state(ra_support.state)
        plan_state, cis1_state = selectors.plan_check_states(plan, today=today)
        training_state = selectors.training_check_state(compliance.trained_staff)
        rows.append(
            OrganisationReadiness(
                organisation=organisation,
                status=readiness.overall_status([ra, plan_state, training_state, cis1_state]),
                ra_state=ra,
                plan_state=plan_state,
                training_state=training_state,
                cis1_state=cis1_state,
                ra_detail=ra_support.summary,
                trained_staff=compliance.trained_staff,
                cis1_applications=plan.cis1_applications,
                uncovered_applications=tuple(
                    sorted({*plan.uncovered_applications, *plan.unassigned_applications})
                ),
            )
        )
    return rows


def icb_overview(
    provider: RAProvider, *, organisation_type: str = "", today: datetime.date | None = None
) -> ICBOverview:
    """Readiness of every organisation ``provider`` supports, in a fixed number of queries."""
    from ra_requests.selectors import organisations_supported_by

    organisations = organisations_supported_by(provider)
    if organisation_type:
        organisations = organisations.filter(organisation_type=organisation_type)
    rows = readiness_of_organisations(organisations, today=today)
    return ICBOverview(provider=provider, rows=tuple(rows))

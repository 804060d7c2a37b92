"""The ICB and national overviews, and the live bulk computation behind them.

The overviews read ``ReadinessRecord`` rows (one per organisation, indexed by ICB, status and
name), so a page costs the same few queries for 10 organisations or 80,000. The rows are written
from ``readiness_of_organisations``, the live computation below.

Each part's per-organisation selector runs a few queries, which for 2,000 organisations would be
thousands. Each part also has a bulk selector that gives the same answer for many organisations
in a fixed number of queries (``ra_support_for_organisations``, ``plan_summaries_for_organisations``,
``compliance_for_organisations``); the overview calls those, never the parts' models, and turns
their answers into states with the same functions as the per-organisation readiness summary.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from organisations.models import Organisation, RAProvider

from . import readiness, selectors, sources
from .models import ReadinessRecord, ReadinessStatus, ReadinessSupport


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
    # Providers holding the organisation's open RA requests, newest request first (each supports it).
    open_request_provider_ids: tuple[int, ...]
    cis1_applications: tuple[str, ...]
    uncovered_applications: tuple[str, ...]

    @property
    def status_label(self) -> str:
        return ReadinessStatus(self.status).label

    @property
    def status_tag_class(self) -> str:
        return readiness.TAG_CLASSES[self.status]

    @property
    def percent_trained(self) -> float | None:
        return self.trained_staff.percent

    @property
    def open_request_provider_id(self) -> int | None:
        """The provider holding the newest open request, as ``ReadinessRecord`` keeps it."""
        return next(iter(self.open_request_provider_ids), None)


def readiness_of_organisations(
    organisations, *, today: datetime.date | None = None
) -> list[OrganisationReadiness]:
    """Readiness of each organisation in the ``organisations`` QuerySet, in a fixed number of queries."""
    today = today or timezone.localdate()
    org_list = list(organisations.select_related("icb").order_by("name"))
    # A subquery rather than a list, so thousands of organisations never become thousands of parameters.
    ids = Organisation.objects.filter(pk__in=organisations.values("pk")).values_list("pk", flat=True)

    ra_supports = selectors.ra_support_for_organisations(ids)
    plans = sources.plan_coverage_for_organisations(ids)
    training = sources.training_figures_for_organisations(ids, today=today)

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
                open_request_provider_ids=tuple(
                    dict.fromkeys(request.provider_id for request in ra_support.open_requests)
                ),
                cis1_applications=plan.cis1_applications,
                uncovered_applications=tuple(
                    sorted({*plan.uncovered_applications, *plan.unassigned_applications})
                ),
            )
        )
    return rows


# --- Reading the stored rows --------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    """The stored readiness rows one viewer may see, filtered, with a count for every status."""

    provider: RAProvider | None  # None for the national overview
    counts: tuple[tuple[str, str, int], ...]  # (status, label, count) for every status
    select: Callable[[str], QuerySet]  # status ("" for all) -> ordered ReadinessRecord QuerySet

    @property
    def total(self) -> int:
        return sum(count for _, _, count in self.counts)

    @property
    def records(self) -> QuerySet:
        return self.select("")

    def records_with_status(self, status: str) -> QuerySet:
        return self.select(status)


def _counts(rows: QuerySet) -> tuple[tuple[str, str, int], ...]:
    tally = dict(rows.order_by().values_list("status").annotate(count=Count("pk")))
    return tuple((status.value, status.label, tally.get(status.value, 0)) for status in ReadinessStatus)


def icb_overview(provider: RAProvider, *, organisation_type: str = "") -> Overview:
    """Stored readiness of every organisation ``provider`` supports (its ICBs' organisations, and any
    whose open RA request is with it), read through ``ReadinessSupport``'s (provider, ...) indexes."""
    support = {"provider": provider}
    if organisation_type:
        support["organisation_type"] = organisation_type

    def select(status: str) -> QuerySet:
        # One filter() call, so the ordering and every condition share one join to the support rows.
        conditions = {f"supports__{key}": value for key, value in support.items()}
        if status:
            conditions["supports__status"] = status
        return (
            ReadinessRecord.objects.filter(**conditions)
            .order_by("supports__name", "supports__record_id")
            .select_related("icb")
        )

    return Overview(
        provider=provider, counts=_counts(ReadinessSupport.objects.filter(**support)), select=select
    )


def national_overview(*, region: str = "", organisation_type: str = "") -> Overview:
    """Stored readiness of every organisation in England, or those in one NHS England region's ICBs."""
    records = ReadinessRecord.objects.all()
    if region:
        icbs = RAProvider.objects.icbs().filter(region=region).values_list("pk", flat=True)
        records = records.filter(icb_id__in=list(icbs))
    if organisation_type:
        records = records.filter(organisation_type=organisation_type)

    def select(status: str) -> QuerySet:
        chosen = records.filter(status=status) if status else records
        return chosen.order_by("name", "organisation_id").select_related("icb")

    return Overview(provider=None, counts=_counts(records), select=select)


def regions() -> list[str]:
    """NHS England regions that have at least one ICB, for the national filter."""
    return list(
        RAProvider.objects.icbs()
        .exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )

"""plan_summaries_for_organisations: the plan_summary answer for many organisations at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from authenticators import selectors, services
from authenticators.selectors import PlanCoverage
from organisations.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def plan(organisation, groups, *, inventory=("ncrs", "emis-web"), estate=None):
    """groups: {name: (application slugs, chosen authenticator slugs or None)}."""
    services.save_application_inventory(organisation, catalogue_slugs=inventory)
    if estate:
        services.save_estate_facts(organisation, **estate)
    for name, (apps, chosen) in groups.items():
        group = services.save_user_group(organisation, name=name, head_count=3, application_slugs=apps)
        if chosen:
            services.choose_authenticators(group, authenticator_slugs=chosen)
    return organisation


@pytest.fixture
def mixed_organisations(planned_organisation, catalogue, icb):
    """Five organisations: no choice yet, covered, gaps, a local CIS1 application, nothing."""
    covered = plan(OrganisationFactory(icb=icb), {"Everyone": (["ncrs", "emis-web"], ["smartcard"])})
    gaps = plan(
        OrganisationFactory(icb=icb),
        {
            "Clinicians": (["systmone", "emis-web"], ["windows-hello"]),
            "Reception": (["ncrs"], ["passkey"]),
        },
        inventory=("ncrs", "systmone", "emis-web", "e-rs"),
        estate={"hscn": False},
    )
    local = OrganisationFactory(icb=icb)
    services.save_application_inventory(
        local,
        catalogue_slugs=["ncrs"],
        local_applications=[{"name": "Ward rota", "cis_generation": "CIS1", "min_aal": "AAL3"}],
    )
    services.save_user_group(local, name="Ward", head_count=8, application_slugs=["ncrs", "local-ward-rota"])
    empty = OrganisationFactory(icb=icb)
    return [planned_organisation, covered, gaps, local, empty]


def test_plan_summaries_for_organisations_equal_plan_summary_for_each(mixed_organisations):
    ids = [organisation.pk for organisation in mixed_organisations]

    bulk = selectors.plan_summaries_for_organisations(ids)

    assert set(bulk) == set(ids)
    for organisation in mixed_organisations:
        assert bulk[organisation.pk] == selectors.plan_summary(organisation).coverage, organisation.name
    planned, covered, gaps, local, empty = (bulk[pk] for pk in ids)
    assert (planned.has_plan, planned.unassigned_applications) == (False, ("EMIS Web", "SystmOne"))
    assert (covered.has_plan, covered.covers_every_application, covered.cis1_applications) == (
        True,
        True,
        ("EMIS Web",),
    )
    assert (gaps.has_plan, gaps.covers_every_application, gaps.uncovered_applications) == (
        True,
        False,
        ("EMIS Web",),
    )
    assert gaps.unassigned_applications == ("NHS e-Referral Service (e-RS)",)
    assert (local.has_plan, local.cis1_applications, local.uncovered_applications) == (
        False,
        ("Ward rota",),
        (),  # until the group chooses, its recommendation (a smartcard) covers both
    )
    assert empty == PlanCoverage(
        organisation_id=empty.organisation_id,
        has_inventory=False,
        has_plan=False,
        covers_every_application=False,
        uncovered_applications=(),
        unassigned_applications=(),
        cis1_applications=(),
    )


def test_plan_summaries_for_organisations_take_a_queryset_of_ids(mixed_organisations):
    ids = Organisation.objects.filter(pk__in=[o.pk for o in mixed_organisations]).values_list("pk", flat=True)

    by_queryset = selectors.plan_summaries_for_organisations(ids)

    assert by_queryset == selectors.plan_summaries_for_organisations([o.pk for o in mixed_organisations])


def count_queries(ids) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        result = selectors.plan_summaries_for_organisations(ids)
    return len(queries), len(result)


def test_plan_summaries_for_organisations_run_the_same_queries_for_2_and_20_organisations(catalogue, icb):
    groups = {"Everyone": (["ncrs", "emis-web"], ["smartcard"]), "Admin": (["ncrs"], None)}
    organisations = [plan(OrganisationFactory(icb=icb), groups) for _ in range(20)]

    small = count_queries([o.pk for o in organisations[:2]])
    large = count_queries([o.pk for o in organisations])

    assert (small[1], large[1]) == (2, 20)
    assert small[0] == large[0] == 7

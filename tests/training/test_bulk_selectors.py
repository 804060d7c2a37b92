"""compliance_for_organisations: the dashboard's staff figures for many organisations at once."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisations.models import Organisation
from tests.factories import OrganisationFactory
from training import selectors, services
from training.models import StaffRole
from training.selectors import StaffCompliance

from .conftest import TODAY, complete, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed_organisations(organisation, known_staff, foundations, ra_module, icb, it_lead):
    """Riverside (2 of 4 in date), one with all 3 in date (foundations v2), one with a leaver, one empty."""
    everyone = OrganisationFactory(icb=icb)
    for name in ("Fay Ford", "Gus Green"):
        complete(
            make_staff(everyone, name), foundations, TODAY - datetime.timedelta(days=40), version_number=2
        )
    ra_facing = make_staff(everyone, "Hal Hughes", role=StaffRole.RA_FACING)
    complete(ra_facing, foundations, TODAY - datetime.timedelta(days=3), version_number=2)
    complete(ra_facing, ra_module, TODAY - datetime.timedelta(days=3))
    leaver_only = OrganisationFactory(icb=icb)
    leaver = make_staff(leaver_only, "Ivy Irwin")
    services.mark_staff_member_left(leaver, left_on=TODAY, acting_user=it_lead)
    nobody = OrganisationFactory(icb=icb)
    return [organisation, everyone, leaver_only, nobody]


def test_compliance_for_organisations_equals_the_dashboard_figures_for_each(mixed_organisations):
    ids = [organisation.pk for organisation in mixed_organisations]

    bulk = selectors.compliance_for_organisations(ids, today=TODAY)

    for organisation in mixed_organisations:
        summary = selectors.compliance_summary(organisation, today=TODAY)
        assert bulk[organisation.pk] == StaffCompliance(
            organisation.pk, summary.active_staff, summary.fully_compliant_staff
        ), organisation.name
    assert [
        (bulk[pk].active_staff, bulk[pk].fully_compliant_staff, bulk[pk].percent_trained) for pk in ids
    ] == [
        (4, 2, 50.0),
        (3, 3, 100.0),
        (0, 0, None),
        (0, 0, None),
    ]


def test_compliance_for_organisations_take_a_queryset_of_ids(mixed_organisations):
    ids = Organisation.objects.filter(pk__in=[o.pk for o in mixed_organisations]).values_list("pk", flat=True)

    by_queryset = selectors.compliance_for_organisations(ids, today=TODAY)

    assert by_queryset == selectors.compliance_for_organisations(list(ids), today=TODAY)


def test_percent_trained_is_not_rounded_up_to_100():
    assert StaffCompliance(1, active_staff=2500, fully_compliant_staff=2499).percent_trained == 99.96


def count_queries(ids) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        result = selectors.compliance_for_organisations(ids, today=TODAY)
    return len(queries), len(result)


def test_compliance_for_organisations_run_the_same_queries_for_2_and_12_organisations(
    foundations, ra_module, icb
):
    organisations = [OrganisationFactory(icb=icb) for _ in range(12)]
    for number, organisation in enumerate(organisations):
        member = make_staff(organisation, f"Person {number}", role=StaffRole.RA_FACING)
        complete(member, foundations, TODAY - datetime.timedelta(days=number))

    small = count_queries([o.pk for o in organisations[:2]])
    large = count_queries([o.pk for o in organisations])

    assert (small[1], large[1]) == (2, 12)
    assert small[0] == large[0] == 4

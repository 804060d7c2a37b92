"""ra_support_statuses: the ra_support_status answer for many organisations at once."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organisations.models import Organisation
from ra_requests import selectors, services
from ra_requests.models import RARequest
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def resolve(request, user):
    services.start_work_on_ra_request(request, acting_user=user)
    return services.resolve_ra_request(request, acting_user=user)


@pytest.fixture
def mixed_organisations(organisation, icb, org_admin, ra_team_member, national_team, submit):
    """Six organisations: overdue, waiting, resolved, resolved then asking again, declined, none."""
    overdue = submit(organisation, org_admin)
    RARequest.objects.filter(pk=overdue.pk).update(
        acknowledge_due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    waiting_org, resolved_org, again_org, declined_org, quiet_org = (
        OrganisationFactory(icb=icb) for _ in range(5)
    )
    waiting = submit(waiting_org, org_admin)
    services.acknowledge_ra_request(waiting, acting_user=ra_team_member)
    services.ask_organisation(waiting, acting_user=ra_team_member, comment="How many staff?")
    resolved = resolve(submit(resolved_org, org_admin), ra_team_member)
    resolve(submit(again_org, org_admin), ra_team_member)
    submit(again_org, org_admin)
    services.decline_ra_request(
        submit(declined_org, org_admin), reason="duplicate", acting_user=ra_team_member
    )
    return {
        "overdue": organisation,
        "waiting": waiting_org,
        "resolved": resolved_org,
        "again": again_org,
        "declined": declined_org,
        "quiet": quiet_org,
        "resolved_request": resolved,
    }


def test_ra_support_statuses_equal_ra_support_status_for_each(mixed_organisations, icb):
    organisations = {name: o for name, o in mixed_organisations.items() if isinstance(o, Organisation)}
    declared = {organisations["declined"].pk: "Own RA team"}

    bulk = selectors.ra_support_statuses([o.pk for o in organisations.values()], declared_providers=declared)

    for name, organisation in organisations.items():
        single = selectors.ra_support_status(
            organisation, declared_provider=declared.get(organisation.pk, "")
        )
        assert bulk[organisation.pk] == single, name
    summary = {
        name: (
            bulk[o.pk].state,
            bulk[o.pk].confirmed_by,
            [(r.status, r.waiting_for, r.is_overdue) for r in bulk[o.pk].open_requests],
        )
        for name, o in organisations.items()
    }
    assert summary == {
        "overdue": ("requested", "", [("submitted", "ra_team", True)]),
        "waiting": ("waiting_for_organisation", "", [("waiting", "organisation", False)]),
        "resolved": ("arranged", icb.name, []),
        "again": ("requested", icb.name, [("submitted", "ra_team", False)]),
        # Declined as a duplicate (next step: follow the other request), but it told us its RA.
        "declined": ("arranged", "Own RA team", []),
        "quiet": ("not_arranged", "", []),
    }
    resolved = mixed_organisations["resolved_request"]
    assert bulk[organisations["resolved"].pk].confirmed_by_reference == resolved.reference


def test_ra_support_statuses_take_a_queryset_of_ids(mixed_organisations):
    ids = Organisation.objects.values_list("pk", flat=True)

    by_queryset = selectors.ra_support_statuses(ids)

    assert by_queryset == selectors.ra_support_statuses(list(ids))
    assert len(by_queryset) == Organisation.objects.count()


def count_queries(ids) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        result = selectors.ra_support_statuses(ids)
    return len(queries), len(result)


def test_ra_support_statuses_run_one_query_for_2_or_12_organisations(
    icb, org_admin, ra_team_member, national_team, submit
):
    organisations = [OrganisationFactory(icb=icb) for _ in range(12)]
    for organisation in organisations[::2]:
        submit(organisation, org_admin)
    for organisation in organisations[1::3]:
        resolve(submit(organisation, org_admin), ra_team_member)

    small = count_queries([o.pk for o in organisations[:2]])
    large = count_queries([o.pk for o in organisations])

    assert (small[1], large[1]) == (2, 12)
    assert small[0] == large[0] == 1

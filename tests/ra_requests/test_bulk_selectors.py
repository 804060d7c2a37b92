"""ra_statuses_for_organisations: the ra_status_for_organisation answer for many organisations at once."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organisations.models import Organisation
from ra_requests import selectors, services
from ra_requests.models import RARequest
from ra_requests.selectors import NO_OPEN_REQUEST, ResolvedRequest
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


def test_ra_statuses_for_organisations_equal_ra_status_for_organisation_for_each(mixed_organisations, icb):
    organisations = {name: o for name, o in mixed_organisations.items() if isinstance(o, Organisation)}

    bulk = selectors.ra_statuses_for_organisations([o.pk for o in organisations.values()])

    for name, organisation in organisations.items():
        status = bulk[organisation.pk]
        single = selectors.ra_status_for_organisation(organisation)
        assert (status if status.has_open_request else None) == single, name
    summary = {
        name: (
            bulk[o.pk].status,
            bulk[o.pk].is_overdue,
            bulk[o.pk].is_paused,
            bulk[o.pk].has_resolved_request,
        )
        for name, o in organisations.items()
    }
    assert summary == {
        "overdue": ("submitted", True, False, False),
        "waiting": ("waiting", False, True, False),
        "resolved": ("", False, False, True),
        "again": ("submitted", False, False, True),
        "declined": ("", False, False, False),
        "quiet": ("", False, False, False),
    }
    resolved = mixed_organisations["resolved_request"]
    assert bulk[organisations["resolved"].pk].last_resolved == ResolvedRequest(
        resolved.pk, resolved.reference, icb.name
    )
    assert bulk[organisations["quiet"].pk] == NO_OPEN_REQUEST


def test_ra_statuses_for_organisations_take_a_queryset_of_ids(mixed_organisations):
    ids = Organisation.objects.values_list("pk", flat=True)

    by_queryset = selectors.ra_statuses_for_organisations(ids)

    assert by_queryset == selectors.ra_statuses_for_organisations(list(ids))
    assert len(by_queryset) == Organisation.objects.count()


def count_queries(ids) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        result = selectors.ra_statuses_for_organisations(ids)
    return len(queries), len(result)


def test_ra_statuses_for_organisations_run_one_query_for_2_or_12_organisations(
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

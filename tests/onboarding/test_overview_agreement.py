"""The ICB overview (stored rows, written from the bulk selectors) and the readiness summary
(per organisation, live) agree."""

import datetime

import pytest
from django.utils import timezone

from authenticators import services as authenticator_services
from onboarding.models import ReadinessRecord
from onboarding.overview import icb_overview, readiness_of_organisations
from onboarding.selectors import readiness_summary
from onboarding.services import record_readiness_statuses
from organisations.models import Organisation
from ra_requests import services as ra_services
from tests.factories import OrganisationFactory
from training import selectors as training_selectors
from training import services as training_services

from .conftest import ORGANISATION_DETAILS
from .test_summary import make_plan, submit_request

pytestmark = pytest.mark.django_db


def add_staff(organisation, user, name, *, trained: bool):
    member = training_services.add_staff_member(
        organisation,
        full_name=name,
        email=f"{name.lower().replace(' ', '.')}@{organisation.ods_code.lower()}.example.org",
        role="deskside",
        employment_type="in_house",
        acting_user=user,
    )
    if trained:
        for version in training_selectors.current_versions():
            if version.module.applies_to(member.role):
                training_services.record_completion(
                    member,
                    module_version=version,
                    completed_on=timezone.localdate() - datetime.timedelta(days=5),
                    method="e_learning",
                    acting_user=user,
                )
    return member


@pytest.fixture
def mixed_organisations(icb, organisation, org_admin, ra_team_member, save, catalogue, training_modules):
    """Six organisations of one ICB, each at a different point of readiness."""
    own_support, resolved, gaps, untrained, empty = (OrganisationFactory(icb=icb) for _ in range(5))

    # Riverside: an open RA request, a plan with a CIS1 application, one person not trained.
    submit_request(organisation, org_admin)
    make_plan(organisation, org_admin)
    add_staff(organisation, org_admin, "Tom Jones", trained=False)

    # Own RA support, CIS2 applications only, everyone trained: ready.
    details = {**ORGANISATION_DETAILS, "icb": icb.pk}
    save("organisation-details", details, organisation=own_support)
    save("ra-support", {"has_ra_support": "yes", "provider_name": "Own team"}, organisation=own_support)
    authenticator_services.save_application_inventory(
        own_support, catalogue_slugs=["ncrs"], acting_user=org_admin
    )
    group = authenticator_services.save_user_group(
        own_support, name="Everyone", head_count=5, application_slugs=["ncrs"], acting_user=org_admin
    )
    authenticator_services.choose_authenticators(
        group, authenticator_slugs=["smartcard"], acting_user=org_admin
    )
    add_staff(own_support, org_admin, "Amy Able", trained=True)

    # A resolved RA request, a covering plan still using CIS1, everyone trained: nearly ready.
    request = submit_request(resolved, org_admin)
    ra_services.start_work_on_ra_request(request, acting_user=ra_team_member)
    ra_services.resolve_ra_request(request, acting_user=ra_team_member)
    make_plan(resolved, org_admin)
    add_staff(resolved, org_admin, "Ben Best", trained=True)

    # An open RA request, a plan that leaves EMIS Web uncovered, half the staff trained: nearly ready.
    submit_request(gaps, org_admin)
    make_plan(gaps, org_admin, authenticators=("windows-hello",))
    add_staff(gaps, org_admin, "Cat Cole", trained=True)
    add_staff(gaps, org_admin, "Dev Dale", trained=False)

    # Nobody trained, no plan, an RA request declined.
    declined = submit_request(untrained, org_admin)
    ra_services.decline_ra_request(declined, reason="duplicate", acting_user=ra_team_member)
    add_staff(untrained, org_admin, "Eli Egan", trained=False)
    return [organisation, own_support, resolved, gaps, untrained, empty]


def test_icb_overview_gives_each_organisation_the_status_of_its_readiness_summary(icb, mixed_organisations):
    today = timezone.localdate()
    record_readiness_statuses(today=today)

    today = timezone.localdate()

    rows = {row.organisation_id: row for row in icb_overview(icb).records}

    overview = {}
    summaries = {}
    for organisation in mixed_organisations:
        row = rows[organisation.pk]
        summary = readiness_summary(organisation, today=today)
        overview[organisation.name] = (
            row.status,
            row.ra_state,
            row.plan_state,
            row.training_state,
            row.cis1_state,
        )
        summaries[organisation.name] = (summary.status, *(item.state for item in summary.items))
    # The summary lists its checks as RA, plan, training, CIS1: the overview's order too.
    assert overview == summaries
    assert [overview[o.name][0] for o in mixed_organisations] == [
        "not_ready",
        "ready",
        "nearly_ready",
        "nearly_ready",
        "not_ready",
        "not_ready",
    ]


def stored_and_live(organisations, today):
    live = {
        row.organisation.pk: row
        for row in readiness_of_organisations(
            Organisation.objects.filter(pk__in=[o.pk for o in organisations]), today=today
        )
    }
    stored = ReadinessRecord.objects.in_bulk([o.pk for o in organisations])
    return stored, live


def as_compared(record):
    return (
        record.status,
        record.ra_state,
        record.plan_state,
        record.training_state,
        record.cis1_state,
        record.ra_detail,
        record.percent_trained,
        tuple(record.cis1_applications),
        tuple(record.uncovered_applications),
        record.open_request_provider_id,
    )


def test_stored_readiness_equals_the_live_computation_for_organisations_in_every_state(mixed_organisations):
    today = timezone.localdate()

    record_readiness_statuses(today=today)

    stored, live = stored_and_live(mixed_organisations, today)
    assert set(stored) == set(live) == {o.pk for o in mixed_organisations}
    for pk, row in live.items():
        assert as_compared(stored[pk]) == as_compared(row)
        assert stored[pk].cis1_count == len(row.cis1_applications)
        assert (stored[pk].active_staff, stored[pk].fully_compliant_staff) == (
            row.active_staff,
            row.fully_compliant_staff,
        )
    # Every state of each check appears, so the comparison covers them all.
    assert {r.status for r in stored.values()} == {"ready", "nearly_ready", "not_ready"}
    assert {r.ra_state for r in stored.values()} == {"met", "partly_met", "missing"}
    assert {r.plan_state for r in stored.values()} == {"met", "partly_met", "missing"}
    assert {r.training_state for r in stored.values()} == {"met", "partly_met", "missing"}
    assert {r.cis1_state for r in stored.values()} == {"met", "partly_met", "missing"}


def test_stored_readiness_catches_up_with_changes_made_outside_the_wizard_at_the_next_run(
    mixed_organisations, org_admin, ra_team_member
):
    today = timezone.localdate()
    record_readiness_statuses(today=today)
    riverside = mixed_organisations[0]
    before = ReadinessRecord.objects.get(pk=riverside.pk)
    untouched = ReadinessRecord.objects.get(pk=mixed_organisations[1].pk)

    open_request = riverside.ra_requests.get()
    ra_services.start_work_on_ra_request(open_request, acting_user=ra_team_member)
    ra_services.resolve_ra_request(open_request, acting_user=ra_team_member)
    record_readiness_statuses(today=today)

    after = ReadinessRecord.objects.get(pk=riverside.pk)
    stored, live = stored_and_live(mixed_organisations, today)
    assert (before.ra_state, after.ra_state) == ("partly_met", "met")
    assert after.open_request_provider_id is None
    assert after.changed_at > before.changed_at
    assert ReadinessRecord.objects.get(pk=untouched.pk).changed_at == untouched.changed_at
    for pk, row in live.items():
        assert as_compared(stored[pk]) == as_compared(row)
    # The provider's indexed rows follow the change too: its counts and status filter agree.
    overview = icb_overview(mixed_organisations[0].icb)
    live_tally = dict.fromkeys(("ready", "nearly_ready", "not_ready"), 0)
    for row in live.values():
        live_tally[row.status] += 1
    assert {status: count for status, _, count in overview.counts} == live_tally
    for status, count in live_tally.items():
        assert overview.records_with_status(status).count() == count


def test_stored_readiness_is_written_in_the_same_transaction_as_a_wizard_step(icb, organisation, save):
    assert not ReadinessRecord.objects.filter(pk=organisation.pk).exists()

    save("ra-support", {"has_ra_support": "yes", "provider_name": "Own team"})

    record = ReadinessRecord.objects.get(pk=organisation.pk)
    assert (record.ra_state, record.ra_detail, record.icb_id) == ("met", "Has RA support", icb.pk)

"""The ICB overview (bulk selectors) and the readiness summary (per organisation) agree."""

import datetime

import pytest
from django.utils import timezone

from authenticators import services as authenticator_services
from onboarding.overview import icb_overview
from onboarding.selectors import readiness_summary
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

    rows = {row.organisation.pk: row for row in icb_overview(icb, today=today).rows}

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

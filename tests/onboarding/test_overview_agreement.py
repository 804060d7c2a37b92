"""The ICB overview (stored rows, written from the bulk selectors) and the readiness summary
(per organisation, live) agree."""

import datetime

import pytest
from django.urls import reverse
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


def _attribute(html: str, element_id: str, attribute: str, default: str) -> str:
    """The value of ``attribute`` on the element with ``element_id``, or ``default`` when there is none."""
    if f'id="{element_id}"' not in html:
        return default
    tag = html.split(f'id="{element_id}"', 1)[1].split(">", 1)[0]
    return tag.split(f'{attribute}="', 1)[1].split('"', 1)[0]


@pytest.fixture
def more_organisations(icb, org_admin, ra_team_member, mixed_organisations):
    """Two more: RA support asked for and the RA team waiting for the practice's reply; own RA named
    but an unlock-only request resolved and a set-up request still open."""
    waiting, named = OrganisationFactory(icb=icb), OrganisationFactory(icb=icb)
    request = submit_request(waiting, org_admin)
    ra_services.acknowledge_ra_request(request, acting_user=ra_team_member)
    ra_services.ask_organisation(request, acting_user=ra_team_member, comment="How many staff?")
    unlock = ra_services.submit_ra_request(
        named,
        submitted_by=org_admin,
        help_needed=["unlock_renew"],
        staff_affected=1,
        needed_by=timezone.localdate() + datetime.timedelta(days=20),
        contact_name="Asha Patel",
        contact_phone="01632 960 001",
        contact_email="asha@example.org",
        already_tried="Self-service unlock",
        charge_acknowledged=True,
    )
    ra_services.start_work_on_ra_request(unlock, acting_user=ra_team_member)
    ra_services.resolve_ra_request(unlock, acting_user=ra_team_member)
    submit_request(named, org_admin)
    add_staff(named, org_admin, "Gus Gray", trained=True)
    return [*mixed_organisations, waiting, named]


def test_wizard_summary_and_icb_overview_agree_on_ra_support_plan_and_training(
    client, icb, org_admin, more_organisations
):
    """The wizard's own pages (RA support step, authenticators step, technical support step) show
    the same three statuses as the readiness summary and the ICB overview's stored rows, organisation
    by organisation."""
    from onboarding import readiness
    from onboarding.models import ReadinessJourney, StepState
    from organisations.services import add_membership

    today = timezone.localdate()
    for organisation in more_organisations:
        if organisation.pk != more_organisations[0].pk:
            add_membership(organisation, user=org_admin, role="org_admin")
        # Test arrangement: the plan was made on the plan pages, so the wizard's earlier steps count as done.
        journey, _ = ReadinessJourney.objects.get_or_create(organisation=organisation)
        journey.step_states = {
            **journey.step_states,
            "applications": StepState.COMPLETED,
            "staff-groups": StepState.COMPLETED,
        }
        journey.save()
    # The overview reads the stored rows: what the hourly job wrote from the same sources.
    record_readiness_statuses(today=today)
    rows = {row.organisation_id: row for row in icb_overview(icb).records}
    client.force_login(org_admin)
    wizard, summary, overview = {}, {}, {}
    for organisation in more_organisations:

        def page(slug, organisation=organisation):
            return client.get(reverse("onboarding:step", args=[organisation.ods_code, slug])).content.decode()

        ra_support = _attribute(page("ra-support"), "ra-support-state", "data-state", "not_arranged")
        covers = _attribute(page("authenticators"), "plan-coverage", "data-covers", "no plan")
        trained = _attribute(page("technical-support"), "trained-staff", "data-percent", "")
        wizard[organisation.name] = (readiness.ra_state(ra_support), covers, trained)

        items = {item.key: item for item in readiness_summary(organisation, today=today).items}
        plan_words = {"met": "yes", "partly_met": "no", "missing": "no plan"}
        summary_trained = (
            items["training"].detail.split("(", 1)[1].split(")", 1)[0]
            if "(" in items["training"].detail
            else ""
        )
        summary[organisation.name] = (items["ra"].state, plan_words[items["plan"].state], summary_trained)

        row = rows[organisation.pk]
        overview[organisation.name] = (
            row.ra_state,
            plan_words[row.plan_state],
            row.trained_staff.percent_text,
        )

    assert wizard == summary == overview
    assert [wizard[o.name][0] for o in more_organisations] == [
        "partly_met",  # open request, waiting for the RA team
        "met",  # own RA named
        "met",  # request resolved
        "partly_met",  # open request
        "missing",  # declined
        "missing",  # nothing
        "partly_met",  # the RA team is waiting for the practice
        "partly_met",  # unlock resolved, but a set-up request is still open
    ]
    assert {wizard[o.name][1] for o in more_organisations} == {"yes", "no", "no plan"}
    assert {wizard[o.name][2] for o in more_organisations} >= {"0%", "50%", "100%", ""}


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
        record.trained_staff,
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
    assert (record.ra_state, record.ra_detail, record.icb_id) == ("met", "Arranged with Own team", icb.pk)

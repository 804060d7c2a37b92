"""Timelines name an actor only to those who may know them: the organisation's own members, its RA
provider's team and national staff; anyone else appears as a role."""

import pytest
from django.conf import settings
from django.urls import reverse

from onboarding.selectors import organisation_timeline
from ra_requests import services as ra_services
from tests.factories import UserFactory
from training import services as training_services
from training.models import Completion, StaffMember
from training.selectors import current_versions

from .conftest import future_date

pytestmark = pytest.mark.django_db


def record_training(organisation, acting_user):
    staff = training_services.add_staff_member(
        organisation,
        full_name="Rita Novak",
        email=f"rita.{organisation.ods_code.lower()}@example.org",
        role="deskside",
        employment_type="in_house",
        acting_user=acting_user,
    )
    version = next(v for v in current_versions() if v.module.applies_to("deskside"))
    training_services.record_completions(
        [staff],
        module_version=version,
        completed_on=future_date(-1),
        method="e_learning",
        acting_user=acting_user,
    )


def training_actors(organisation):
    return [event.actor for event in organisation_timeline(organisation, category="training")]


def test_an_actor_from_another_organisation_is_shown_as_a_role(
    organisation, other_organisation, org_admin, training_modules
):
    org_admin.first_name, org_admin.last_name = "Tom", "Jones"
    org_admin.save()

    record_training(other_organisation, org_admin)

    assert training_actors(other_organisation) == ["a member of another organisation"]


def test_the_organisations_own_member_its_ra_team_and_national_staff_are_named(
    organisation, org_admin, ra_team_member, national_admin, training_modules
):
    org_admin.first_name, org_admin.last_name = "Asha", "Patel"
    org_admin.save()
    ra_request = ra_services.submit_ra_request(
        organisation,
        submitted_by=org_admin,
        help_needed=["issue_smartcards"],
        staff_affected=2,
        needed_by=future_date(20),
        contact_name="Asha Patel",
        contact_phone="01632 960001",
        contact_email="asha@riverside.example.org",
        already_tried="Nothing yet.",
        charge_acknowledged=True,
    )
    ra_services.acknowledge_ra_request(ra_request, acting_user=ra_team_member)
    ra_services.add_note_to_ra_request(ra_request, acting_user=national_admin, comment="Watching this one.")

    actors = [event.actor for event in organisation_timeline(organisation, category="ra_request")]

    assert actors == [national_admin.display_name, ra_team_member.display_name, "Asha Patel"]


def test_another_providers_ra_team_member_is_shown_as_a_role(
    organisation, org_admin, other_ra_team_member, ra_request_for
):
    ra_request = ra_request_for(organisation, org_admin)
    ra_services.add_note_to_ra_request(ra_request, acting_user=other_ra_team_member, comment="Wrong team")

    page = _request_page(ra_request, org_admin)

    assert "a member of another RA team" in page
    assert other_ra_team_member.display_name not in page


def test_the_ra_request_admin_timeline_hides_an_outsiders_name(
    client, organisation, org_admin, other_org_admin, ra_team_member, role_groups, ra_request_for
):
    ra_request = ra_request_for(organisation, org_admin)
    ra_services.add_note_to_ra_request(ra_request, acting_user=other_org_admin, comment="Not mine")
    client.force_login(ra_team_member)

    page = client.get(reverse("admin:ra_requests_rarequest_change", args=[ra_request.pk])).content.decode()

    assert "by a member of another organisation" in page
    assert other_org_admin.display_name not in page


def _request_page(ra_request, user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get(
        reverse("ra_requests:detail", args=[ra_request.organisation.ods_code, ra_request.pk])
    ).content.decode()


@pytest.fixture
def ra_request_for(db):
    def _make(organisation, user):
        return ra_services.submit_ra_request(
            organisation,
            submitted_by=user,
            help_needed=["issue_smartcards"],
            staff_affected=2,
            needed_by=future_date(20),
            contact_name="Asha Patel",
            contact_phone="01632 960001",
            contact_email="asha@riverside.example.org",
            already_tried="Nothing yet.",
            charge_acknowledged=True,
        )

    return _make


def test_demo_training_is_recorded_by_each_organisations_own_it_lead():
    from organisations import demo_data as organisation_demo_data
    from organisations import reference_data as organisation_reference_data
    from organisations.models import Organisation
    from training import demo_data as training_demo_data

    organisation_reference_data.load(settings.REFERENCE_DATA_DIR)
    organisation_demo_data.seed()
    training_demo_data.seed()

    harbour = Organisation.objects.get(ods_code="FZZ91")
    for organisation in Organisation.objects.filter(ods_code__in=["A99901", "FZZ91"]):
        recorders = set(
            Completion.objects.filter(staff__organisation=organisation).values_list(
                "recorded_by__email", flat=True
            )
        )
        members = set(organisation.memberships.values_list("user__email", flat=True))
        assert recorders, organisation
        assert recorders <= members, organisation
    assert StaffMember.objects.filter(organisation=harbour).count() == 2
    assert "Tom Jones" not in [event.actor for event in organisation_timeline(harbour)]


def test_a_user_not_in_any_team_or_organisation_is_described_plainly(
    organisation, org_admin, training_modules
):
    stranger = UserFactory(first_name="Sly", last_name="Stranger")

    record_training(organisation, stranger)

    assert training_actors(organisation) == ["someone outside your organisation"]

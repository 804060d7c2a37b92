import pytest

from onboarding import demo_data
from onboarding.models import ReadinessJourney, ReadinessRecord
from organisations.models import Role
from organisations.services import add_membership
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_seed_starts_the_demo_journey_once():
    organisation = OrganisationFactory(ods_code="A99901", name="Riverside Medical Practice (demo)")
    admin = UserFactory(email="admin@example.org", first_name="Asha", last_name="Patel")
    add_membership(organisation, user=admin, role=Role.ORG_ADMIN)

    first = demo_data.seed()
    second = demo_data.seed()

    journey = ReadinessJourney.objects.get(organisation=organisation)
    assert first == (
        "onboarding: Riverside Medical Practice (demo)'s readiness wizard started "
        "(organisation details saved); readiness stored for the overviews"
    )
    assert second == (
        "onboarding: Riverside Medical Practice (demo) already has a readiness journey; "
        "readiness stored for the overviews"
    )
    assert ReadinessRecord.objects.filter(organisation=organisation).exists()
    assert journey.answers["organisation-details"]["contact_name"] == "Asha Patel"
    assert journey.version == 2

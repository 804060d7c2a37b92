import datetime

import pytest
from django.conf import settings

from authenticators import reference_data as authenticator_reference_data
from onboarding import services
from onboarding.selectors import journey_for_organisation
from tests.factories import NationalRATeamFactory
from training import reference_data as training_reference_data

ORGANISATION_DETAILS = {
    "icb": None,  # filled in by the fixture: the organisation's ICB
    "contact_name": "Asha Patel",
    "contact_job_title": "Practice manager",
    "contact_phone": "01632 960 001",
    "cis_user_count": 14,
}


@pytest.fixture
def catalogue(db):
    authenticator_reference_data.load(settings.REFERENCE_DATA_DIR)


@pytest.fixture
def training_modules(db):
    training_reference_data.load(settings.REFERENCE_DATA_DIR)


@pytest.fixture
def national_team(db):
    return NationalRATeamFactory()


@pytest.fixture
def save(organisation, org_admin):
    """Saves a step through the service as the org admin, at the journey's current version."""

    def _save(slug, answers, organisation=organisation, user=org_admin):
        journey = journey_for_organisation(organisation)
        return services.save_step(
            organisation, step_slug=slug, answers=answers, expected_version=journey.version, acting_user=user
        )

    return _save


@pytest.fixture
def details_answers(organisation):
    return {**ORGANISATION_DETAILS, "icb": organisation.icb_id}


def future_date(days=30) -> datetime.date:
    return datetime.date.today() + datetime.timedelta(days=days)


@pytest.fixture(autouse=True)
def _decline_reasons(decline_reasons):
    """Every database test here may decline a request (see the root conftest's decline_reasons)."""

"""Demo: Riverside's admin has started the readiness wizard (organisation details saved)."""

from organisations.models import Organisation, User

from . import services
from .selectors import journey_for_organisation

DEMO_ODS_CODE = "A99901"
DEMO_ADMIN = "admin@example.org"


def seed() -> str:
    """Idempotent: leaves any journey that already exists alone. Then stores every organisation's
    readiness (as the hourly job does) so the ICB and national overviews show the demo data."""
    message = _start_journey()
    services.record_readiness_statuses()
    return message + "; readiness stored for the overviews"


def _start_journey() -> str:
    organisation = Organisation.objects.filter(ods_code=DEMO_ODS_CODE).first()
    admin = User.objects.filter(email=DEMO_ADMIN).first()
    if organisation is None or admin is None:
        return "onboarding: demo organisation missing, nothing seeded"
    journey = journey_for_organisation(organisation)
    if journey.pk is not None:
        return f"onboarding: {organisation.name} already has a readiness journey"
    services.save_step(
        organisation,
        step_slug="organisation-details",
        answers={
            "icb": organisation.icb_id,
            "contact_name": admin.display_name,
            "contact_job_title": "Practice manager",
            "contact_phone": "01632 960 001",
            "cis_user_count": 18,
        },
        expected_version=journey.version,
        acting_user=admin,
    )
    return f"onboarding: {organisation.name}'s readiness wizard started (organisation details saved)"

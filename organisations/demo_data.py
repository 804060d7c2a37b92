"""Demo organisations, one login per role, and demo RA contact addresses on example.org."""

import datetime

from django.db import transaction
from django.utils import timezone

from . import services
from .models import ContactSource, Organisation, RAProvider, Role, User

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for local demos; seed_demo refuses with DEBUG off

DEMO_ORGANISATIONS = [
    # (ODS code, name, type, ICB code)
    ("A99901", "Riverside Medical Practice (demo)", Organisation.OrganisationType.GP_PRACTICE, "QE1"),
    ("FZZ91", "Harbour Pharmacy (demo)", Organisation.OrganisationType.COMMUNITY_PHARMACY, "QWO"),
]
# One directory entry in each state: confirmed by its RA team (QE1), unconfirmed (QWO, given by the
# national team; X24), stale (QHM, confirmed 200 days ago). Every other provider has no contact.
DEMO_CONTACTS = {
    "QE1": {
        "ra_contact_email": "ra.lancashire-south-cumbria@example.org",
        "ra_contact_phone": "01632 960100",
        "ra_opening_hours": "Monday to Friday, 9am to 5pm",
        "ra_services_offered": "New smartcards, unlocks, role changes and Care Identity profiles",
        "ra_charging_note": "No charge for GP practices; pharmacies are charged per smartcard",
        "contact_given_by": ContactSource.RA_TEAM,
        "confirmed_days_ago": 30,
    },
    "QWO": {
        "ra_contact_email": "ra.west-yorkshire@example.org",
        "contact_given_by": ContactSource.NATIONAL_TEAM,
    },
    "QHM": {
        "ra_contact_email": "ra.north-east@example.org",
        "contact_given_by": ContactSource.RA_TEAM,
        "confirmed_days_ago": 200,
    },
    "X24": {
        "ra_contact_email": "national-ra-team@example.org",
        "contact_given_by": ContactSource.ADMINISTRATOR,
    },
}


def _seed_directory_entries() -> None:
    """Fills only entries that have no contact yet, so edits made while trying the demo survive."""
    for code, details in DEMO_CONTACTS.items():
        fields = dict(details)
        days = fields.pop("confirmed_days_ago", None)
        if days is not None:
            fields["contact_confirmed_at"] = timezone.now() - datetime.timedelta(days=days)
        RAProvider.objects.filter(ods_code=code, ra_contact_email="").update(**fields)


def _user(email: str, first_name: str, last_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, first_name=first_name, last_name=last_name)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    return user


DEMO_LOGINS = [
    # (email, role description); seed() makes each of them
    ("admin@example.org", "Organisation admin, Riverside Medical Practice (demo)"),
    ("itlead@example.org", "IT lead, Riverside Medical Practice (demo)"),
    ("pharmacy.admin@example.org", "Organisation admin and IT lead, Harbour Pharmacy (demo)"),
    ("ra.team@example.org", "RA team member, NHS Lancashire and South Cumbria ICB"),
    ("national.admin@example.org", "National administrator (admin site)"),
]


def was_seeded() -> bool:
    """Whether an earlier run made demo data: a demo organisation or a demo login is there."""
    return (
        Organisation.objects.filter(ods_code__in=[row[0] for row in DEMO_ORGANISATIONS]).exists()
        or User.objects.filter(email__in=[email for email, _ in DEMO_LOGINS]).exists()
    )


def existing_logins() -> list[tuple[str, str]]:
    """(role description, email) for the demo logins still there."""
    present = set(
        User.objects.filter(email__in=[email for email, _ in DEMO_LOGINS]).values_list("email", flat=True)
    )
    return [(description, email) for email, description in DEMO_LOGINS if email in present]


@transaction.atomic
def seed() -> list[tuple[str, str]]:
    """Returns (role description, email) for each demo login."""
    _seed_directory_entries()

    organisations = []
    for ods_code, name, organisation_type, icb_code in DEMO_ORGANISATIONS:
        organisation = Organisation.objects.filter(ods_code=ods_code).first()
        if organisation is None:
            organisation = services.create_organisation(
                ods_code=ods_code,
                name=name,
                organisation_type=organisation_type,
                icb=RAProvider.objects.get(ods_code=icb_code),
            )
        organisations.append(organisation)
    riverside, harbour = organisations

    admin = _user("admin@example.org", "Asha", "Patel")
    services.add_membership(riverside, user=admin, role=Role.ORG_ADMIN)
    it_lead = _user("itlead@example.org", "Tom", "Jones")
    services.add_membership(riverside, user=it_lead, role=Role.IT_LEAD)
    other_admin = _user("pharmacy.admin@example.org", "Grace", "Okafor")
    services.add_membership(harbour, user=other_admin, role=Role.ORG_ADMIN)
    services.add_membership(harbour, user=other_admin, role=Role.IT_LEAD)
    ra_member = _user("ra.team@example.org", "Sam", "Clarke")
    services.add_ra_team_member(RAProvider.objects.get(ods_code="QE1"), user=ra_member)
    RAProvider.objects.filter(ods_code="QE1", contact_given_by=ContactSource.RA_TEAM).exclude(
        contact_confirmed_at=None
    ).filter(contact_confirmed_by=None).update(contact_confirmed_by=ra_member)
    national = _user("national.admin@example.org", "Priya", "Shah")
    services.make_national_admin(national)

    return [(description, email) for email, description in DEMO_LOGINS]

"""Demo organisations, one login per role, and demo RA contact addresses on example.org."""

from django.db import transaction

from . import services
from .models import Organisation, RAProvider, Role, User

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for local demos; seed_demo refuses with DEBUG off

DEMO_ORGANISATIONS = [
    # (ODS code, name, type, ICB code)
    ("A99901", "Riverside Medical Practice (demo)", Organisation.OrganisationType.GP_PRACTICE, "QE1"),
    ("FZZ91", "Harbour Pharmacy (demo)", Organisation.OrganisationType.COMMUNITY_PHARMACY, "QWO"),
]
DEMO_CONTACTS = {
    "QE1": "ra.lancashire-south-cumbria@example.org",
    "QWO": "ra.west-yorkshire@example.org",
    "X24": "national-ra-team@example.org",
}


def _user(email: str, first_name: str, last_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, first_name=first_name, last_name=last_name)
    from django.utils import timezone

    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    return user


@transaction.atomic
def seed() -> list[tuple[str, str]]:
    """Returns (role description, email) for each demo login."""
    for code, email in DEMO_CONTACTS.items():
        RAProvider.objects.filter(ods_code=code, ra_contact_email="").update(ra_contact_email=email)

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
    national = _user("national.admin@example.org", "Priya", "Shah")
    services.make_national_admin(national)

    return [
        (f"Organisation admin, {riverside}", admin.email),
        (f"IT lead, {riverside}", it_lead.email),
        (f"Organisation admin and IT lead, {harbour}", other_admin.email),
        ("RA team member, NHS Lancashire and South Cumbria ICB", ra_member.email),
        ("National administrator (admin site)", national.email),
    ]

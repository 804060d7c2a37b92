"""Demo plan for Riverside Medical Practice (demo): an inventory, estate facts and two staff groups."""

from django.db import transaction

from organisations.models import Organisation, User

from . import services
from .models import Authenticator, UserGroup

DEMO_ODS_CODE = "A99901"
DEMO_INVENTORY = ["ncrs", "e-rs", "systmone", "emis-web", "eps-prescription-tracker"]
DEMO_GROUPS = [
    # (name, head count, applications, chosen authenticators or None to leave the choice open)
    ("Reception", 6, ["ncrs", "e-rs"], ["microsoft-authenticator"]),
    ("Clinicians", 11, ["ncrs", "systmone", "emis-web", "eps-prescription-tracker"], None),
]


@transaction.atomic
def seed() -> str:
    organisation = Organisation.objects.filter(ods_code=DEMO_ODS_CODE).first()
    if organisation is None or not Authenticator.objects.exists():
        return "Authenticator plan: skipped (run load_reference_data and the organisations demo first)"
    admin = User.objects.filter(email="admin@example.org").first()
    services.save_application_inventory(
        organisation,
        catalogue_slugs=DEMO_INVENTORY,
        local_applications=[
            {"name": "Docman", "cis_generation": "CIS2", "min_aal": "AAL2", "supplier": "Docman"}
        ],
        acting_user=admin,
    )
    services.save_estate_facts(
        organisation,
        hscn=True,
        windows_tpm=True,
        ipads=False,
        smartphones=True,
        shared_workstations=True,
        acting_user=admin,
    )
    for name, head_count, applications, chosen in DEMO_GROUPS:
        group = UserGroup.objects.filter(organisation=organisation, name=name).first()
        if group is None:
            group = services.save_user_group(
                organisation,
                name=name,
                head_count=head_count,
                application_slugs=applications,
                acting_user=admin,
            )
            if chosen:
                services.choose_authenticators(group, authenticator_slugs=chosen, acting_user=admin)
    count = len(DEMO_INVENTORY) + 1
    groups = len(DEMO_GROUPS)
    return f"Authenticator plan: {organisation.name} has {count} applications and {groups} staff groups"

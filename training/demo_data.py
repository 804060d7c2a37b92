"""Demo staff and completions for the demo organisations: some in date, some due soon, some overdue."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from organisations.models import Organisation, User

from . import services
from .compliance import add_months
from .models import CompletionMethod, EmploymentType, ModuleVersion, StaffMember, StaffRole, TrainingModule

# (ODS code, full name, email, role, employment type, supplier)
DEMO_STAFF = [
    ("A99901", "Dev Mistry", "dev.mistry@example.org", StaffRole.DESKSIDE, EmploymentType.IN_HOUSE, ""),
    ("A99901", "Ellen Hughes", "ellen.hughes@example.org", StaffRole.RA_FACING, EmploymentType.IN_HOUSE, ""),
    (
        "A99901",
        "Kofi Mensah",
        "kofi.mensah@example.org",
        StaffRole.INFRASTRUCTURE,
        EmploymentType.OUTSOURCED,
        "Northern IT Services Ltd (demo)",
    ),
    (
        "A99901",
        "Lucy Chen",
        "lucy.chen@example.org",
        StaffRole.SERVICE_DESK,
        EmploymentType.OUTSOURCED,
        "Northern IT Services Ltd (demo)",
    ),
    ("FZZ91", "Omar Haddad", "omar.haddad@example.org", StaffRole.IT_MANAGER, EmploymentType.IN_HOUSE, ""),
    (
        "FZZ91",
        "Rita Novak",
        "rita.novak@example.org",
        StaffRole.DESKSIDE,
        EmploymentType.OUTSOURCED,
        "Coastal Tech Support (demo)",
    ),
]

# Who records each demo organisation's training: its own IT lead (organisations.demo_data makes them).
DEMO_RECORDERS = {"A99901": "itlead@example.org", "FZZ91": "pharmacy.admin@example.org"}

# (email, module slug, months ago the training was done, extra days ago)
DEMO_COMPLETIONS = [
    ("dev.mistry@example.org", "cis-foundations", 2, 0),  # in date
    ("dev.mistry@example.org", "smartcard-workstation-build", 5, 10),  # expires within 30 days
    ("dev.mistry@example.org", "troubleshooting-authentication", 7, 0),  # overdue
    ("ellen.hughes@example.org", "cis-foundations", 11, 15),  # expires within 30 days
    ("ellen.hughes@example.org", "working-with-the-ra", 3, 0),  # in date
    ("kofi.mensah@example.org", "network-browser-config", 13, 0),  # overdue
    ("kofi.mensah@example.org", "keeping-current", 1, 0),  # in date
    ("lucy.chen@example.org", "cis-foundations", 4, 0),  # in date
    ("omar.haddad@example.org", "cis1-to-cis2-migration", 2, 20),  # expires within 30 days
    ("omar.haddad@example.org", "cis-foundations", 14, 0),  # overdue
    ("rita.novak@example.org", "smartcard-workstation-build", 1, 0),  # in date
]


@transaction.atomic
def seed() -> str:
    if not TrainingModule.objects.exists():
        from .reference_data import load

        load(settings.REFERENCE_DATA_DIR)
    organisations = {o.ods_code: o for o in Organisation.objects.filter(ods_code__in=["A99901", "FZZ91"])}
    if not organisations:
        return "Training: no demo organisations, nothing seeded"
    recorders = {user.email: user for user in User.objects.filter(email__in=DEMO_RECORDERS.values())}
    recorder_for = {ods_code: recorders.get(email) for ods_code, email in DEMO_RECORDERS.items()}
    created_staff = 0
    staff_by_email = {}
    for ods_code, name, email, role, employment_type, supplier in DEMO_STAFF:
        organisation = organisations.get(ods_code)
        if organisation is None:
            continue
        staff = StaffMember.objects.filter(organisation=organisation, email=email).first()
        if staff is None:
            staff = services.add_staff_member(
                organisation,
                full_name=name,
                email=email,
                role=role,
                employment_type=employment_type,
                supplier_name=supplier,
                acting_user=recorder_for[ods_code],
            )
            created_staff += 1
        staff_by_email[email] = staff

    today = timezone.localdate()
    created_completions = 0
    for email, slug, months_ago, days_ago in DEMO_COMPLETIONS:
        staff = staff_by_email.get(email)
        version = ModuleVersion.objects.filter(module__slug=slug).order_by("number").first()
        if staff is None or version is None or staff.completions.filter(module=version.module).exists():
            continue
        completed_on = add_months(today, -months_ago) - datetime.timedelta(days=days_ago)
        services.record_completion(
            staff,
            module_version=version,
            completed_on=completed_on,
            method=CompletionMethod.E_LEARNING,
            evidence_note="Demo record",
            acting_user=recorder_for[staff.organisation.ods_code],
        )
        created_completions += 1
    return f"Training: {created_staff} demo staff and {created_completions} completions added"

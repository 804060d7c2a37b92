"""Demo RA requests for the demo organisations, so the demo RA team member has a queue to triage."""

import datetime

from django.db import transaction
from django.utils import timezone

from organisations.models import Organisation, User

from . import services
from .models import HelpNeeded, RARequest


def _submit(organisation, user, *, help_needed, staff, tried, contact):
    return services.submit_ra_request(
        organisation,
        submitted_by=user,
        help_needed=help_needed,
        staff_affected=staff,
        needed_by=timezone.localdate() + datetime.timedelta(days=21),
        contact_name=contact[0],
        contact_phone=contact[1],
        contact_email=contact[2],
        already_tried=tried,
        charge_acknowledged=True,
    )


@transaction.atomic
def seed() -> str:
    """Idempotent: an organisation that already has requests is left alone."""
    made = 0
    riverside = Organisation.objects.filter(ods_code="A99901").first()
    harbour = Organisation.objects.filter(ods_code="FZZ91").first()
    admin = User.objects.filter(email="admin@example.org").first()
    ra_member = User.objects.filter(email="ra.team@example.org").first()
    pharmacy_admin = User.objects.filter(email="pharmacy.admin@example.org").first()

    if riverside and admin and not RARequest.objects.filter(organisation=riverside).exists():
        contact = ("Asha Patel", "01632 960100", "admin@example.org")
        first = _submit(
            riverside,
            admin,
            help_needed=[HelpNeeded.REGISTER_USERS, HelpNeeded.ISSUE_SMARTCARDS],
            staff=6,
            tried="Two new GPs start next month. We emailed the ICB smartcard mailbox last week.",
            contact=contact,
        )
        if ra_member:
            services.acknowledge_ra_request(first, acting_user=ra_member, comment="Thanks, we have this.")
            services.ask_organisation(
                first,
                acting_user=ra_member,
                comment="Please send the new GPs' start dates and confirm they have photo ID.",
            )
        _submit(
            riverside,
            admin,
            help_needed=[HelpNeeded.UNLOCK_RENEW],
            staff=2,
            tried="Self-service unlock failed: both cards' certificates have expired.",
            contact=contact,
        )
        made += 2

    if harbour and pharmacy_admin and not RARequest.objects.filter(organisation=harbour).exists():
        _submit(
            harbour,
            pharmacy_admin,
            help_needed=[HelpNeeded.OTHER_AUTHENTICATORS, HelpNeeded.LOCAL_RA_STAFF],
            staff=3,
            tried="Read the CIS pages on security keys; our LPC suggested asking the ICB.",
            contact=("Grace Okafor", "01632 960200", "pharmacy.admin@example.org"),
        )
        made += 1

    return (
        f"RA requests: {made} demo requests created" if made else "RA requests: demo requests already present"
    )

import datetime

import pytest
from django.utils import timezone

from training import services
from training.models import CompletionMethod, EmploymentType, StaffRole

# A fixed "today" for compliance figures, so expiry maths never depends on the calendar.
TODAY = datetime.date(2026, 1, 15)


@pytest.fixture
def foundations(db):
    """Applies to everyone; a 12-month refresher."""
    return services.create_module(
        slug="cis-foundations", title="CIS foundations", covers="What CIS is", refresh_months=12
    )


@pytest.fixture
def ra_module(db):
    """Applies only to RA-facing staff; a 6-month refresher."""
    return services.create_module(
        slug="working-with-the-ra",
        title="Working with your RA",
        covers="RA roles",
        refresh_months=6,
        applies_to_roles=[StaffRole.RA_FACING],
    )


def make_staff(organisation, name, *, role=StaffRole.DESKSIDE, outsourced=False, acting_user=None):
    return services.add_staff_member(
        organisation,
        full_name=name,
        email=f"{name.lower().replace(' ', '.')}@{organisation.ods_code.lower()}.example.org",
        role=role,
        employment_type=EmploymentType.OUTSOURCED if outsourced else EmploymentType.IN_HOUSE,
        supplier_name="Acme IT Ltd" if outsourced else "",
        acting_user=acting_user,
    )


def complete(staff, module, on: datetime.date, *, version_number=None, acting_user=None):
    versions = module.versions.order_by("number")
    version = versions.get(number=version_number) if version_number else versions.first()
    return services.record_completion(
        staff,
        module_version=version,
        completed_on=on,
        method=CompletionMethod.E_LEARNING,
        acting_user=acting_user,
    )


def backdate_version(module, number, on: datetime.date):
    """Test arrangement: pretend a version was published on an earlier day."""
    published_at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(9, 0)))
    module.versions.filter(number=number).update(published_at=published_at)


@pytest.fixture
def known_staff(organisation, foundations, ra_module, it_lead):
    """Four active people and a leaver, with one of each status on TODAY (15 January 2026).

    Foundations (12 months, everyone) is on version 2, published 1 June 2025; the RA module
    (6 months) applies to RA-facing staff only.
    """
    d = datetime.date
    services.publish_module_version(foundations, change_note="Smartcard Connect v4.1.", published_by=it_lead)
    backdate_version(foundations, 2, d(2025, 6, 1))
    alice = make_staff(organisation, "Alice Ahmed")
    complete(alice, foundations, d(2025, 12, 15), version_number=2)  # in date
    bob = make_staff(organisation, "Bob Brown", role=StaffRole.RA_FACING)
    complete(bob, foundations, d(2025, 7, 1), version_number=2)  # in date
    complete(bob, ra_module, d(2025, 7, 20))  # expires 20 Jan 2026: within 30 days
    carol = make_staff(organisation, "Carol Cole", outsourced=True)  # never completed
    dan = make_staff(organisation, "Dan Dixon", role=StaffRole.RA_FACING, outsourced=True)
    complete(dan, foundations, d(2025, 5, 1), version_number=1)  # refresher due since 1 Jun 2025
    complete(dan, ra_module, d(2025, 6, 10))  # expired 10 Dec 2025: overdue
    eve = make_staff(organisation, "Eve Evans")
    complete(eve, foundations, d(2020, 1, 1), version_number=1)
    services.mark_staff_member_left(eve, left_on=d(2025, 12, 31), acting_user=it_lead)
    return {"alice": alice, "bob": bob, "carol": carol, "dan": dan, "eve": eve}


@pytest.fixture(autouse=True)
def empty_cache():
    """Compliance summaries are cached; each test starts without any."""
    from organisations.data_versions import page_cache

    page_cache.clear()

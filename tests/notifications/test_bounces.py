"""A permanent refusal of an RA provider's contact address flags that provider's directory entry."""

import pytest

from notifications import services
from organisations.directory_entries import EntryState, entry_status
from tests.factories import RAProviderFactory

pytestmark = pytest.mark.django_db


def test_an_address_refused_for_good_flags_its_provider_as_bouncing(smtp_server):
    provider = RAProviderFactory(ods_code="QE1", ra_contact_email="ra.team@example.org")
    other = RAProviderFactory(ods_code="QWO", ra_contact_email="ra.other@example.org")
    smtp_server.refuse = {"ra.team@example.org": "550 5.1.1 No such user"}
    email = services.queue_email(
        dedupe_key="ra_request:1:submitted", to=["ra.team@example.org"], subject="New request", body="Look."
    )

    services.deliver_email(email.pk)

    provider.refresh_from_db()
    other.refresh_from_db()
    assert entry_status(provider).state == EntryState.BOUNCING
    assert entry_status(other).state != EntryState.BOUNCING


def test_a_deferred_address_does_not_flag_its_provider(smtp_server):
    provider = RAProviderFactory(ods_code="QE1", ra_contact_email="ra.team@example.org")
    smtp_server.refuse = {"ra.team@example.org": "450 4.2.0 Greylisted, try again later"}
    email = services.queue_email(
        dedupe_key="ra_request:1:submitted", to=["ra.team@example.org"], subject="New request", body="Look."
    )

    with pytest.raises(services.TransientEmailError):
        services.deliver_email(email.pk)

    provider.refresh_from_db()
    assert provider.contact_bouncing_since is None

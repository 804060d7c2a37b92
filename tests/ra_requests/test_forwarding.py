"""The national team forwards a request to the local provider it reached only for want of a contact."""

import pytest
from django.core.exceptions import ValidationError

from ra_requests import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_national(organisation, icb, org_admin, national_team, submit, django_capture_on_commit_callbacks):
    icb.ra_contact_email = ""
    icb.save()
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(organisation, org_admin)
    assert request.provider == national_team
    return request


def test_forwarding_records_the_contact_unconfirmed_and_moves_the_request(
    client, at_national, icb, national_admin, org_admin, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.forward_to_local_provider(
            at_national, contact_email="ra@lsc.example.org", acting_user=national_admin
        )

    icb.refresh_from_db()
    assert moved.provider == icb
    assert (icb.ra_contact_email, icb.contact_given_by, icb.contact_confirmed_at) == (
        "ra@lsc.example.org",
        "national_team",
        None,
    )
    assert icb.history.latest().history_user == national_admin
    assert "the national RA team forwarded it to" in moved.routing_reason
    assert any("ra@lsc.example.org" in email.to for email in mailoutbox)
    client.force_login(org_admin)
    page = client.get(f"/ra-requests/{at_national.organisation.ods_code}/{at_national.pk}/").content.decode()
    assert icb.name in page
    assert "ra@lsc.example.org" in page


def test_forwarding_refuses_a_request_already_with_a_local_provider(ra_request, national_admin):
    with pytest.raises(ValidationError, match="Only requests with the national RA team"):
        services.forward_to_local_provider(
            ra_request, contact_email="x@example.org", acting_user=national_admin
        )


def test_forwarding_needs_a_valid_email_and_changes_nothing_without_one(at_national, icb, national_admin):
    with pytest.raises(ValidationError) as error:
        services.forward_to_local_provider(
            at_national, contact_email="not an email", acting_user=national_admin
        )

    assert "local_contact_email" in error.value.message_dict
    icb.refresh_from_db()
    assert icb.ra_contact_email == ""

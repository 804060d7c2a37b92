"""The national team forwards a request to the local provider it reached only for want of a contact."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from organisations import services as organisation_services
from ra_requests import services
from tests.factories import UserFactory

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


def _admin_change_url(request):
    return reverse("admin:ra_requests_rarequest_change", args=[request.pk])


def test_national_admin_forwards_from_the_admin_change_form_in_one_step(
    client, at_national, icb, national_admin, role_groups, django_capture_on_commit_callbacks
):
    client.force_login(national_admin)
    form_page = client.get(_admin_change_url(at_national)).content.decode()
    assert f"Forward to {icb.name} at" in form_page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _admin_change_url(at_national),
            {"version": at_national.version, "local_contact_email": "ra@lsc.example.org"},
            follow=True,
        )

    at_national.refresh_from_db()
    icb.refresh_from_db()
    assert at_national.provider == icb
    assert icb.ra_contact_email == "ra@lsc.example.org"
    assert f"{at_national.reference}: forwarded to {icb.name}" in response.content.decode()


def test_forward_field_is_not_offered_for_a_request_with_a_local_provider(
    client, ra_request, national_admin, role_groups
):
    client.force_login(national_admin)

    assert "Forward to" not in client.get(_admin_change_url(ra_request)).content.decode()


def test_ra_team_members_are_not_offered_the_forward_field(client, at_national, national_team, role_groups):
    member = UserFactory(email="national.ra.member@example.org")
    organisation_services.add_ra_team_member(national_team, user=member)
    client.force_login(member)

    assert "Forward to" not in client.get(_admin_change_url(at_national)).content.decode()

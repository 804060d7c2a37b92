"""'Ask the national administrators to correct it': a link from the organisation details step to a
form that emails every national administrator."""

import pytest
from django.urls import reverse

from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def correction_url(organisation):
    return reverse("onboarding:details_correction", args=[organisation.ods_code])


def test_organisation_details_step_links_to_the_correction_form(client, organisation, org_admin):
    client.force_login(org_admin)

    html = client.get(
        reverse("onboarding:step", args=[organisation.ods_code, "organisation-details"])
    ).content

    assert f'<a href="{correction_url(organisation)}">ask the national administrators to correct it</a>' in (
        html.decode()
    )


def test_correction_is_emailed_to_every_national_administrator_once(
    client, organisation, org_admin, national_admin, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)
    data = {"what_is_wrong": "We are a GP practice, not a pharmacy (see the ODS record)."}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(correction_url(organisation), data)
        client.post(correction_url(organisation), data)

    assert response["Location"] == reverse(
        "onboarding:step", args=[organisation.ods_code, "organisation-details"]
    )
    (email,) = OutboundEmail.objects.filter(subject__startswith="Correction requested")
    assert email.to == ["national@example.org"]
    assert email.subject == "Correction requested: Riverside Surgery (A81001)"
    assert "We are a GP practice, not a pharmacy (see the ODS record)." in email.body
    assert "Reply to admin@riverside.example.org" in email.body


def test_correction_form_asks_for_what_is_wrong_and_says_when_nobody_can_receive_it(
    client, organisation, org_admin
):
    client.force_login(org_admin)

    empty = client.post(correction_url(organisation), {"what_is_wrong": " "}).content.decode()
    nobody = client.post(correction_url(organisation), {"what_is_wrong": "Wrong type"}).content.decode()

    assert "Enter what is wrong with your organisation&#x27;s details" in empty
    assert "There is no national administrator to send this to yet" in nobody
    assert not OutboundEmail.objects.exists()


def test_correction_form_is_only_for_the_organisations_own_admins(
    client, organisation, other_organisation, org_admin
):
    client.force_login(org_admin)

    assert client.get(correction_url(other_organisation)).status_code == 404

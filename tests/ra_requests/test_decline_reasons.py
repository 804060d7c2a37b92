"""Decline reasons and their next steps: rows national administrators edit, with history."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications.models import OutboundEmail
from ra_requests import services
from ra_requests.decline_reasons import install_default_decline_reasons
from ra_requests.models import DeclineReason

pytestmark = pytest.mark.django_db

REASONS = reverse("admin:ra_requests_declinereason_changelist")


def reason_url(code):
    return reverse("admin:ra_requests_declinereason_change", args=[DeclineReason.objects.get(code=code).pk])


def test_the_existing_reasons_are_installed_with_their_next_steps():
    DeclineReason.objects.all().delete()

    install_default_decline_reasons(DeclineReason)
    install_default_decline_reasons(DeclineReason)  # the migration may meet rows already there

    rows = {
        reason.code: (reason.next_step, reason.offers_national_reroute)
        for reason in DeclineReason.objects.all()
    }
    assert rows == {
        "outside_area": ("Send the request to the national RA team", True),
        "not_supported": ("Send the request to the national RA team", True),
        "self_service_unlock": ("Use self-service smartcard unlock", False),
        "self_service_authenticator": ("Add an authenticator yourself", False),
        "has_own_ra": ("Ask your own organisation's RA team", False),
        "duplicate": ("Follow your other open request", False),
    }
    assert DeclineReason.objects.get(code="outside_area").label == "The organisation is outside our area"


def _edit(client, reason_code, **changes):
    reason = DeclineReason.objects.get(code=reason_code)
    data = {
        "code": reason.code,
        "label": reason.label,
        "next_step": reason.next_step,
        "next_step_guidance": reason.next_step_guidance,
        "offers_national_reroute": "on" if reason.offers_national_reroute else "",
        "is_active": "on" if reason.is_active else "",
        "position": reason.position,
        **changes,
    }
    return client.post(reason_url(reason_code), {k: v for k, v in data.items() if v != ""})


def test_national_admin_edits_a_reason_and_the_decline_email_and_page_use_it(
    client, national_admin, role_groups, ra_request, ra_team_member, org_admin
):
    client.force_login(national_admin)

    response = _edit(
        client,
        "self_service_unlock",
        label="The card can be unlocked without an RA",
        next_step="Unlock the card yourself",
        next_step_guidance="Go to the unlock page and ask for a code.",
    )
    services.decline_ra_request(ra_request, reason="self_service_unlock", acting_user=ra_team_member)

    assert response.status_code == 302
    reason = DeclineReason.objects.get(code="self_service_unlock")
    latest = reason.history.first()
    assert (latest.history_user, latest.label) == (national_admin, "The card can be unlocked without an RA")
    email = OutboundEmail.objects.filter(subject__contains="declined").get()
    assert (
        "declined your request for RA support because: the card can be unlocked without an RA." in email.body
    )
    assert "Go to the unlock page and ask for a code." in email.body
    client.force_login(org_admin)
    page = client.get(reverse("ra_requests:detail", args=[ra_request.organisation.ods_code, ra_request.pk]))
    assert "Declined: The card can be unlocked without an RA" in page.content.decode()


def test_the_code_of_a_reason_cannot_be_changed_once_made(client, national_admin, role_groups):
    client.force_login(national_admin)

    _edit(client, "duplicate", code="double")

    assert DeclineReason.objects.filter(code="duplicate").exists()
    assert not DeclineReason.objects.filter(code="double").exists()


def test_ra_team_members_cannot_edit_or_see_the_reasons(client, ra_team_member, role_groups):
    client.force_login(ra_team_member)

    listing = client.get(REASONS)
    edit = _edit(client, "duplicate", label="Hacked")

    assert listing.status_code == 403
    assert edit.status_code == 403
    assert DeclineReason.objects.get(code="duplicate").label == "This duplicates another open request"


def test_a_withdrawn_reason_is_neither_offered_nor_accepted(client, ra_team_member, role_groups, ra_request):
    DeclineReason.objects.filter(code="duplicate").update(is_active=False)
    client.force_login(ra_team_member)

    form = client.get(reverse("admin:ra_requests_rarequest_change", args=[ra_request.pk])).content.decode()
    with pytest.raises(ValidationError) as error:
        services.decline_ra_request(ra_request, reason="duplicate", acting_user=ra_team_member)

    assert 'value="duplicate"' not in form
    assert 'value="outside_area"' in form
    assert error.value.message_dict == {"decline_reason": ["Select why you are declining the request"]}


def test_a_new_reason_with_a_national_next_step_lets_the_organisation_reroute(
    client, national_admin, role_groups, ra_request, ra_team_member, org_admin, national_team
):
    client.force_login(national_admin)
    client.post(
        reverse("admin:ra_requests_declinereason_add"),
        {
            "code": "no_capacity",
            "label": "We have no RA capacity this month",
            "next_step": "Send the request to the national RA team",
            "next_step_guidance": "The national team can help sooner.",
            "offers_national_reroute": "on",
            "is_active": "on",
            "position": 10,
        },
    )

    services.decline_ra_request(ra_request, reason="no_capacity", acting_user=ra_team_member)
    rerouted = services.reroute_to_national(ra_request, acting_user=org_admin)

    assert rerouted.provider == national_team
    assert "declined it (we have no RA capacity this month)" in rerouted.routing_reason

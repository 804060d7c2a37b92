"""The Outgoing email admin never shows a live account link (confirmation, invitation, password reset).

Each account email is still in the outbox with its whole body (the row is what the worker sends);
the admin shows its subject, recipients and status, and hides the body.
"""

import pytest
from django.urls import reverse

from notifications import services
from notifications.models import OutboundEmail
from organisations import services as organisation_services
from organisations.models import Organisation, Role
from tests.factories import UserFactory
from tests.organisations.helpers import LINK_PATTERN

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:notifications_outboundemail_changelist")


def _password_reset(client, icb, organisation, org_admin):
    UserFactory(email="asha@example.org")
    client.post("/account/password-reset/", {"email": "asha@example.org"})
    return "account:"


def _sign_up_confirmation(client, icb, organisation, org_admin):
    password = "lighthouse-harbour-2026"
    client.post(
        "/account/sign-up/",
        {
            "email": "asha.patel@example.org",
            "first_name": "Asha",
            "last_name": "Patel",
            "password1": password,
            "password2": password,
            "ods_code": "A81234",
            "organisation_name": "Canal Street Surgery",
            "organisation_type": Organisation.OrganisationType.GP_PRACTICE,
            "icb": str(icb.pk),
        },
    )
    return "account:"


def _resent_confirmation(client, icb, organisation, org_admin):
    _sign_up_confirmation(client, icb, organisation, org_admin)
    OutboundEmail.objects.all().delete()
    client.post("/account/confirm-email/resend/", {"email": "asha.patel@example.org"})
    return "account:"


def _invitation(client, icb, organisation, org_admin):
    organisation_services.invite_member(
        organisation, email="new.lead@example.org", role=Role.IT_LEAD, invited_by=org_admin
    )
    return "account:"


ACCOUNT_EMAILS = {
    "password reset": _password_reset,
    "sign-up confirmation": _sign_up_confirmation,
    "resent confirmation": _resent_confirmation,
    "invitation": _invitation,
}


@pytest.mark.parametrize("path", ACCOUNT_EMAILS)
def test_admin_outbox_hides_account_links_from_national_admins(
    path, client, role_groups, icb, organisation, org_admin, national_admin
):
    topic_prefix = ACCOUNT_EMAILS[path](client, icb, organisation, org_admin)
    [email] = OutboundEmail.objects.filter(topic__startswith=topic_prefix)
    [link] = LINK_PATTERN.findall(email.body)  # the outbox row keeps the link: the worker sends it
    client.force_login(national_admin)

    listing = client.get(CHANGELIST)
    detail = client.get(reverse("admin:notifications_outboundemail_change", args=[email.pk]))

    assert (listing.status_code, detail.status_code) == (200, 200)
    assert email.subject in detail.content.decode()
    for page in (listing, detail):
        assert link not in page.content.decode()
        assert link.rstrip("/").rsplit("/", 1)[-1] not in page.content.decode()
    assert "hidden" in detail.content.decode()
    assert email.holds_account_link is True


def test_admin_outbox_shows_the_body_of_other_emails(client, role_groups, national_admin):
    email = services.queue_email(
        dedupe_key="ra_request:1:acknowledged",
        to=["admin@example.org"],
        subject="Your RA request was acknowledged",
        body="The RA team has acknowledged RA-0001: https://portal.example.org/ra/RA-0001/",
    )
    client.force_login(national_admin)

    detail = client.get(reverse("admin:notifications_outboundemail_change", args=[email.pk]))

    assert email.holds_account_link is False
    assert "https://portal.example.org/ra/RA-0001/" in detail.content.decode()


def test_queue_email_marked_as_holding_an_account_link_keeps_the_body_for_sending(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        email = services.queue_email(
            dedupe_key="account:test:1",
            to=["someone@example.org"],
            subject="Confirm",
            body="Open https://portal.example.org/account/confirm-email/secret-token/",
            holds_account_link=True,
        )

    [sent] = mailoutbox
    assert "secret-token" in sent.body
    assert OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.SENT

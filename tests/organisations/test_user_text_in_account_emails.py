"""Issue 9 item 6: names are one line, and what people typed shows in emails quoted, never as a link."""

import pytest
from django.conf import settings
from django.test import Client

from organisations import services
from organisations.models import Organisation, Role, User
from tests.factories import UserFactory

from .helpers import LINK_PATTERN, emails_to

pytestmark = pytest.mark.django_db

PHISHING = "Bob\n\nYour smartcard will be suspended. Log in at https://evil.example.com/nhs now"
ONE_LINE_MESSAGE = "Enter this on one line, without line breaks, tabs or other special characters"


def sign_up(icb, **overrides):
    data = {
        "email": "target@example.org",
        "first_name": "Asha",
        "last_name": "Patel",
        "ods_code": "A81234",
        "organisation_name": "Canal Street Surgery",
        "organisation_type": Organisation.OrganisationType.GP_PRACTICE,
        "icb": str(icb.pk),
    }
    data.update(overrides)
    return Client().post("/account/sign-up/", data)


@pytest.mark.parametrize("field", ["first_name", "last_name", "organisation_name"])
@pytest.mark.parametrize(
    "bad", [PHISHING, "Asha\rPatel", "Asha\tPatel", "Asha\u2028Patel", "Asha\u202ePatel"]
)
def test_sign_up_refuses_control_characters_in_names(icb, field, bad):
    response = sign_up(icb, **{field: bad})

    content = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#id_{field}">{ONE_LINE_MESSAGE}</a>' in content
    assert User.objects.count() == 0
    assert emails_to("target@example.org") == []


def test_invitation_accept_refuses_control_characters_in_names(client, organisation, org_admin):
    invitation = services.invite_member(
        organisation, email="nia@example.org", role=Role.IT_LEAD, invited_by=org_admin
    )
    link = f"/account/invitation/{services.make_invitation_token(invitation)}/"
    password = "lighthouse-harbour-2026"

    response = client.post(
        link,
        {"first_name": "Nia\nClick here", "last_name": "Jones", "password1": password, "password2": password},
    )

    assert response.status_code == 400
    assert ONE_LINE_MESSAGE in response.content.decode()
    assert not User.objects.filter(email="nia@example.org").exists()


def test_register_organisation_refuses_control_characters_in_its_name(client, icb, org_admin):
    client.force_login(org_admin)

    response = client.post(
        "/account/organisations/new/",
        {
            "ods_code": "A81234",
            "organisation_name": "Canal\nStreet",
            "organisation_type": "gp_practice",
            "icb": icb.pk,
        },
    )

    assert ONE_LINE_MESSAGE in response.content.decode()
    assert not Organisation.objects.filter(ods_code="A81234").exists()


def only_our_links(body: str) -> list[str]:
    return [
        link for link in LINK_PATTERN.findall(body) if not link.startswith(settings.PORTAL_BASE_URL + "/")
    ]


def test_confirmation_email_quotes_typed_names_and_makes_no_link_of_them(icb):
    sign_up(icb, first_name="Bob https://evil.example.com/nhs", organisation_name="Visit www.evil.example")

    [email] = emails_to("target@example.org")
    assert only_our_links(email.body) == []
    assert "evil.example" not in email.body
    assert "Name: \u201cBob hxxps[:]//evil[.]example[.]com/nhs Patel\u201d" in email.body
    assert "Organisation: \u201cVisit www[.]evil[.]example\u201d" in email.body


def test_invitation_email_quotes_inviter_and_organisation_names_as_typed(organisation):
    inviter = UserFactory(first_name="Priya http://evil.example", last_name="Shah\nClick")
    services.add_membership(organisation, user=inviter, role=Role.ORG_ADMIN)
    organisation.name = "Riverside\nSurgery evil.example.org"
    organisation.save()

    services.invite_member(organisation, email="nia@example.org", role=Role.IT_LEAD, invited_by=inviter)

    [email] = emails_to("nia@example.org")
    assert only_our_links(email.body) == []
    assert "\n" not in email.subject
    assert "Organisation: \u201cRiverside Surgery evil[.]example[.]org\u201d" in email.body
    assert "Invited by: \u201cPriya hxxp[:]//evil[.]example Shah Click\u201d" in email.body


def test_password_reset_email_shows_no_typed_name(client):
    UserFactory(email="asha@example.org", first_name="Visit evil.example.com")

    client.post("/account/password-reset/", {"email": "asha@example.org"})

    [email] = emails_to("asha@example.org")
    assert "evil" not in email.body
    assert only_our_links(email.body) == []

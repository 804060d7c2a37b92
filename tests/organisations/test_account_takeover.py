"""Issue 9 item 2: an account's password is only ever set by someone who has proved they own the email.

The attack: someone signs up with the victim's address and their own password and never confirms;
an admin later invites the victim; the victim confirms or accepts; the attacker signs in.
"""

import pytest
from django.test import Client

from organisations.models import Organisation, Role, User
from tests.factories import TEST_PASSWORD

from .helpers import emails_to, link_path

pytestmark = pytest.mark.django_db

VICTIM = "victim@riverside.example.org"
ATTACKER_PASSWORD = "attackers-own-secret-2026"
VICTIM_PASSWORD = "victims-chosen-passphrase-9"


def attacker_pre_registers(icb):
    Client().post(
        "/account/sign-up/",
        {
            "email": VICTIM,
            "first_name": "Vic",
            "last_name": "Tim",
            "password1": ATTACKER_PASSWORD,
            "password2": ATTACKER_PASSWORD,
            "ods_code": "A81999",
            "organisation_name": "Squatted Surgery",
            "organisation_type": Organisation.OrganisationType.GP_PRACTICE,
            "icb": str(icb.pk),
        },
    )


def admin_invites_victim(organisation, org_admin):
    admin = Client()
    admin.force_login(org_admin)
    admin.post(f"/account/{organisation.ods_code}/team/", {"email": VICTIM, "role": Role.IT_LEAD})
    return link_path(emails_to(VICTIM)[-1], "/account/invitation/")


def latest_confirmation_link() -> str:
    confirmations = [email for email in emails_to(VICTIM) if "/account/confirm-email/" in email.body]
    return link_path(confirmations[-1], "/account/confirm-email/")


def attacker_can_sign_in() -> bool:
    attacker = Client()
    attacker.post("/account/sign-in/", {"username": VICTIM, "password": ATTACKER_PASSWORD})
    staff_page = attacker.get("/training/A81001/staff/")
    return "_auth_user_id" in attacker.session or staff_page.status_code == 200


def test_pre_registration_password_is_not_usable(icb):
    attacker_pre_registers(icb)

    user = User.objects.get(email=VICTIM)
    assert user.has_usable_password() is False
    assert user.check_password(ATTACKER_PASSWORD) is False


def test_victim_confirms_then_accepts_invitation_attacker_cannot_sign_in(icb, organisation, org_admin):
    attacker_pre_registers(icb)
    invitation_link = admin_invites_victim(organisation, org_admin)
    victim = Client()
    victim.post("/account/confirm-email/resend/", {"email": VICTIM})
    confirm_link = latest_confirmation_link()

    confirm_page = victim.get(confirm_link).content.decode()
    victim.post(confirm_link, {"password1": VICTIM_PASSWORD, "password2": VICTIM_PASSWORD})
    victim.post(invitation_link)

    assert 'name="password1"' in confirm_page
    user = User.objects.get(email=VICTIM)
    assert user.memberships.filter(organisation=organisation, role=Role.IT_LEAD).exists()
    assert user.check_password(VICTIM_PASSWORD)
    assert attacker_can_sign_in() is False


def test_victim_accepts_invitation_directly_sets_own_password_attacker_cannot_sign_in(
    icb, organisation, org_admin
):
    attacker_pre_registers(icb)
    invitation_link = admin_invites_victim(organisation, org_admin)
    victim = Client()

    page = victim.get(invitation_link).content.decode()
    response = victim.post(
        invitation_link,
        {
            "first_name": "Val",
            "last_name": "Ward",
            "password1": VICTIM_PASSWORD,
            "password2": VICTIM_PASSWORD,
        },
    )

    assert 'name="password1"' in page
    assert response.status_code == 302
    user = User.objects.get(email=VICTIM)
    assert (user.first_name, user.last_name) == ("Val", "Ward")
    assert user.is_active
    assert user.email_confirmed_at is not None
    assert list(user.memberships.values_list("organisation__ods_code", "role")) == [("A81001", Role.IT_LEAD)]
    assert victim.session["_auth_user_id"] == str(user.pk)
    assert attacker_can_sign_in() is False


def test_confirming_without_choosing_a_password_does_not_activate(icb):
    attacker_pre_registers(icb)
    link = latest_confirmation_link()
    victim = Client()

    response = victim.post(link, {})

    assert response.status_code == 400
    assert "Create a password" in response.content.decode()
    user = User.objects.get(email=VICTIM)
    assert user.is_active is False
    assert user.email_confirmed_at is None
    assert "_auth_user_id" not in victim.session


def test_confirmed_account_invitation_still_needs_sign_in(client, organisation, org_admin):
    from tests.factories import UserFactory

    UserFactory(email=VICTIM)
    invitation_link = admin_invites_victim(organisation, org_admin)

    response = client.post(
        invitation_link,
        {"first_name": "X", "last_name": "Y", "password1": VICTIM_PASSWORD, "password2": VICTIM_PASSWORD},
    )

    assert response.status_code == 400
    assert "An account already exists for victim@riverside.example.org" in response.content.decode()
    assert User.objects.get(email=VICTIM).check_password(TEST_PASSWORD)

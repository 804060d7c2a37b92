import time

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client

from organisations import services
from organisations.models import Membership, Organisation, OrganisationClaim, Role, User

from .helpers import emails_to, link_path

pytestmark = pytest.mark.django_db

PASSWORD = "lighthouse-harbour-2026"


def signup_data(icb, **overrides):
    data = {
        "email": "Asha.Patel@Example.org",
        "first_name": "Asha",
        "last_name": "Patel",
        "ods_code": " a81 234 ",
        "organisation_name": "Canal Street Surgery",
        "organisation_type": Organisation.OrganisationType.GP_PRACTICE,
        "icb": str(icb.pk),
    }
    data.update(overrides)
    return data


def past_token(salt: str, payload: dict) -> str:
    class PastSigner(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - settings.ACCOUNT_LINK_MAX_AGE_SECONDS - 60)

    return PastSigner(salt=salt).sign_object(payload)


def test_sign_up_creates_inactive_user_and_unconfirmed_claim_and_queues_one_email(client, icb):
    response = client.post("/account/sign-up/", signup_data(icb))

    assert response.status_code == 302
    assert response["Location"] == "/account/sign-up/check-your-email/"
    # Nothing is created for the organisation until the email is confirmed and the claim approved.
    assert not Organisation.objects.filter(ods_code="A81234").exists()
    user = User.objects.get(email="asha.patel@example.org")
    assert user.is_active is False
    assert user.email_confirmed_at is None
    assert user.has_usable_password() is False
    assert not Membership.objects.filter(user=user).exists()
    assert list(user.organisation_claims.values_list("ods_code", "organisation_name", "icb", "status")) == [
        ("A81234", "Canal Street Surgery", icb.pk, OrganisationClaim.Status.UNCONFIRMED)
    ]
    [email] = emails_to("asha.patel@example.org")
    assert email.subject == "Confirm your email address for the CIS onboarding portal"
    assert "Canal Street Surgery" in email.body
    done_page = client.get(response["Location"]).content.decode()
    assert "asha.patel@example.org" in done_page


def test_sign_up_confirmation_link_activates_and_signs_in(client, icb):
    client.post("/account/sign-up/", signup_data(icb))
    [email] = emails_to("asha.patel@example.org")
    link = link_path(email, "/account/confirm-email/")

    page = client.get(link)
    assert "Confirm and sign in" in page.content.decode()
    assert '<a href="#id_password1">' not in page.content.decode()
    assert 'name="password1"' in page.content.decode()
    assert "_auth_user_id" not in client.session
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})

    user = User.objects.get(email="asha.patel@example.org")
    claim = user.organisation_claims.get()
    assert response["Location"] == f"/account/organisations/claims/{claim.pk}/"
    assert claim.status == OrganisationClaim.Status.AWAITING_APPROVAL
    assert user.is_active is True
    assert user.email_confirmed_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.check_password(PASSWORD)
    home = client.get("/").content.decode()
    assert "Canal Street Surgery" in home


def test_sign_up_bad_ods_code_keeps_answers_and_shows_error_summary(client, icb):
    response = client.post("/account/sign-up/", signup_data(icb, ods_code="12"))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="nhsuk-error-summary"' in content
    assert '<a href="#id_ods_code">Enter a valid ODS code' in content
    assert 'value="Asha.Patel@Example.org"' in content
    assert 'value="Canal Street Surgery"' in content
    assert 'value="Patel"' in content
    assert 'type="radio" value="gp_practice" checked' in content
    assert f'<option value="{icb.pk}" selected>' in content
    assert Organisation.objects.count() == 0
    assert User.objects.count() == 0
    assert emails_to("asha.patel@example.org") == []


def confirmation_link(client, icb):
    client.post("/account/sign-up/", signup_data(icb))
    [email] = emails_to("asha.patel@example.org")
    return link_path(email, "/account/confirm-email/")


def test_sign_up_form_asks_for_no_password(client, icb):
    page = client.get("/account/sign-up/").content.decode()

    assert 'name="password1"' not in page
    assert "You will create your password when you open it." in page


def test_confirm_email_weak_password_is_refused_on_the_password_field(client, icb):
    link = confirmation_link(client, icb)

    response = client.post(link, {"password1": "password", "password2": "password"})

    content = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_password1">' in content
    assert "This password is too common." in content
    assert User.objects.get(email="asha.patel@example.org").is_active is False
    assert "_auth_user_id" not in client.session


def test_confirm_email_mismatched_passwords_are_refused(client, icb):
    link = confirmation_link(client, icb)

    response = client.post(link, {"password1": PASSWORD, "password2": "something-else-2026"})

    assert "The passwords do not match. Enter the same password twice" in response.content.decode()
    assert User.objects.get(email="asha.patel@example.org").is_active is False


def test_confirm_email_link_used_twice_does_not_sign_in_again(client, icb):
    link = confirmation_link(client, icb)
    client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    other = Client()

    page = other.get(link)
    response = other.post(link, {"password1": "another-password-2026", "password2": "another-password-2026"})

    assert "This link has already been used" in page.content.decode()
    assert "This link has already been used" in response.content.decode()
    assert "_auth_user_id" not in other.session
    assert User.objects.get(email="asha.patel@example.org").check_password(PASSWORD)


def test_confirm_email_link_stops_working_after_a_password_reset(client, icb):
    link = confirmation_link(client, icb)
    client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    client.post("/account/sign-out/")
    client.post("/account/password-reset/", {"email": "asha.patel@example.org"})
    reset = [email for email in emails_to("asha.patel@example.org") if "password-reset" in email.body][-1]
    form_page = client.get(link_path(reset, "/account/password-reset/"), follow=True)
    new_password = "after-the-reset-2026"
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )

    response = Client().post(link, {"password1": PASSWORD, "password2": PASSWORD})

    assert "This link has already been used" in response.content.decode()
    assert User.objects.get(email="asha.patel@example.org").check_password(new_password)


def test_confirm_email_link_for_account_confirmed_by_invitation_does_not_sign_in(
    client, icb, organisation, org_admin
):
    link = confirmation_link(client, icb)
    invitation = services.invite_member(
        organisation, email="asha.patel@example.org", role=Role.IT_LEAD, invited_by=org_admin
    )
    services.accept_invitation(
        services.make_invitation_token(invitation), first_name="Asha", last_name="Patel", password=PASSWORD
    )

    response = client.post(link, {"password1": "attackers-password-1", "password2": "attackers-password-1"})

    assert "This link has already been used" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert User.objects.get(email="asha.patel@example.org").check_password(PASSWORD)


def test_sign_up_organisation_with_admin_is_refused_and_told_to_ask_for_invitation(
    client, icb, organisation, org_admin
):
    response = client.post("/account/sign-up/", signup_data(icb, ods_code=organisation.ods_code))

    content = response.content.decode()
    assert response.status_code == 200
    assert (
        "Riverside Surgery (A81001) already has an organisation admin on this portal. "
        "Ask them to invite you from their team page"
    ) in content
    assert not User.objects.filter(email="asha.patel@example.org").exists()
    assert list(organisation.memberships.values_list("user__email", flat=True)) == [org_admin.email]


def test_sign_up_existing_organisation_without_admin_is_claimed_not_given(client, icb, organisation):
    client.post("/account/sign-up/", signup_data(icb, ods_code="a81001", organisation_name="Another name"))

    organisation.refresh_from_db()
    assert organisation.name == "Riverside Surgery"
    assert not organisation.memberships.exists()
    assert list(OrganisationClaim.objects.values_list("ods_code", "claimant__email")) == [
        ("A81001", "asha.patel@example.org")
    ]


def test_sign_up_existing_email_is_refused(client, icb, org_admin):
    response = client.post("/account/sign-up/", signup_data(icb, email=org_admin.email))

    assert "An account already exists for this email address." in response.content.decode()
    assert Organisation.objects.filter(ods_code="A81234").exists() is False


def test_confirm_email_expired_link_offers_a_new_one(client, icb):
    client.post("/account/sign-up/", signup_data(icb))
    user = User.objects.get(email="asha.patel@example.org")
    token = past_token(services.CONFIRMATION_SALT, {"user": user.pk, "email": user.email})

    page = client.get(f"/account/confirm-email/{token}/")
    response = client.post(f"/account/confirm-email/{token}/")

    assert "This link has expired" in page.content.decode()
    assert 'action="/account/confirm-email/resend/"' in page.content.decode()
    assert "This link has expired" in response.content.decode()
    user.refresh_from_db()
    assert user.is_active is False
    assert "_auth_user_id" not in client.session


def test_confirm_email_tampered_link_is_refused(client, icb):
    client.post("/account/sign-up/", signup_data(icb))
    [email] = emails_to("asha.patel@example.org")
    link = link_path(email, "/account/confirm-email/")
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]

    response = client.post(tampered)

    assert "This link does not work" in response.content.decode()
    assert User.objects.get(email="asha.patel@example.org").is_active is False


def test_resend_confirmation_queues_a_new_link_that_works(client, icb):
    client.post("/account/sign-up/", signup_data(icb))
    user = User.objects.get(email="asha.patel@example.org")
    expired = past_token(services.CONFIRMATION_SALT, {"user": user.pk, "email": user.email})
    client.post(f"/account/confirm-email/{expired}/")

    response = client.post("/account/confirm-email/resend/", {"email": "asha.patel@example.org"})

    assert "Check your email" in response.content.decode()
    emails = emails_to("asha.patel@example.org")
    assert len(emails) in (1, 2)  # the same second signs the same token, which dedupes to one email
    client.post(
        link_path(emails[-1], "/account/confirm-email/"), {"password1": PASSWORD, "password2": PASSWORD}
    )
    user.refresh_from_db()
    assert user.is_active is True


def test_resend_confirmation_for_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post("/account/confirm-email/resend/", {"email": "nobody@example.org"})

    assert "If <strong>nobody@example.org</strong> has an account" in response.content.decode()
    assert emails_to("nobody@example.org") == []


def test_register_organisation_admin_twice_with_same_email_keeps_one_account(icb):
    services.register_organisation_admin(
        email="a@example.org",
        first_name="A",
        last_name="B",
        ods_code="A81234",
        organisation_name="Canal Street Surgery",
        organisation_type=Organisation.OrganisationType.GP_PRACTICE,
        icb=icb,
    )

    with pytest.raises(services.ValidationError) as error:
        services.register_organisation_admin(
            email="A@example.org",
            first_name="A",
            last_name="B",
            ods_code="A81235",
            organisation_name="Other",
            organisation_type=Organisation.OrganisationType.GP_PRACTICE,
            icb=icb,
        )

    assert "email" in error.value.error_dict
    assert User.objects.count() == 1
    assert not Organisation.objects.filter(ods_code="A81235").exists()


def test_register_organisation_signed_in_user_becomes_admin_of_another_organisation_once_approved(
    client, icb, organisation, it_lead, national_admin
):
    client.force_login(it_lead)
    data = signup_data(icb)

    response = client.post(
        "/account/organisations/new/",
        {key: data[key] for key in ("ods_code", "organisation_name", "organisation_type", "icb")},
    )
    claim = it_lead.organisation_claims.get()
    waiting = sorted(it_lead.memberships.values_list("organisation__ods_code", "role"))
    services.approve_claim(claim, acting_user=national_admin)

    assert response["Location"] == f"/account/organisations/claims/{claim.pk}/"
    assert waiting == [("A81001", Role.IT_LEAD)]
    assert sorted(it_lead.memberships.values_list("organisation__ods_code", "role")) == [
        ("A81001", Role.IT_LEAD),
        ("A81234", Role.ORG_ADMIN),
    ]
    assert [email.subject for email in emails_to(it_lead.email)] == [
        "You are now the organisation admin for Canal Street Surgery"
    ]


def test_register_organisation_with_an_admin_is_refused(
    client, icb, organisation, org_admin, other_org_admin
):
    client.force_login(other_org_admin)

    response = client.post(
        "/account/organisations/new/",
        {
            "ods_code": "A81001",
            "organisation_name": "Mine now",
            "organisation_type": "gp_practice",
            "icb": icb.pk,
        },
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="nhsuk-error-summary"' in content
    assert "Ask them to invite you from their team page" in content
    assert not Membership.objects.filter(organisation=organisation, user=other_org_admin).exists()


def test_register_organisation_signed_out_goes_to_sign_in(client):
    response = client.get("/account/organisations/new/")

    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/?next=/account/organisations/new/"


def test_sign_up_when_signed_in_goes_to_register_organisation(client, org_admin):
    client.force_login(org_admin)

    response = client.get("/account/sign-up/")

    assert response["Location"] == "/account/organisations/new/"

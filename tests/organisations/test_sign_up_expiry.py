"""Unconfirmed sign-ups expire: they are treated as absent, then deleted by a job."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from cis_portal.celery import app
from organisations import services
from organisations.models import Organisation, OrganisationClaim, User
from organisations.tasks import task_delete_expired_sign_ups
from tests.factories import UserFactory

from .helpers import emails_to, link_path

pytestmark = pytest.mark.django_db

PASSWORD = "lighthouse-harbour-2026"


def sign_up(icb, email="asha@example.org", ods_code="A81234"):
    return services.register_organisation_admin(
        email=email,
        first_name="Asha",
        last_name="Patel",
        ods_code=ods_code,
        organisation_name="Canal Street Surgery",
        organisation_type=Organisation.OrganisationType.GP_PRACTICE,
        icb=icb,
    )


def age(user, seconds):
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(seconds=seconds))


def test_delete_expired_sign_ups_deletes_only_old_unconfirmed_sign_ups(icb, capsys):
    lifetime = settings.UNCONFIRMED_ACCOUNT_MAX_AGE_SECONDS
    old = sign_up(icb, email="old@example.org", ods_code="A81234")
    age(old, lifetime + 60)
    recent = sign_up(icb, email="recent@example.org", ods_code="A81235")
    confirmed = UserFactory(email="confirmed@example.org")
    deactivated = UserFactory(email="deactivated@example.org", is_active=False)
    superuser = UserFactory(
        email="root@example.org", is_superuser=True, is_staff=True, email_confirmed_at=None
    )
    for user in (confirmed, deactivated, superuser):
        age(user, lifetime * 3)

    call_command("delete_expired_sign_ups")

    assert sorted(User.objects.values_list("email", flat=True)) == [
        "confirmed@example.org",
        "deactivated@example.org",
        "recent@example.org",
        "root@example.org",
    ]
    assert not OrganisationClaim.objects.filter(claimant_id=old.pk).exists()
    assert OrganisationClaim.objects.filter(claimant=recent).exists()
    assert "Deleted 1 expired unconfirmed sign-up." in capsys.readouterr().out


def test_delete_expired_sign_ups_is_a_scheduled_task(icb):
    old = sign_up(icb)
    age(old, settings.UNCONFIRMED_ACCOUNT_MAX_AGE_SECONDS + 60)
    [entry] = [entry for entry in app.conf.beat_schedule.values() if "expired_sign_ups" in entry["task"]]

    assert entry["task"] == task_delete_expired_sign_ups.name
    deleted = task_delete_expired_sign_ups.apply().get()

    assert deleted == 1
    assert not User.objects.filter(pk=old.pk).exists()


def test_sign_up_over_an_expired_sign_up_replaces_it(client, icb):
    old = sign_up(icb)
    age(old, settings.UNCONFIRMED_ACCOUNT_MAX_AGE_SECONDS + 60)

    new = sign_up(icb, ods_code="A81236")

    assert new.pk != old.pk
    assert list(User.objects.values_list("pk", flat=True)) == [new.pk]
    assert list(new.organisation_claims.values_list("ods_code", flat=True)) == ["A81236"]


def test_sign_up_over_a_waiting_sign_up_is_refused_with_a_way_forward(icb):
    sign_up(icb)

    with pytest.raises(services.ValidationError) as error:
        sign_up(icb, ods_code="A81236")

    assert error.value.message_dict["email"] == [
        "An account for this email address is waiting for the address to be confirmed. "
        "Use the link in the email we sent, or ask for a new link"
    ]


def test_expired_sign_up_confirmation_link_says_expired_and_resend_sends_nothing(client, icb):
    user = sign_up(icb)
    [email] = emails_to("asha@example.org")
    link = link_path(email, "/account/confirm-email/")
    age(user, settings.UNCONFIRMED_ACCOUNT_MAX_AGE_SECONDS + 60)

    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    client.post("/account/confirm-email/resend/", {"email": "asha@example.org"})

    assert "This link has expired" in response.content.decode()
    assert User.objects.get(pk=user.pk).is_active is False
    assert "_auth_user_id" not in client.session
    assert len(emails_to("asha@example.org")) == 1


def test_sign_up_racing_another_for_the_same_address_gets_a_form_error_not_a_500(client, icb, monkeypatch):
    from organisations.services import accounts

    real_check_claimable = accounts.check_claimable

    def check_claimable_while_another_request_signs_up(**kwargs):
        # The other request inserts its account between this one's checks and its insert.
        UserFactory(email="asha@example.org", is_active=False, email_confirmed_at=None)
        return real_check_claimable(**kwargs)

    monkeypatch.setattr(accounts, "check_claimable", check_claimable_while_another_request_signs_up)

    with pytest.raises(services.ValidationError) as error:
        sign_up(icb)

    assert error.value.message_dict == {
        "email": ["An account was created for this email address a moment ago. Sign in, or check your email"]
    }
    assert not Organisation.objects.filter(ods_code="A81234").exists()

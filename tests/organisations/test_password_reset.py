import pytest
from django.conf import settings
from django.test import Client

from tests.factories import TEST_PASSWORD, UserFactory

from .helpers import emails_to, link_path

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-better-passphrase-77"


def test_password_reset_queues_one_email_and_link_sets_new_password(client):
    user = UserFactory(email="asha@example.org")

    response = client.post("/account/password-reset/", {"email": "Asha@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/account/password-reset/sent/"
    [email] = emails_to("asha@example.org")
    assert email.subject == "Reset your password for the CIS onboarding portal"
    link = link_path(email, "/account/password-reset/")
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/account/password-reset/complete/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(TEST_PASSWORD)


def test_password_reset_unknown_email_shows_same_page_and_sends_nothing(client):
    response = client.post("/account/password-reset/", {"email": "nobody@example.org"})

    assert response["Location"] == "/account/password-reset/sent/"
    assert emails_to("nobody@example.org") == []


def test_password_reset_bad_email_shows_error_summary(client):
    response = client.post("/account/password-reset/", {"email": "not an email"})

    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="nhsuk-error-summary"' in content
    assert "Enter an email address in the correct format, like name@example.nhs.uk" in content


def test_password_reset_tampered_link_says_it_does_not_work(client):
    UserFactory(email="asha@example.org")

    response = client.get("/account/password-reset/MQ/not-a-real-token/")

    assert response.status_code == 200
    assert "This reset link does not work" in response.content.decode()


def test_password_reset_lifts_a_sign_in_lockout(client):
    UserFactory(email="asha@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/account/sign-in/", {"username": "asha@example.org", "password": "wrong-password-1"})
    client.post("/account/password-reset/", {"email": "asha@example.org"})
    [email] = emails_to("asha@example.org")
    form_page = client.get(link_path(email, "/account/password-reset/"), follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    response = client.post("/account/sign-in/", {"username": "asha@example.org", "password": NEW_PASSWORD})

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_password_reset_link_works_once(client):
    UserFactory(email="asha@example.org")
    client.post("/account/password-reset/", {"email": "asha@example.org"})
    [email] = emails_to("asha@example.org")
    link = link_path(email, "/account/password-reset/")
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    again = Client().get(link, follow=True)

    assert "This reset link does not work" in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_link_stops_working_after_the_password_changes(client):
    user = UserFactory(email="asha@example.org")
    client.post("/account/password-reset/", {"email": "asha@example.org"})
    [email] = emails_to("asha@example.org")
    user.set_password("changed-some-other-way-1")
    user.save()

    response = client.get(link_path(email, "/account/password-reset/"), follow=True)

    assert "This reset link does not work" in response.content.decode()

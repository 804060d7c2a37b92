import pytest
from django.conf import settings
from django.urls import reverse

from organisations.forms import INVALID_LOGIN, UNCONFIRMED_LOGIN
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/account/sign-in/"


def test_sign_in_with_correct_details_signs_in_and_goes_home(client):
    user = UserFactory(email="asha@example.org")

    response = client.post(LOGIN_URL, {"username": "Asha@Example.org", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize(
    ("email", "password"),
    [("asha@example.org", "not-the-password"), ("nobody@example.org", TEST_PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_sign_in_wrong_details_gives_one_message_in_error_summary(client, email, password):
    UserFactory(email="asha@example.org")

    response = client.post(LOGIN_URL, {"username": email, "password": password})

    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="nhsuk-error-summary"' in content
    assert content.count(INVALID_LOGIN) >= 1
    assert UNCONFIRMED_LOGIN not in content
    assert "<title>Error: Sign in" in content
    assert "_auth_user_id" not in client.session


def test_sign_in_empty_form_names_each_missing_field(client):
    response = client.post(LOGIN_URL, {"username": "", "password": ""})

    content = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_username">Enter your email address</a>' in content
    assert '<a href="#id_password">Enter your password</a>' in content


def test_sign_in_unconfirmed_sign_up_is_refused_whatever_password_and_offered_a_new_link(client):
    # Legacy accounts may still carry the password given at sign-up: it is never accepted.
    UserFactory(email="new@example.org", is_active=False, email_confirmed_at=None)

    response = client.post(LOGIN_URL, {"username": "new@example.org", "password": TEST_PASSWORD})

    content = response.content.decode()
    assert response.status_code == 200
    assert INVALID_LOGIN in content
    assert "Send a new email confirmation link" in content
    assert reverse("organisations:resend_confirmation") in content
    assert "_auth_user_id" not in client.session


def test_sign_in_locks_out_after_failure_limit(client):
    UserFactory(email="asha@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN_URL, {"username": "asha@example.org", "password": "wrong-password-1"})

    # Even the right password is refused while locked.
    response = client.post(LOGIN_URL, {"username": "asha@example.org", "password": TEST_PASSWORD})

    content = response.content.decode()
    assert response.status_code == 429
    assert "Your account is locked for 1 hour" in content
    assert reverse("organisations:password_reset") in content
    assert "_auth_user_id" not in client.session


def test_sign_in_fewer_failures_than_limit_still_allows_sign_in(client):
    UserFactory(email="asha@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(LOGIN_URL, {"username": "asha@example.org", "password": "wrong-password-1"})

    response = client.post(LOGIN_URL, {"username": "asha@example.org", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_sign_out_by_post_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)

    get_response = client.get("/account/sign-out/")
    assert get_response.status_code == 405
    assert "_auth_user_id" in client.session

    response = client.post("/account/sign-out/")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session


def test_sign_in_lockout_does_not_lock_other_people_at_the_same_address(client):
    UserFactory(email="asha@example.org")
    UserFactory(email="tom@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN_URL, {"username": "asha@example.org", "password": "wrong-password-1"})

    response = client.post(LOGIN_URL, {"username": "tom@example.org", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert "_auth_user_id" in client.session

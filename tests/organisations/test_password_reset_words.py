"""The choose-a-new-password page speaks the portal's words, not Django's defaults."""

import re

import pytest

from tests.factories import UserFactory

from .helpers import emails_to, link_path

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a-much-better-passphrase-77"


@pytest.fixture
def set_password_url(client):
    UserFactory(email="asha@example.org")
    client.post("/account/password-reset/", {"email": "asha@example.org"})
    [email] = emails_to("asha@example.org")
    form_page = client.get(link_path(email, "/account/password-reset/"), follow=True)
    return form_page.redirect_chain[-1][0]


def _summary_heading(content: str) -> str:
    match = re.search(r'<h2 class="nhsuk-error-summary__heading">(.*?)</h2>', content, re.S)
    assert match, "no error summary on the page"
    return match.group(1).strip()


def _field_error(content: str, field: str) -> str | None:
    match = re.search(
        rf'<span class="nhsuk-error-message" id="id_{field}-error">(.*?)</span>\s*<', content, re.S
    )
    return re.sub(r"<[^>]+>", "", match.group(1)).replace("Error: ", "").strip() if match else None


@pytest.mark.parametrize(
    ("new_password1", "new_password2"),
    [("short", "short"), ("", ""), (GOOD_PASSWORD, GOOD_PASSWORD + "x")],
)
def test_set_new_password_error_summary_says_there_is_a_problem(
    client, set_password_url, new_password1, new_password2
):
    response = client.post(set_password_url, {"new_password1": new_password1, "new_password2": new_password2})

    assert response.status_code == 200
    assert _summary_heading(response.content.decode()) == "There is a problem"


def test_password_reset_request_error_summary_says_there_is_a_problem(client):
    response = client.post("/account/password-reset/", {"email": "not an email"})

    assert _summary_heading(response.content.decode()) == "There is a problem"


def test_set_new_password_too_short_error_is_on_the_new_password_field(client, set_password_url):
    response = client.post(set_password_url, {"new_password1": "short", "new_password2": "short"})

    content = response.content.decode()
    assert "at least 12 characters" in _field_error(content, "new_password1")
    assert _field_error(content, "new_password2") is None
    assert 'href="#id_new_password1"' in content


def test_set_new_password_mismatch_error_is_on_the_confirmation_field(client, set_password_url):
    response = client.post(
        set_password_url, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD + "x"}
    )

    content = response.content.decode()
    assert _field_error(content, "new_password1") is None
    assert (
        _field_error(content, "new_password2") == "The passwords do not match. Enter the same password twice"
    )


def test_set_new_password_empty_fields_say_what_to_do(client, set_password_url):
    response = client.post(set_password_url, {"new_password1": "", "new_password2": ""})

    content = response.content.decode()
    assert _field_error(content, "new_password1") == "Enter a new password"
    assert _field_error(content, "new_password2") == "Enter your new password again"
    assert "This field is required" not in content


def test_set_new_password_hints_are_the_portals_own(client, set_password_url):
    content = client.get(set_password_url).content.decode()

    assert "Use at least 12 characters" in content
    assert 'id="id_new_password2-hint">Enter the same password again' in content
    assert "for verification" not in content


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "Your password must be at least 12 characters"),
        (
            "password12345",
            "Choose a less common password: this one is often used",
        ),
        ("123456789012345", "Your password cannot be only numbers"),
        ("asha@example.org1", "Your password is too like your email address or name"),
    ],
)
def test_set_new_password_weak_password_errors_are_plain_english(client, set_password_url, password, message):
    response = client.post(set_password_url, {"new_password1": password, "new_password2": password})

    assert message in _field_error(response.content.decode(), "new_password1")

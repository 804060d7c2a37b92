"""Issue 9 item 11: an oversized body is refused with 413 before anything reads it."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

FIFTY_MB = 50 * 1024 * 1024


def post_declaring(client, path, *, content_length, content_type, body=b"x" * 100):
    """POST ``body`` while the headers declare ``content_length``. The test client's input stream
    raises if anything tries to read past ``body``, so a pass proves the rest was never read."""
    return client.generic(
        "POST", path, data=body, content_type=content_type, CONTENT_LENGTH=str(content_length)
    )


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "application/octet-stream"],
)
@pytest.mark.parametrize(
    "path", ["/account/sign-in/", "/account/sign-up/", "/account/password-reset/", "/admin/login/"]
)
def test_fifty_megabytes_to_anonymous_pages_is_refused_unread(path, content_type):
    response = post_declaring(Client(), path, content_length=FIFTY_MB, content_type=content_type)

    content = response.content.decode()
    assert response.status_code == 413
    assert "Sorry, what you sent is too large" in content
    assert "The portal accepts up to 6MB in one go" in content
    assert response["Connection"] == "close"


def test_oversized_upload_by_signed_in_user_is_refused_unread(org_admin, organisation):
    client = Client()
    client.force_login(org_admin)

    response = post_declaring(
        client,
        f"/training/{organisation.ods_code}/staff/import/",
        content_length=7 * 1024 * 1024,
        content_type="multipart/form-data; boundary=xyz",
    )

    assert response.status_code == 413


def test_body_within_the_limit_reaches_the_page(client):
    response = client.post(
        "/account/sign-in/", {"username": "nobody@example.org", "password": "wrong-password"}
    )

    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()


def test_large_form_fields_are_refused_with_bad_request(client):
    response = client.post(
        "/account/sign-in/", {"username": "a@example.org", "password": "x" * (2 * 1024 * 1024)}
    )

    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.content.decode()

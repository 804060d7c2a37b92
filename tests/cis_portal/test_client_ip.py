"""Sign-in lock-outs key on the client's address as the deployment's proxy reports it.

Behind the TLS proxy every request comes from the proxy's address; with ``CLIENT_IP_HEADER`` set
to the header the proxy writes, five bad passwords from one client lock that client out, not
everyone. The setting is off by default, so a direct connection cannot choose its own address.
"""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory

from cis_portal.client_ip import client_ip
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/account/sign-in/"
PROXY = "10.0.0.5"


def _sign_in(client, password, *, forwarded_for):
    return client.post(
        LOGIN_URL,
        {"username": "asha@example.org", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_client_ip_behind_the_proxy_locks_out_only_the_client_guessing_passwords(client, settings):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    UserFactory(email="asha@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "wrong-password-1", forwarded_for="203.0.113.9")

    attacker = _sign_in(client, TEST_PASSWORD, forwarded_for="203.0.113.9")
    client.logout()
    owner = _sign_in(client, TEST_PASSWORD, forwarded_for="198.51.100.7")

    assert attacker.status_code == 429
    assert owner.status_code == 302
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]


def test_client_ip_header_is_ignored_unless_configured(client):
    assert settings.CLIENT_IP_HEADER == ""
    UserFactory(email="asha@example.org")
    # A direct client changing the header on every try is still one address.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "wrong-password-1", forwarded_for=f"203.0.113.{attempt}")

    response = _sign_in(client, TEST_PASSWORD, forwarded_for="198.51.100.7")

    assert response.status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [PROXY]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("203.0.113.9", "203.0.113.9"),
        # The proxy appends the address it saw; anything to its left came from the client.
        ("1.2.3.4, 203.0.113.9", "203.0.113.9"),
        (" 2001:db8::1 ", "2001:db8::1"),
        ("not-an-address", PROXY),
        ("", PROXY),
    ],
)
def test_client_ip_takes_the_address_the_proxy_appended(settings, header, expected):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header)

    assert client_ip(request) == expected


def test_client_ip_counts_back_past_each_trusted_proxy(settings):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.CLIENT_IP_PROXY_COUNT = 2
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9, 10.0.0.1"
    )

    assert client_ip(request) == "203.0.113.9"

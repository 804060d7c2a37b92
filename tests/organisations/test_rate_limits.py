"""Issue 9 item 6: account emails are rate limited per address and per client IP (django-ratelimit
counting in the cache), and a limited person gets the form again with a clear message, as 429."""

import itertools

import pytest
from django.core import signing
from django.test import Client

from organisations.models import Organisation, OrganisationClaim, Role
from tests.factories import UserFactory

from .helpers import emails_to

pytestmark = pytest.mark.django_db

LIMIT_MESSAGE = "You have asked for too many emails in a short time. Wait"


@pytest.fixture(autouse=True)
def one_rate_limit_window(monkeypatch):
    """django-ratelimit's clock stands still, so a test's requests all fall in one window: on the real
    clock a window can end mid-test (each key's window ends at its own second of the hour), and the
    count starts again from nothing (seen once in CI)."""
    import time

    import django_ratelimit.core

    now = time.time()
    monkeypatch.setattr(
        django_ratelimit.core, "time", type("StillTime", (), {"time": staticmethod(lambda: now)})
    )


@pytest.fixture(autouse=True)
def every_link_distinct(monkeypatch):
    """A clock that moves 2 seconds per reading, so each request signs a different link and would
    send its own email (as requests spread over a few seconds do) unless the rate limit stops it."""
    import datetime
    import time

    ticks = itertools.count()
    start = time.time()
    fake_time = type("FakeTime", (), {"time": staticmethod(lambda: start + 2 * next(ticks))})
    monkeypatch.setattr(signing, "time", fake_time)
    from django.contrib.auth.tokens import default_token_generator

    monkeypatch.setattr(
        default_token_generator,
        "_now",
        lambda: datetime.datetime.now() + datetime.timedelta(seconds=2 * next(ticks)),
    )


def sign_up(client, icb, *, email, ods_code):
    return client.post(
        "/account/sign-up/",
        {
            "email": email,
            "first_name": "Asha",
            "last_name": "Patel",
            "ods_code": ods_code,
            "organisation_name": "Canal Street Surgery",
            "organisation_type": Organisation.OrganisationType.GP_PRACTICE,
            "icb": str(icb.pk),
        },
    )


def test_twelve_password_resets_for_one_address_send_at_most_three_emails(client, settings):
    UserFactory(email="asha@example.org")

    responses = [
        Client(REMOTE_ADDR=f"10.0.0.{n}").post("/account/password-reset/", {"email": "Asha@Example.org"})
        for n in range(12)
    ]

    assert [response.status_code for response in responses] == [302] * 3 + [429] * 9
    assert len(emails_to("asha@example.org")) == 3
    refused = responses[-1].content.decode()
    assert 'class="nhsuk-error-summary"' in refused
    assert LIMIT_MESSAGE in refused
    assert "<title>Error: " in refused
    assert int(responses[-1]["Retry-After"]) > 0


def test_twelve_resent_confirmations_send_at_most_three_emails(client, icb):
    sign_up(client, icb, email="asha@example.org", ods_code="A81234")

    responses = [
        client.post("/account/confirm-email/resend/", {"email": "asha@example.org"}) for _ in range(12)
    ]

    assert len(emails_to("asha@example.org")) == 3  # the sign-up's, then two resent
    assert [response.status_code for response in responses] == [200] * 2 + [429] * 10
    assert LIMIT_MESSAGE in responses[-1].content.decode()


def test_reset_resend_and_invitation_share_one_count_per_address(client, organisation, org_admin):
    admin = Client()
    admin.force_login(org_admin)

    for _ in range(4):
        client.post("/account/password-reset/", {"email": "nia@example.org"})
        client.post("/account/confirm-email/resend/", {"email": "nia@example.org"})
    response = admin.post(
        f"/account/{organisation.ods_code}/team/", {"email": "nia@example.org", "role": Role.IT_LEAD}
    )

    assert response.status_code == 429
    assert LIMIT_MESSAGE in response.content.decode()
    assert emails_to("nia@example.org") == []
    assert not organisation.invitations.exists()


def test_twelve_invitations_to_one_address_send_at_most_three_emails(client, organisation, org_admin):
    client.force_login(org_admin)

    responses = [
        client.post(
            f"/account/{organisation.ods_code}/team/", {"email": "nia@example.org", "role": Role.IT_LEAD}
        )
        for _ in range(12)
    ]

    assert [response.status_code for response in responses] == [302] * 3 + [429] * 9
    assert len(emails_to("nia@example.org")) == 3
    refused = responses[-1].content.decode()
    assert 'class="nhsuk-error-summary"' in refused
    assert LIMIT_MESSAGE in refused


def test_sign_ups_from_one_client_ip_are_limited_and_another_ip_is_not(icb, settings):
    settings.ACCOUNT_EMAILS_PER_IP = "5/h"
    same_ip = Client(REMOTE_ADDR="192.0.2.10")

    responses = [
        sign_up(same_ip, icb, email=f"person{n}@example.org", ods_code=f"A8{n:04d}") for n in range(12)
    ]
    elsewhere = sign_up(Client(REMOTE_ADDR="192.0.2.99"), icb, email="later@example.org", ods_code="A89999")

    assert [response.status_code for response in responses] == [302] * 5 + [429] * 7
    assert OrganisationClaim.objects.count() == 6
    assert sum(len(emails_to(f"person{n}@example.org")) for n in range(12)) == 5
    assert LIMIT_MESSAGE in responses[-1].content.decode()
    assert 'value="person11@example.org"' in responses[-1].content.decode()
    assert elsewhere.status_code == 302


def test_password_resets_for_many_addresses_from_one_ip_are_limited(settings):
    settings.ACCOUNT_EMAILS_PER_IP = "5/h"
    for n in range(8):
        UserFactory(email=f"person{n}@example.org")
    same_ip = Client(REMOTE_ADDR="198.51.100.7")

    statuses = [
        same_ip.post("/account/password-reset/", {"email": f"person{n}@example.org"}).status_code
        for n in range(8)
    ]

    assert statuses == [302] * 5 + [429] * 3
    assert sum(len(emails_to(f"person{n}@example.org")) for n in range(8)) == 5


def test_invalid_form_does_not_use_up_the_limit(client):
    UserFactory(email="asha@example.org")
    for _ in range(5):
        client.post("/account/password-reset/", {"email": "not an email"})

    response = client.post("/account/password-reset/", {"email": "asha@example.org"})

    assert response.status_code == 302
    assert len(emails_to("asha@example.org")) == 1


def test_rate_limit_cache_down_lets_requests_through(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    UserFactory(email="asha@example.org")

    response = client.post("/account/password-reset/", {"email": "asha@example.org"})

    assert response.status_code == 302
    assert len(emails_to("asha@example.org")) == 1


def test_refusal_message_names_the_wait_in_minutes():
    from organisations.rate_limits import Refusal

    assert Refusal(retry_after_seconds=61).message == (
        "You have asked for too many emails in a short time. Wait 2 minutes, then try again"
    )
    assert "Wait 1 minute," in Refusal(retry_after_seconds=5).message


def forwarded_for(request):
    return request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0]


def test_client_ip_follows_the_proxy_setting_django_axes_uses(settings):
    # Behind the proxy every request connects from the proxy's address: the limit must count the
    # client the proxy names, as django-axes does, or one busy proxy would lock everyone out.
    settings.AXES_CLIENT_IP_CALLABLE = "tests.organisations.test_rate_limits.forwarded_for"
    settings.ACCOUNT_EMAILS_PER_IP = "2/h"
    for n in range(4):
        UserFactory(email=f"person{n}@example.org")
    proxy = Client(REMOTE_ADDR="10.9.9.9")

    statuses = [
        proxy.post(
            "/account/password-reset/", {"email": f"person{n}@example.org"}, HTTP_X_FORWARDED_FOR=client
        ).status_code
        for n, client in enumerate(["203.0.113.1", "203.0.113.1", "203.0.113.1", "203.0.113.2"])
    ]

    assert statuses == [302, 302, 429, 302]


def test_unreadable_client_ip_falls_back_to_the_connecting_address(settings):
    settings.AXES_CLIENT_IP_CALLABLE = "tests.organisations.test_rate_limits.forwarded_for"
    UserFactory(email="asha@example.org")

    response = Client(REMOTE_ADDR="10.9.9.9").post(
        "/account/password-reset/", {"email": "asha@example.org"}, HTTP_X_FORWARDED_FOR="not-an-address"
    )

    assert response.status_code == 302

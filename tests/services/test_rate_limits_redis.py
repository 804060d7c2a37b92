"""Rate limits counted in Redis (the production cache): one count shared by every web process."""

import uuid

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.organisations.helpers import emails_to

from .conftest import broker_url_for_tests

pytestmark = pytest.mark.django_db(transaction=True)


def test_password_reset_limit_is_shared_through_redis(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": broker_url_for_tests(),
            "KEY_PREFIX": f"ratelimit-test-{uuid.uuid4().hex}",
        }
    }
    UserFactory(email="asha@example.org")

    # Separate clients and addresses stand in for separate web workers behind the proxy.
    statuses = [
        Client(REMOTE_ADDR=f"10.1.0.{n}")
        .post("/account/password-reset/", {"email": "asha@example.org"})
        .status_code
        for n in range(5)
    ]

    assert statuses == [302] * 3 + [429] * 2
    assert 1 <= len(emails_to("asha@example.org")) <= 3
    # No cache.clear() here: on Redis it would flush the whole shared test database. The keys have
    # their own prefix and expire within the hour.

"""The cache rate limits count in, and the one kept pages go to: local memory with nothing set,
Redis when CACHE_URL is set."""

import json

from .test_settings import run_python

SHOW_CACHE = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps(settings.CACHES["default"]))
"""
SHOW_PAGES_CACHE = SHOW_CACHE.replace('CACHES["default"]', 'CACHES["pages"]')


def test_cache_is_local_memory_with_nothing_set():
    result = run_python(["-c", SHOW_CACHE], DJANGO_DEBUG="true")

    assert result.returncode == 0, result.stderr
    cache = json.loads(result.stdout.strip().splitlines()[-1])
    assert cache["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_cache_is_redis_when_cache_url_is_set():
    result = run_python(["-c", SHOW_CACHE], DJANGO_DEBUG="true", CACHE_URL="redis://cache.internal:6379/1")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/1",
    }


def test_kept_pages_have_a_cache_apart_from_the_rate_limits():
    nothing_set = run_python(["-c", SHOW_PAGES_CACHE], DJANGO_DEBUG="true")
    redis = run_python(
        ["-c", SHOW_PAGES_CACHE], DJANGO_DEBUG="true", CACHE_URL="redis://cache.internal:6379/1"
    )

    assert json.loads(nothing_set.stdout.strip().splitlines()[-1])["LOCATION"] == "cis-portal-pages"
    assert json.loads(redis.stdout.strip().splitlines()[-1]) == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/1",
        "KEY_PREFIX": "pages",
    }


def test_however_many_pages_are_kept_a_rate_limit_count_stays():
    from django.core.cache import caches

    from organisations.data_versions import page_cache

    caches["default"].set("rl:sign-in:203.0.113.9", 4)
    for number in range(5_000):
        page_cache.set(f"data-version:page:{number}", "<html>…</html>")

    assert caches["default"].get("rl:sign-in:203.0.113.9") == 4

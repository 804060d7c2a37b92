"""The cache rate limits count in: local memory with nothing set, Redis when CACHE_URL is set."""

import json

from .test_settings import run_python

SHOW_CACHE = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps(settings.CACHES["default"]))
"""


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

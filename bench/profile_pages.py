"""Where each key page spends its time: queries, in-process time and a cProfile of its requests.

Run (part of `make bench`):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cis_profile .venv/bin/python bench/profile_pages.py [PAGE]
PAGE is any part of a page's name in `key_pages.py` ("wizard", "triage"; several may be given);
without one, every page. The accessibility statement, the yardstick, is always measured first.

Environment: PROFILE_REQUESTS (60) requests timed and profiled per page; PROFILE_TOP (15) lines of
the profile, sorted by PROFILE_SORT (tottime: where the time is spent; cumulative: which call paths
hold it); PROFILE_SQL=1 prints each page's queries. The test client instruments template rendering,
so the figures run a little above gunicorn's; compare pages with each other, as key_pages.py does.
"""

import cProfile
import io
import logging
import os
import pstats
import statistics
import sys
import time

import key_pages
from _common import django_test_database

REQUESTS = int(os.environ.get("PROFILE_REQUESTS", "60"))
TOP = int(os.environ.get("PROFILE_TOP", "15"))
SORT = os.environ.get("PROFILE_SORT", "tottime")


def wanted(name: str, parts: list[str]) -> bool:
    return name == key_pages.CHEAPEST or not parts or any(part in name for part in parts)


def profile_page(client, url: str) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(REQUESTS):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(SORT)
    stats.print_stats(TOP)
    # pstats starts with a header about the run; the table is what helps.
    return "   ncalls" + out.getvalue().split("   ncalls", 1)[-1].rstrip()


def main(parts: list[str]) -> None:
    with django_test_database():
        logging.disable(logging.INFO)  # sign-in and task logs would bury the tables
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from organisations.models import User

        pages = key_pages.seed()
        for name, (url, email) in pages.items():
            if not wanted(name, parts):
                continue
            client = Client()
            client.force_login(User.objects.get(email=email))
            for _ in range(5):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
            timings = []
            for _ in range(REQUESTS):
                started = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            print(
                f"\n=== {name} ({url}): median {statistics.median(timings):.2f} ms, "
                f"fastest {min(timings):.2f} ms, {len(queries.captured_queries)} queries"
            )
            if os.environ.get("PROFILE_SQL"):
                for query in queries.captured_queries:
                    print(f"  {query['sql'][:300]}")
            print(profile_page(client, url))


if __name__ == "__main__":
    main(sys.argv[1:])

"""Throughput of the key pages against the cheapest page, served by gunicorn -w 2 on PostgreSQL.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/cis_perf_pages .venv/bin/python bench/key_pages.py
(part of `make bench`). Settings as in production: DEBUG off, persistent connections
(``DJANGO_CONN_MAX_AGE`` 60), whitenoise with collected static files.

Seeds the demo organisations and logins, a training record of 1,000 staff, and 5,000 RA requests
across 1,000 organisations (the demo RA team's provider gets one in 42). Then, in interleaved
rounds (every page once per round, so a busy shared machine slows them all alike), two client
threads keep one connection each busy for a few seconds per page. Reports requests per second,
each page's share of the cheapest page's figure (target: at least 50%), and, from a single
in-process request, the page's queries and time, for finding where it spends.
"""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time

from _common import BASE_DIR, database_description, django_test_database, measure, print_table, save_results

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
CONCURRENCY = 2
CHEAPEST = "accessibility statement"
# The sessions made here must be readable by gunicorn's workers: both sign with this key.
SECRET_KEY = "bench-only-not-secret"
os.environ["DJANGO_SECRET_KEY"] = SECRET_KEY
TARGET_SHARE = 0.5


def seed() -> dict[str, tuple[str, str]]:
    """Seed the data; return {page: (url, login email)}."""
    import ra_requests_scale
    import training_dashboard
    from django.core.management import call_command
    from django.urls import reverse

    from authenticators import demo_data as authenticator_demo
    from onboarding import demo_data as onboarding_demo
    from organisations import demo_data as organisation_demo
    from organisations.models import RAProvider
    from ra_requests import demo_data as ra_request_demo
    from training import demo_data as training_demo

    call_command("load_reference_data", verbosity=0)
    organisation_demo.seed()
    for module in (authenticator_demo, ra_request_demo, training_demo, onboarding_demo):
        module.seed()
    staffed, lead, _ = training_dashboard.build(1_000, "lead1000@example.org")
    icbs = list(RAProvider.objects.icbs().order_by("ods_code")[: ra_requests_scale.ICBS])
    submitter = lead
    ra_requests_scale.seed(
        icbs, submitter, total=5_000, organisation_count=1_000, due=0, open_not_due=1_500, prefix="K"
    )
    admin = "admin@example.org"
    demo = "A99901"
    return {
        CHEAPEST: (reverse("pages:accessibility"), admin),
        "home": (reverse("home"), admin),
        "authenticator chooser": (reverse("authenticators:chooser"), admin),
        "wizard step": (reverse("onboarding:step", args=[demo, "organisation-details"]), admin),
        "authenticator plan": (reverse("authenticators:plan", args=[demo]), admin),
        "readiness summary": (reverse("onboarding:summary", args=[demo]), admin),
        "training dashboard, 1,000 staff": (
            reverse("training:dashboard", args=[staffed.ods_code]),
            lead.email,
        ),
        "triage list, one provider": (
            reverse("admin:ra_requests_rarequest_changelist"),
            "ra.team@example.org",
        ),
    }


def session_cookies(pages) -> dict[str, str]:
    from django.test import Client

    from organisations.models import User

    cookies = {}
    for email in {email for _, email in pages.values()}:
        client = Client()
        client.force_login(User.objects.get(email=email))
        cookies[email] = client.cookies["sessionid"].value
    return cookies


def in_process(pages, cookies) -> dict:
    """One page at a time through Django's test client: queries and time per request."""
    from django.test import Client

    from organisations.models import User

    results = {}
    for name, (url, email) in pages.items():
        client = Client()
        client.force_login(User.objects.get(email=email))

        def get(client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        results[name] = measure(get, repeat=7, warmup=2)
    return results


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    from django.db import connection

    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://{USER}@{host}:{port}/{NAME}".format(
            **db, host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432
        ),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_CONN_MAX_AGE": "60",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cis_portal.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--no-control-socket", "--log-level", "warning"],
        cwd=BASE_DIR, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def hammer(port: int, url: str, cookie: str, seconds: float) -> float:
    """Requests per second from CONCURRENCY keep-alive connections over ``seconds``."""
    headers = {"Host": "127.0.0.1", "Cookie": f"sessionid={cookie}", "X-Forwarded-Proto": "https"}
    counts = [0] * CONCURRENCY
    failures = []
    stop_at = time.perf_counter() + seconds

    def client(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop_at:
            connection.request("GET", url, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(response.status)
                return
            counts[index] += 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, f"{url}: status {failures[0]}"
    return sum(counts) / (time.perf_counter() - started)


def main() -> None:
    with django_test_database():
        from django.db import connection

        assert connection.vendor == "postgresql", "run this against PostgreSQL (DATABASE_URL=postgres://...)"
        pages = seed()
        cookies = session_cookies(pages)
        single = in_process(pages, cookies)
        port = free_port()
        server = start_gunicorn(port)
        try:
            for url, email in pages.values():
                hammer(port, url, cookies[email], 0.5)  # warm both workers
            rates = {name: [] for name in pages}
            for _ in range(ROUNDS):
                for name, (url, email) in pages.items():
                    rates[name].append(hammer(port, url, cookies[email], SECONDS))
        finally:
            server.terminate()
            server.wait(timeout=30)
            connection.close()  # gunicorn's connections are gone; let the test database drop

    medians = {name: statistics.median(values) for name, values in rates.items()}
    cheapest = medians[CHEAPEST]
    print_table(
        ["Page", "Requests/s", "Share of cheapest", "Queries", "In-process ms"],
        [
            [
                name,
                medians[name],
                f"{100 * medians[name] / cheapest:.0f}%",
                single[name].queries,
                single[name].median_ms,
            ]
            for name in pages
        ],
        title=(
            f"Key pages under gunicorn -w 2 on {database_description()}: median of {ROUNDS} interleaved "
            f"rounds of {SECONDS:.0f} s, {CONCURRENCY} connections"
        ),
    )
    below = [name for name in pages if medians[name] < TARGET_SHARE * cheapest]
    print("Below 50% of the cheapest page: " + (", ".join(below) if below else "none"))
    save_results("key_pages", {"rates": rates, "medians": medians, "in_process": single})


if __name__ == "__main__":
    main()

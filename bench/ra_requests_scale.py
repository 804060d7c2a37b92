"""RA requests at national scale: escalation scan, emails per second, triage changelist.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/cis_bench_ra .venv/bin/python bench/ra_requests_scale.py
Needs PostgreSQL and Redis (127.0.0.1:6379, database 13 by default; BENCH_BROKER_URL overrides).

1. Times the triage changelist (as one ICB's RA team member and as a national administrator) on
   an empty database.
2. Seeds 40,000 organisations across 42 ICBs and 250,000 requests (bulk inserts, batches of 5,000):
   2,500 are past their acknowledge target and due for escalation, about 22,000 more are open and
   not yet due, the rest are closed.
3. Times the escalation scan (the one indexed query) and the whole job (scan, 2,500 escalations,
   2,500 outbox rows handed to Redis), twice: the second run must find and send nothing.
4. Starts a real Celery worker (prefork, 2 processes) against Redis and a local SMTP sink, and
   measures emails per second until all 2,500 are delivered.
5. Times the changelist again at 250,000 rows. Targets: the whole escalation job under 1.5 s;
   changelist within 1.5x.
"""

import csv
import datetime
import io
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from _common import (
    BASE_DIR,
    database_description,
    django_test_database,
    measure,
    print_table,
    save_results,
    timed,
)

TOTAL_REQUESTS = 250_000
ORGANISATIONS = 40_000
ICBS = 42
DUE = 2_500
OPEN_NOT_DUE = 22_000
BATCH = 5_000
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
REGIONS = [
    "London",
    "South West",
    "South East",
    "Midlands",
    "East of England",
    "North West",
    "North East and Yorkshire",
]


def make_directory():
    from organisations import services as organisation_services
    from organisations.models import RAProvider, User

    icbs = RAProvider.objects.bulk_create(
        [
            RAProvider(
                ods_code=f"Q{n:02d}",
                name=f"NHS Bench {n} Integrated Care Board",
                kind=RAProvider.Kind.ICB,
                region=REGIONS[n % len(REGIONS)],
                ra_contact_email=f"ra.q{n:02d}@example.org",
            )
            for n in range(ICBS)
        ]
    )
    RAProvider.objects.create(
        ods_code="X24",
        name="National RA team",
        kind=RAProvider.Kind.NATIONAL,
        ra_contact_email="national@example.org",
    )
    triage = User.objects.create_user("ra@q00.example.org", "bench-password-2026")
    organisation_services.add_ra_team_member(icbs[0], user=triage)
    national = User.objects.create_superuser("national@example.org", "bench-password-2026")
    submitter = User.objects.create_user("admin@example.org", "bench-password-2026")
    return icbs, triage, national, submitter


def seed(icbs, submitter, *, total=TOTAL_REQUESTS, organisation_count=ORGANISATIONS, due=DUE,
         open_not_due=OPEN_NOT_DUE, prefix="B") -> None:  # fmt: skip
    from django.db import connection
    from django.utils import timezone

    from organisations.models import Organisation
    from ra_requests.models import RARequest, Status

    types = list(Organisation.OrganisationType.values)
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                ods_code=f"{prefix}{n:05d}",
                name=f"Bench organisation {n}",
                organisation_type=types[n % len(types)],
                icb=icbs[n % ICBS],
            )
            for n in range(organisation_count)
        ],
        batch_size=BATCH,
    )
    now = timezone.now()
    needed_by = timezone.localdate() + datetime.timedelta(days=30)
    closed = [Status.RESOLVED, Status.DECLINED]
    open_ = [Status.SUBMITTED, Status.ACKNOWLEDGED, Status.IN_PROGRESS]
    columns = [
        "created_at", "updated_at", "organisation_id", "provider_id", "routing_reason", "status",
        "help_needed", "staff_affected", "needed_by", "contact_name", "contact_phone", "contact_email",
        "already_tried", "charge_acknowledged", "submitted_by_id", "decline_reason", "version", "sla_cycle",
        "sla_started_at", "paused_seconds", "acknowledge_due_at", "resolve_due_at", "closed_at",
        "escalation_level", "next_escalation_at",
    ]  # fmt: skip
    # COPY in batches of 5,000: a few seconds for 250,000 rows, where bulk_create takes minutes.
    with connection.cursor() as cursor:
        for start in range(0, total, BATCH):
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for n in range(start, min(start + BATCH, total)):
                organisation = organisations[n % organisation_count]
                if n < due:
                    status, started = Status.SUBMITTED, now - datetime.timedelta(days=6)
                    next_at = now - datetime.timedelta(hours=1)
                elif n < due + open_not_due:
                    status = open_[n % 3]
                    started = now - datetime.timedelta(hours=n % 20)
                    next_at = now + datetime.timedelta(days=1 + n % 9)
                else:
                    status, started, next_at = (
                        closed[n % 2],
                        now - datetime.timedelta(days=30 + n % 600),
                        None,
                    )
                writer.writerow(
                    [
                        started.isoformat(), started.isoformat(), organisation.pk, organisation.icb_id,
                        "Bench data", status,
                        "issue_smartcards,register_users" if n % 2 else "unlock_renew",
                        1 + n % 40, needed_by.isoformat(), "Bench contact", "01632 960000",
                        f"contact{n % organisation_count}@example.org", "Bench data", "t", submitter.pk,
                        "outside_area" if status == Status.DECLINED else "", 1, 1, started.isoformat(), 0,
                        (started + datetime.timedelta(days=2)).isoformat(),
                        (started + datetime.timedelta(days=14)).isoformat(),
                        (started + datetime.timedelta(days=5)).isoformat() if status in closed else "",
                        0, next_at.isoformat() if next_at else "",
                    ]
                )  # fmt: skip
            buffer.seek(0)
            cursor.cursor.copy_expert(
                f"COPY {RARequest._meta.db_table} ({', '.join(columns)}) "
                "FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (decline_reason))",
                buffer,
            )
        # As autovacuum leaves a table after bulk inserts (PostgreSQL 13+ vacuums on inserts too):
        # statistics for the planner, and the visibility map that lets counts read the index alone.
        cursor.execute("VACUUM ANALYZE")


def changelist_measurements(triage, national) -> dict:
    from django.test import Client
    from django.urls import reverse

    from organisations.data_versions import page_cache

    url = reverse("admin:ra_requests_rarequest_changelist")
    results = {}
    for label, user in (("RA team member (one ICB)", triage), ("National administrator (all)", national)):
        client = Client()
        client.force_login(user)

        def get(client=client):
            page_cache.clear()  # drawn every time: the list's cost at scale, not the kept page's
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        results[label] = measure(get, repeat=9, warmup=2)
    return results


class Sink:
    """An SMTP server that counts what it accepts (aiosmtpd, in this process)."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)

        self.count = 0
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.count += 1
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()


def start_worker(sink_port: int, log_path: Path) -> subprocess.Popen:
    from django.db import connection

    db = connection.settings_dict
    host = db["HOST"] or "127.0.0.1"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cis_portal.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{host}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER_URL,
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(sink_port),
        "DJANGO_LOG_LEVEL": "WARNING",
        "CELERY_SKIP_CHECKS": "true",
    }
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cis_portal", "worker", "--pool=prefork", "-c", "2",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    return process


def main() -> None:
    import redis

    redis.Redis.from_url(BROKER_URL).flushdb()
    with django_test_database():
        from django.db import connection
        from django.utils import timezone

        from cis_portal.celery import app
        from notifications.models import OutboundEmail
        from organisations.models import Organisation
        from ra_requests.escalations import run_escalations
        from ra_requests.models import RARequest

        assert connection.vendor == "postgresql", "run this against PostgreSQL (DATABASE_URL=postgres://...)"
        icbs, triage, national, submitter = make_directory()
        empty = changelist_measurements(triage, national)
        # A second baseline: one full page of rows on a near-empty database, so the comparison
        # separates what 250,000 rows cost from what drawing 50 rows costs.
        seed(
            icbs,
            submitter,
            total=ICBS * 50,
            organisation_count=ICBS * 5,
            due=0,
            open_not_due=ICBS * 50,
            prefix="C",
        )
        one_page = changelist_measurements(triage, national)
        RARequest.objects.all().delete()
        Organisation.objects.all().delete()

        _, seed_seconds = timed(lambda: seed(icbs, submitter))
        print(
            f"Seeded {TOTAL_REQUESTS:,} requests across {ORGANISATIONS:,} organisations "
            f"in {seed_seconds:.1f} s"
        )

        now = timezone.now()
        scan = measure(
            lambda: list(RARequest.objects.due_for_escalation(now).values_list("pk", flat=True)), repeat=5
        )
        plan = connection.cursor()
        plan.execute("EXPLAIN SELECT id FROM ra_requests_rarequest WHERE next_escalation_at <= %s", [now])
        plan_text = " / ".join(row[0].strip() for row in plan.fetchall()[:2])

        # The job hands emails to Redis; no worker is running yet, so they wait there.
        app.conf.task_always_eager = False
        app.conf.broker_url = BROKER_URL
        job_queries = []
        with connection.execute_wrapper(
            lambda execute, sql, *args: job_queries.append(sql) or execute(sql, *args)
        ):
            escalated, job_seconds = timed(lambda: run_escalations(now=now))
        again, again_seconds = timed(lambda: run_escalations(now=now))
        queued = OutboundEmail.objects.count()
        assert (escalated, again, queued) == (DUE, 0, DUE), (escalated, again, queued)

        sink = Sink()
        log_path = BASE_DIR / "bench" / "results" / "ra_requests_worker.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        worker = start_worker(sink.port, log_path)
        try:
            deadline = time.monotonic() + 60
            while OutboundEmail.objects.sent().count() == 0:
                assert time.monotonic() < deadline, "worker sent nothing in 60 s; see " + str(log_path)
                time.sleep(0.05)
            first_sent = time.perf_counter()
            sent_before = OutboundEmail.objects.sent().count()
            deadline = time.monotonic() + 600
            while (sent := OutboundEmail.objects.sent().count()) < DUE:
                assert time.monotonic() < deadline, f"only {sent} sent after 10 minutes"
                time.sleep(0.1)
            send_seconds = time.perf_counter() - first_sent
            emails_per_second = (DUE - sent_before) / send_seconds
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            sink.stop()
        assert sink.count == DUE, f"sink received {sink.count}, expected {DUE}"

        full = changelist_measurements(triage, national)

    print()
    print_table(
        ["Step", "Result"],
        [
            ["Escalation scan (indexed query), median ms", scan.median_ms],
            ["Escalation job, 2,500 due: seconds", job_seconds],
            ["Escalation job: queries", len(job_queries)],
            ["Second run (nothing due): seconds", again_seconds],
            ["Emails delivered by the worker (exactly once)", sink.count],
            ["Emails per second (1 worker, 2 processes)", emails_per_second],
        ],
        title=f"RA escalations at {TOTAL_REQUESTS:,} requests on {database_description()}",
    )
    print(f"Scan plan: {plan_text}")
    print()
    rows = []
    ratios = {}
    for label in empty:
        ratios[label] = full[label].median_ms / empty[label].median_ms
        page_ratio = full[label].median_ms / one_page[label].median_ms
        rows.append(
            [
                label,
                empty[label].median_ms,
                empty[label].queries,
                one_page[label].median_ms,
                full[label].median_ms,
                full[label].queries,
                f"{ratios[label]:.2f}x",
                f"{page_ratio:.2f}x",
            ]
        )
    print_table(
        [
            "Triage changelist",
            "Empty ms",
            "Queries",
            "2,100 rows ms",
            "250k ms",
            "Queries",
            "vs empty",
            "vs 2,100",
        ],
        rows,
        title="GET /admin/ra_requests/rarequest/ (median of 9)",
    )
    print(
        f"Targets: escalation job under 1.5 s ({job_seconds:.2f} s); changelist within 1.5x "
        f"({', '.join(f'{r:.2f}x' for r in ratios.values())})"
    )
    save_results(
        "ra_requests_scale",
        {
            "scan": scan,
            "job_seconds": job_seconds,
            "job_queries": len(job_queries),
            "emails_per_second": emails_per_second,
            "changelist_empty": empty,
            "changelist_2100_rows": one_page,
            "changelist_full": full,
            "ratios": ratios,
            "seed_seconds": seed_seconds,
        },
    )


if __name__ == "__main__":
    main()

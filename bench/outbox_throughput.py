"""Emails per second through one Celery worker (one prefork process) to an SMTP sink.

Queues EMAILS emails while no worker runs (they wait in a Redis this script starts on a spare
port), then starts one worker (``-c 1``) and times how long it takes from its first delivery to
the last. The sink is aiosmtpd in this process. Needs PostgreSQL (DATABASE_URL) and redis-server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cis_bench .venv/bin/python bench/outbox_throughput.py
"""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time

from _common import BASE_DIR, database_description, django_test_database, print_table, save_results

EMAILS = int(os.environ.get("BENCH_EMAILS", "600"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CountingHandler:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{db['USER']}@{db.get('HOST') or '127.0.0.1'}{port}/{db['NAME']}"


def main() -> None:
    with django_test_database():
        from aiosmtpd.controller import Controller
        from django.db import connection, transaction

        from cis_portal.celery import app
        from notifications import services
        from notifications.models import OutboundEmail

        assert connection.vendor == "postgresql", "run against PostgreSQL (DATABASE_URL)"
        redis_port, sink_port = free_port(), free_port()
        redis = subprocess.Popen(
            [
                *(shutil.which("redis-server") or "redis-server", "--port", str(redis_port)),
                *("--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"),
            ],
            stdout=subprocess.DEVNULL,
        )
        handler = CountingHandler()
        sink = Controller(handler, hostname="127.0.0.1", port=sink_port)
        sink.start()
        worker = None
        try:
            time.sleep(0.5)
            broker = f"redis://127.0.0.1:{redis_port}/0"
            app.conf.task_always_eager = False
            app.conf.broker_url = broker
            with transaction.atomic():
                services.queue_emails(
                    [
                        {
                            "dedupe_key": f"bench:{n}",
                            "to": [f"p{n}@example.org"],
                            "subject": f"Bench {n}",
                            "body": "x",
                        }
                        for n in range(EMAILS)
                    ]
                )
            env = {
                **os.environ,
                "DATABASE_URL": database_url(),
                "CELERY_BROKER_URL": broker,
                "DJANGO_EMAIL_HOST": "127.0.0.1",
                "DJANGO_EMAIL_PORT": str(sink_port),
                "CELERY_SKIP_CHECKS": "true",
                "DJANGO_LOG_LEVEL": "WARNING",
            }
            worker = subprocess.Popen(
                [
                    *(
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "cis_portal",
                        "worker",
                        "-c",
                        "1",
                        "-l",
                        "warning",
                    ),
                    *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 120
            while handler.count == 0:
                assert time.monotonic() < deadline, "the worker sent nothing in 120 s"
                time.sleep(0.01)
            started, first = time.monotonic(), handler.count
            while handler.count < EMAILS:
                assert time.monotonic() < deadline + 600, f"only {handler.count} of {EMAILS} delivered"
                time.sleep(0.01)
            seconds = time.monotonic() - started
            per_second = (EMAILS - first) / seconds
            sent = OutboundEmail.objects.filter(status="sent").count()
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)
            sink.stop()
            redis.kill()
            redis.wait()

        print_table(
            ["Measure", "Value"],
            [
                ["Emails queued", EMAILS],
                ["Delivered to the sink", handler.count],
                ["Rows marked sent", sent],
                ["Seconds (first to last delivery)", seconds],
                ["Emails per second (1 worker, 1 process)", per_second],
            ],
            title=f"Outbox throughput on {database_description()}",
        )
        save_results("outbox_throughput", {"emails": EMAILS, "seconds": seconds, "per_second": per_second})


if __name__ == "__main__":
    main()

"""Harness for the outbox fault tests: a Redis of the test's own, an in-process aiosmtpd sink that can
be stopped and replaced on its port, and a worker with short leases and time limits."""

import logging
import os
import shutil
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from ..conftest import CeleryBroker, CeleryWorker, _database_url, free_port, port_accepts, wait_for

# Short enough that a whole fault run takes seconds, long enough for a loaded 2-core machine.
WORKER_SETTINGS = {
    "OUTBOX_SEND_LEASE_SECONDS": "4",
    "OUTBOX_QUEUE_LEASE_SECONDS": "60",
    "OUTBOX_RETRY_BACKOFF_SECONDS": "1",
    "OUTBOX_RETRY_BACKOFF_MAX_SECONDS": "2",
    "CELERY_TASK_SOFT_TIME_LIMIT": "3",
    "CELERY_TASK_TIME_LIMIT": "8",
    "DJANGO_EMAIL_TIMEOUT": "2",
}


class RedisServer:
    """``redis-server`` on a spare port, no persistence: stopping it loses what it held, as a crash would."""

    def __init__(self, log_path):
        self.port = free_port()
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    shutil.which("redis-server") or "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for(lambda: port_accepts(self.port), timeout=10, message="redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class SinkHandler:
    """Keeps every message it accepts, optionally after a pause (a sink that is busy but working)."""

    def __init__(self, pause: float = 0.0):
        self.pause = pause
        self.messages: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.pause:
            import asyncio

            await asyncio.sleep(self.pause)
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


class Sink:
    """aiosmtpd in this process on a fixed port; ``stop()`` frees the port for a misbehaving server."""

    def __init__(self, pause: float = 0.0):
        self.port = free_port()
        self.handler = SinkHandler(pause)
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
        wait_for(lambda: not port_accepts(self.port), timeout=10, message="sink port still open")

    def copies(self) -> Counter:
        """How many copies of each outbox row arrived, by row id."""
        with self.handler.lock:
            return Counter(int(message["X-CIS-Portal-Email"]) for message in self.handler.messages)

    def message_ids(self) -> dict[int, set[str]]:
        with self.handler.lock:
            ids: dict[int, set[str]] = {}
            for message in self.handler.messages:
                ids.setdefault(int(message["X-CIS-Portal-Email"]), set()).add(message["Message-ID"])
            return ids


def start_worker(tmp_path, redis: RedisServer, sink: Sink, queue: str, name: str = "worker") -> CeleryWorker:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cis_portal.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": redis.url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(sink.port),
        "DJANGO_EMAIL_USE_TLS": "false",
        "DJANGO_EMAIL_HOST_USER": "",
        "DJANGO_EMAIL_HOST_PASSWORD": "",
        "PYTHONUNBUFFERED": "1",
        "CELERY_SKIP_CHECKS": "true",
        **WORKER_SETTINGS,
    }
    worker = CeleryWorker(tmp_path / f"{name}-{uuid.uuid4().hex[:6]}.log", env, queue, pool="prefork")
    worker.start()
    return worker


class FaultRig:
    """Everything one fault test runs against, started by the ``rig`` fixture."""

    def __init__(self, tmp_path, redis: RedisServer, sink: Sink, broker):
        self.tmp_path = tmp_path
        self.redis = redis
        self.sink = sink
        self.broker = broker
        self.queue = broker.queue
        self.workers: list[CeleryWorker] = []

    def start_worker(self) -> CeleryWorker:
        worker = start_worker(self.tmp_path, self.redis, self.sink, self.queue, name=f"w{len(self.workers)}")
        self.workers.append(worker)
        return worker

    def kill_worker(self, worker: CeleryWorker) -> None:
        """SIGKILL the worker and its pool process at once, as the OOM killer or a lost machine would."""
        pid = worker.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for child in children:
            os.kill(int(child), signal.SIGKILL)
        worker.process.send_signal(signal.SIGKILL)
        worker.process.wait()

    def logs(self) -> str:
        return "\n".join(f"--- {w.log_path.name} ---\n{w.log()}" for w in self.workers)


@pytest.fixture
def rig(transactional_db, tmp_path, settings, monkeypatch):
    """A Redis of this test's own, an SMTP sink, this process publishing to that Redis, and one worker
    (``rig.workers[0]``) with short leases. Worker logs are printed when the test fails."""
    from notifications.tasks import task_send_email

    for name, value in WORKER_SETTINGS.items():
        if name.startswith("OUTBOX_"):
            setattr(settings, name, int(value))
    # Time limits travel in the task message from the process that queues it, as in production
    # where web and worker share one configuration.
    monkeypatch.setattr(
        task_send_email, "soft_time_limit", int(WORKER_SETTINGS["CELERY_TASK_SOFT_TIME_LIMIT"])
    )
    monkeypatch.setattr(task_send_email, "time_limit", int(WORKER_SETTINGS["CELERY_TASK_TIME_LIMIT"]))
    # Celery caches a task's publish options (limits included) the first time it is sent.
    monkeypatch.setattr(task_send_email, "_exec_options", None)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    redis = RedisServer(tmp_path / "redis.log")
    redis.start()
    sink = Sink()
    sink.start()
    broker = CeleryBroker()
    broker.use(redis.url)
    fault_rig = FaultRig(tmp_path, redis, sink, broker)
    try:
        fault_rig.start_worker()
        yield fault_rig
    finally:
        # Nothing of this rig outlives the test (Redis goes too), so no warm shutdown to wait for.
        for worker in fault_rig.workers:
            if worker.process.poll() is None:
                fault_rig.kill_worker(worker)
        broker.restore()
        sink.stop()
        redis.stop()
        print(fault_rig.logs())


def sweep_until(predicate, *, timeout: float, every: float = 1.0, message: str = ""):
    """Run the real sweeper every ``every`` seconds (beat runs it every minute) until ``predicate()``."""
    from notifications import services

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(message or "the sweeper did not finish the job in time")
        services.requeue_stuck_emails()
        time.sleep(every)


def fault_table_row(case: str, queued: int, sink: Sink) -> str:
    copies = sink.copies()
    delivered = len(copies)
    duplicated = sum(count - 1 for count in copies.values())
    lost = queued - delivered
    return f"FAULT-TABLE | {case} | queued {queued} | delivered {delivered} | lost {lost} | dup {duplicated}"

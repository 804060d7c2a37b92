"""Harness for service-backed tests: real PostgreSQL, Redis, a Celery worker and an SMTP sink.

Every test in tests/services/ is marked ``services``. They need:

- PostgreSQL: the run's DATABASE_URL must be PostgreSQL (pytest-django creates ``test_<name>``);
- Redis at ``TEST_CELERY_BROKER_URL`` (default ``redis://127.0.0.1:6379/14``), a database number of its
  own so no other worker steals the test's tasks. Under CI it is flushed at the start of the run.
  Each test worker also reads a queue of its own (``CELERY_TASK_DEFAULT_QUEUE``), so two people
  running service tests on one machine never take each other's tasks, and tasks left over from an
  earlier run never reach this one;
- Celery and aiosmtpd installed.

When one is missing the tests are skipped with the reason, except under CI (``CI=true``), where
they fail with it: CI must never go green without having run them.

Typical test::

    def test_email_reaches_the_sink(celery_worker, smtp_sink, wait_for):
        with transaction.atomic():
            queue_email(dedupe_key="k", to=["a@example.org"], subject="Hello", body="Hi")
        wait_for(lambda: len(smtp_sink.messages()) == 1)
"""

import importlib.util
import mailbox
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
DEFAULT_TEST_BROKER_URL = "redis://127.0.0.1:6379/14"
HERE = Path(__file__).resolve().parent


def broker_url_for_tests() -> str:
    return os.environ.get("TEST_CELERY_BROKER_URL", DEFAULT_TEST_BROKER_URL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_accepts(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for(predicate, timeout: float = 20, interval: float = 0.1, message: str = ""):
    """Call ``predicate`` until it returns something truthy and return that; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(
                message
                or f"Timed out after {timeout}s waiting for {getattr(predicate, '__name__', predicate)}"
            )
        time.sleep(interval)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.services)


def _missing_requirement() -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return (
            f"service tests need PostgreSQL (DATABASE_URL=postgres://...), this run uses {connection.vendor}"
        )
    for module in ("celery", "redis", "aiosmtpd"):
        if importlib.util.find_spec(module) is None:
            return f"service tests need the {module} package (pip install -e '.[dev]')"
    import redis

    url = broker_url_for_tests()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2).ping()
    except redis.RedisError as error:
        return (
            f"service tests need Redis at TEST_CELERY_BROKER_URL={url} ({error.__class__.__name__}: {error})"
        )
    return ""


def _test_redis():
    import redis

    return redis.Redis.from_url(broker_url_for_tests(), socket_connect_timeout=1)


@pytest.fixture(scope="session", autouse=True)
def services_available():
    """Checks PostgreSQL, Redis and Celery once; skips (or, with CI=true, fails) when one is missing.

    Under CI (which has the machine to itself) also flushes the test Redis database.
    """
    reason = _missing_requirement()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)
    if os.environ.get("CI", "").lower() == "true":
        _test_redis().flushdb()


class SMTPSink:
    """A real SMTP server (aiosmtpd's Mailbox handler) in its own process, writing to a maildir."""

    def __init__(self, directory: Path, port: int):
        self.directory = directory
        self.port = port
        self.process: subprocess.Popen | None = None
        self.log_path = directory.parent / f"smtp-sink-{port}.log"

    def start(self) -> None:
        """Start the sink (again, on the same port and maildir) and wait until it accepts connections."""
        if self.process is not None and self.process.poll() is None:
            return
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "aiosmtpd",
                    "-n",
                    "-l",
                    f"127.0.0.1:{self.port}",
                    "-c",
                    "aiosmtpd.handlers.Mailbox",
                    str(self.directory),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for(
            lambda: port_accepts(self.port) or self.process.poll() is not None,
            timeout=15,
            message=f"SMTP sink did not start on port {self.port}",
        )
        if self.process.poll() is not None:
            pytest.fail(f"SMTP sink exited: {self.log_path.read_text()}")

    def stop(self) -> None:
        """Stop the sink; connections to its port are then refused (a transient SMTP failure)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        wait_for(lambda: not port_accepts(self.port), timeout=10, message="SMTP sink port still open")

    def messages(self) -> list:
        """Every message the sink has accepted, as email.message.Message objects (oldest first)."""
        if not (self.directory / "new").exists():
            return []
        box = mailbox.Maildir(self.directory, create=False)
        return sorted(box, key=lambda message: message.get_date())


@pytest.fixture
def smtp_sink(tmp_path, settings):
    """A running SMTP sink on a free port, with this process's Django email settings pointed at it.

    ``.port``, ``.messages()``, ``.stop()``, ``.start()`` (restarts on the same port and maildir).
    """
    sink = SMTPSink(tmp_path / "maildir", free_port())
    sink.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield sink
    sink.stop()


class CeleryBroker:
    """Points this test process's Celery app at a broker, and puts everything back afterwards.

    ``use(url)`` switches the broker (e.g. to a closed port, to simulate Redis being down);
    ``use(broker_url_for_tests())`` switches back. ``restore()`` returns to in-process (eager) tasks.
    """

    def __init__(self):
        from cis_portal.celery import app

        self.app = app
        self.url = broker_url_for_tests()
        self.queue = f"cis-portal-test-{uuid.uuid4().hex[:12]}"
        self._saved = (app.conf.task_always_eager, app.conf.broker_url, app.conf.task_default_queue)

    def _reset_pools(self) -> None:
        # Drop our references only: kombu keeps one pool per broker URL and hands the same
        # (still open) pool back when we switch back to a URL.
        self.app._pool = None
        self.app.amqp._producer_pool = None

    def use(self, url: str) -> None:
        self._reset_pools()
        self.app.conf.task_always_eager = False
        self.app.conf.broker_url = url
        self.app.conf.task_default_queue = self.queue

    def restore(self) -> None:
        self._reset_pools()
        self.app.conf.task_always_eager, self.app.conf.broker_url, self.app.conf.task_default_queue = (
            self._saved
        )


@pytest.fixture
def celery_broker():
    """Sends this process's tasks to the test Redis broker, on a queue of this test's own
    (``.queue``), instead of running them in-process."""
    broker = CeleryBroker()
    broker.use(broker.url)
    yield broker
    broker.restore()
    # The queue and kombu's routing keys for it: this run's queue name is never used again.
    _test_redis().delete(
        broker.queue, f"_kombu.binding.{broker.queue}", f"_kombu.binding_permanent.{broker.queue}"
    )


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


class CeleryWorker:
    """A real ``celery -A cis_portal worker`` process against the test database and broker."""

    def __init__(self, log_path: Path, env: dict[str, str], queue: str, pool: str = "solo"):
        self.log_path = log_path
        self.env = env
        self.queue = queue
        # prefork (one child) enforces time limits as production does; solo starts faster.
        self.pool = pool
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "cis_portal",
                    "worker",
                    f"--pool={self.pool}",
                    "--concurrency=1",
                    "-Q",
                    self.queue,
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-l",
                    "info",
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for(
            lambda: " ready." in self.log() or self.process.poll() is not None,
            timeout=60,
            message="Celery worker did not become ready",
        )
        if self.process.poll() is not None:
            pytest.fail(f"Celery worker exited with {self.process.returncode}:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # warm shutdown: finish the current task
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def count(self, text: str) -> int:
        """How many times ``text`` appears in the worker's log, e.g. " succeeded in "."""
        return self.log().count(text)


@pytest.fixture
def celery_worker(transactional_db, smtp_sink, celery_broker, tmp_path):
    """A Celery worker process (solo pool) on the test Redis and this test's queue, sending to ``smtp_sink``.

    Uses ``transactional_db``: the worker is another process and only sees committed rows, so
    write in ``transaction.atomic()`` blocks (their on_commit callbacks publish to the broker).
    ``.log()`` gives the worker's output (printed when the test fails), ``.count(text)`` counts
    log lines, e.g. ``" succeeded in "`` for finished tasks; ``.stop()`` / ``.start()``.
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cis_portal.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": celery_broker.url,
        "CELERY_TASK_DEFAULT_QUEUE": celery_broker.queue,
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp_sink.port),
        "DJANGO_EMAIL_USE_TLS": "false",
        "DJANGO_EMAIL_HOST_USER": "",
        "DJANGO_EMAIL_HOST_PASSWORD": "",
        "PYTHONUNBUFFERED": "1",
        # System checks run in their own test; the worker only needs to run tasks, and starts faster.
        "CELERY_SKIP_CHECKS": "true",
    }
    worker = CeleryWorker(tmp_path / "celery-worker.log", env, celery_broker.queue)
    worker.start()
    yield worker
    worker.stop()
    # Captured output is shown only when the test fails.
    print(f"--- Celery worker log ---\n{worker.log()}")


@pytest.fixture(name="wait_for")
def wait_for_fixture():
    """``wait_for(predicate, timeout=20)``: polls until ``predicate()`` is truthy; fails the test if not."""
    return wait_for

"""Production-shaped smoke test: collectstatic, gunicorn with DEBUG off, a Celery worker and beat (every
job every two seconds) against PostgreSQL and a Redis of the test's own, and an SMTP sink.

Through the real server it signs an organisation up (confirming the address from the emailed link),
stops Redis (``/healthz`` turns 503), raises an RA request (the page answers promptly; the email
stays pending), starts Redis again (``/healthz`` 200) and waits for the beat-run sweeper to get the
RA provider's email to the sink. The forms are filled from the page's own HTML, so added fields
with defaults do not break it.
"""

import html
import os
import re
import subprocess
import sys
import time
from datetime import date, timedelta
from html.parser import HTMLParser
from http.client import HTTPConnection
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.management import call_command

from organisations.models import RAProvider

from ..conftest import BASE_DIR, _database_url, free_port, port_accepts, wait_for
from .conftest import WORKER_SETTINGS, RedisServer, Sink

PROVIDER_EMAIL = "ra.smoke-test@example.org"
ADMIN_EMAIL = "jo.admin@smoke-surgery.example.org"
ODS_CODE = "A82003"  # Ulverston Health Centre, in NHS Lancashire and South Cumbria ICB (QE1)
PASSWORD = "Smoke-test-passphrase-2026"


class FormParser(HTMLParser):
    """The fields of every POST form on a page: (action, {name: value}, {select name: [(value, text)]})."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}, "options": {}, "boxes": {}})
        if not self.forms:
            return
        form = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                form["boxes"].setdefault(name, []).append(attrs.get("value", "on"))
                if "checked" in attrs:
                    form["fields"][name] = attrs.get("value", "on")
            elif kind not in {"submit", "button"}:
                form["fields"][name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
            form["options"][name] = []
        elif tag == "option" and self._select:
            self._option = attrs.get("value", "")
            if "selected" in attrs:
                form["fields"][self._select] = self._option
        elif tag == "textarea" and name:
            self._textarea = name
            form["fields"][name] = ""

    def handle_data(self, data):
        if self.forms and self._option is not None and self._select:
            self.forms[-1]["options"][self._select].append((self._option, data.strip()))
            self._option = None
        elif self.forms and self._textarea:
            self.forms[-1]["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


class Browser:
    """Plain HTTP against gunicorn, as a browser behind the TLS proxy would look to Django."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None, timeout: float = 30):
        connection = HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",  # the proxy terminated TLS
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://127.0.0.1:{self.port}"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response.status, response.getheader("Location", ""), text

    def get(self, path: str):
        return self.request("GET", path)

    def submit(self, path: str, values: dict, *, choose=None):
        """GET ``path``, fill its POST form with ``values`` (others keep their defaults; ``choose``
        picks select options by text), and POST it. Returns (status, location, text)."""
        status, _, page = self.get(path)
        assert status == 200, f"GET {path} gave {status}"
        parser = FormParser()
        parser.feed(page)
        # The form that has the fields we fill (a page may also carry, say, a sign-out form).
        form = max(
            reversed(parser.forms),
            key=lambda f: len(set(values) & (set(f["fields"]) | set(f["boxes"]) | set(f["options"]))),
        )
        fields = dict(form["fields"])
        for name, wanted in (choose or {}).items():
            fields[name] = next(value for value, text in form["options"][name] if wanted in text)
        fields.update(values)
        action = html.unescape(form["action"]) or path
        return self.request("POST", urlsplit(action).path or path, fields)


def service_env(redis: RedisServer, sink: Sink, queue: str, static_root) -> dict[str, str]:
    # The browser tests set this in os.environ for the live server; a deployment never has it.
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "cis_portal.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "smoke-test-secret-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": redis.url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_BEAT_EVERY_SECONDS": "2",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(sink.port),
        "PORTAL_BASE_URL": "https://127.0.0.1",
        "PYTHONUNBUFFERED": "1",
        "CELERY_SKIP_CHECKS": "true",
        **WORKER_SETTINGS,
    }


class Processes:
    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        with (self.tmp_path / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.running[name] = process
        return process

    def log(self, name: str) -> str:
        path = self.tmp_path / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                process.terminate()
        for process in self.running.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def stack(transactional_db, tmp_path):
    call_command("load_reference_data", verbosity=0)
    RAProvider.objects.filter(ods_code="QE1").update(ra_contact_email=PROVIDER_EMAIL)
    redis = RedisServer(tmp_path / "redis.log")
    redis.start()
    sink = Sink()
    sink.start()
    queue = f"smoke-{free_port()}"
    env = service_env(redis, sink, queue, tmp_path / "static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=120,
    )
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SILENCED_SYSTEM_CHECKS": "security.W008"},  # SSL redirect is the proxy's job here
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    processes = Processes(tmp_path)
    port = free_port()
    celery = [sys.executable, "-m", "celery", "-A", "cis_portal"]
    processes.start(
        "gunicorn",
        [
            sys.executable,
            "-m",
            "gunicorn",
            "cis_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--no-control-socket",
        ],
        env,
    )
    processes.start(
        "worker",
        [*celery, "worker", "-c", "1", "-Q", queue, "-l", "info", "--without-gossip", "--without-mingle"],
        env,
    )
    processes.start("beat", [*celery, "beat", "-s", str(tmp_path / "beat-schedule"), "-l", "info"], env)
    try:
        wait_for(lambda: port_accepts(port), timeout=60, message="gunicorn did not start")
        wait_for(lambda: " ready." in processes.log("worker"), timeout=60, message="worker did not start")
        yield Browser(port), redis, sink, processes
    finally:
        processes.stop_all()
        sink.stop()
        redis.stop()
        for name in ("gunicorn", "worker", "beat"):
            print(f"--- {name} ---\n{processes.log(name)[-6000:]}")


def emails_to(sink: Sink, address: str) -> list:
    with sink.handler.lock:
        return [message for message in sink.handler.messages if address in message["To"]]


def test_production_stack_signs_up_raises_an_ra_request_and_survives_redis_going_away(stack):
    browser, redis, sink, processes = stack
    status, _, body = browser.get("/healthz")
    assert (status, '"status": "ok"' in body) == (200, True), body

    # Sign up an organisation through the real server: a practice in the open ODS data, in the ICB it
    # was published in, so it is set up as soon as the address is confirmed (no RA team approval).
    status, _, page = browser.submit(
        "/account/sign-up/",
        {
            "email": ADMIN_EMAIL,
            "first_name": "Jo",
            "last_name": "Admin",
            "ods_code": ODS_CODE,
            "organisation_name": "Smoke Test Surgery",
            "organisation_type": "gp_practice",
        },
        choose={"icb": "Lancashire"},
    )
    assert status == 302, re.findall(r'nhsuk-error-message">(.*?)<', page, re.S) or page[:2000]
    confirmation = wait_for(lambda: emails_to(sink, ADMIN_EMAIL), timeout=60, message="no confirmation email")
    link = re.search(
        r"https?://[^\s]+/account/confirm-email/[^\s/]+/", confirmation[0].get_payload(decode=True).decode()
    )
    assert link, confirmation[0].get_payload()
    # Whoever opens the link chooses the password.
    status, _, page = browser.submit(
        urlsplit(link.group(0)).path, {"password1": PASSWORD, "password2": PASSWORD}
    )
    assert status == 302, re.findall(r'nhsuk-error-message">(.*?)<', page, re.S) or page[:2000]

    # Redis goes away: health check says so, and raising a request still answers promptly.
    redis.stop()
    wait_for(
        lambda: browser.get("/healthz")[0] == 503, timeout=20, message="/healthz stayed 200 without Redis"
    )
    needed_by = date.today() + timedelta(days=30)
    started = time.monotonic()
    status, _, page = browser.submit(
        f"/ra-requests/{ODS_CODE}/new/",
        {
            "help_needed": _first_box(browser, f"/ra-requests/{ODS_CODE}/new/", "help_needed"),
            "staff_affected": "12",
            "needed_by_day": str(needed_by.day),
            "needed_by_month": str(needed_by.month),
            "needed_by_year": str(needed_by.year),
            "contact_name": "Jo Admin",
            "contact_phone": "01632 960000",
            "contact_email": ADMIN_EMAIL,
            "already_tried": "Asked our IT supplier, who sent us to the ICB.",
            "charge_acknowledged": "on",
        },
    )
    elapsed = time.monotonic() - started
    assert status == 302, re.findall(r'nhsuk-error-message">(.*?)<', page, re.S) or page[:2000]
    assert elapsed < 10
    assert emails_to(sink, PROVIDER_EMAIL) == []

    # Redis is back: healthy again, and the beat-run sweeper gets the provider's email out.
    redis.start()
    wait_for(lambda: browser.get("/healthz")[0] == 200, timeout=30, message="/healthz did not recover")
    provider_emails = wait_for(
        lambda: emails_to(sink, PROVIDER_EMAIL), timeout=90, message="the provider's email never arrived"
    )
    assert "Smoke Test Surgery" in provider_emails[0].get_payload(decode=True).decode()
    assert "Task notifications.sweep_outbox" in processes.log("worker")


def _first_box(browser: Browser, path: str, name: str) -> str:
    parser = FormParser()
    parser.feed(browser.get(path)[2])
    return parser.forms[-1]["boxes"][name][0]

"""Settings as a fresh process sees them: local defaults, refusal without secrets, a clean deploy check."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "email": settings.EMAIL_BACKEND,
    "hosts": settings.ALLOWED_HOSTS,
}))
"""


def run_python(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "cis_portal.settings",
        **env,
    }
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=clean_env, capture_output=True, text=True, timeout=120
    )


def production_env(**overrides: str) -> dict[str, str]:
    return {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "cis-portal.example.org",
        **overrides,
    }


def test_settings_with_nothing_set_refuse_to_start_without_a_secret_key():
    """DEBUG is off unless asked for, so a bare start never falls back to the public development key."""
    result = run_python(["-c", SHOW_SETTINGS])

    assert result.returncode == 1
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off." in result.stderr


def test_settings_with_debug_unset_and_a_secret_key_run_with_debug_off():
    result = run_python(
        ["-c", SHOW_SETTINGS + "print(settings.SECRET_KEY == 'local-development-only-not-secret')"],
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="cis-portal.example.org",
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert json.loads(lines[-2])["debug"] is False
    assert lines[-1] == "False"


def test_settings_with_debug_off_refuse_the_development_key_even_when_set_explicitly():
    env = production_env(DJANGO_SECRET_KEY="local-development-only-not-secret")

    result = run_python(["-c", SHOW_SETTINGS], **env)

    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY must be a secret of your own when DJANGO_DEBUG is off" in result.stderr


def test_settings_with_debug_asked_for_run_locally_on_sqlite_in_process_with_console_email():
    result = run_python(["-c", SHOW_SETTINGS], DJANGO_DEBUG="true")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "debug": True,
        "engine": "django.db.backends.sqlite3",
        "eager": True,
        "email": "django.core.mail.backends.console.EmailBackend",
        "hosts": ["localhost", "127.0.0.1", "[::1]"],
    }


def test_settings_with_debug_off_and_no_secret_key_refuse_to_start():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]

    result = run_python(["-c", SHOW_SETTINGS], **env)

    assert result.returncode == 1
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off." in result.stderr


def test_settings_with_debug_off_and_no_allowed_hosts_refuse_to_start():
    env = production_env()
    del env["DJANGO_ALLOWED_HOSTS"]

    result = run_python(["-c", SHOW_SETTINGS], **env)

    assert result.returncode == 1
    assert "ImproperlyConfigured: DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off." in result.stderr


def test_settings_with_production_env_use_the_broker_and_smtp():
    result = run_python(
        ["-c", SHOW_SETTINGS],
        **production_env(
            CELERY_BROKER_URL="redis://redis.internal:6379/0",
            DJANGO_EMAIL_HOST="smtp.example.org",
            DATABASE_URL="postgres://portal@db.internal:5432/cis_portal",
        ),
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "debug": False,
        "engine": "django.db.backends.postgresql",
        "eager": False,
        "email": "django.core.mail.backends.smtp.EmailBackend",
        "hosts": ["cis-portal.example.org"],
    }


def test_check_deploy_with_production_env_reports_no_issues():
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."

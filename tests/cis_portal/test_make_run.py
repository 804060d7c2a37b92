"""`make run` serves on $PORT (8000 by default) and email links follow it, unless PORTAL_BASE_URL is set."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make_run(tmp_path, *make_args: str, **env: str) -> list[str]:
    """The commands `make run` runs, each as "PORTAL_BASE_URL=... ARGS=...", with a stand-in for python."""
    fake_python = tmp_path / "python"
    fake_python.write_text('#!/bin/sh\necho "PORTAL_BASE_URL=$PORTAL_BASE_URL ARGS=$*"\n')
    fake_python.chmod(0o755)
    installed = tmp_path / "installed"  # newer than pyproject.toml, so make installs nothing
    installed.touch()
    clean_env = {key: value for key, value in os.environ.items() if key not in {"PORT", "PORTAL_BASE_URL"}}
    result = subprocess.run(
        ["make", "-s", "run", f"PYTHON={fake_python}", f"INSTALLED={installed}", *make_args],
        cwd=BASE_DIR,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.splitlines()


def test_make_run_serves_on_8000_by_default(tmp_path):
    commands = make_run(tmp_path)

    assert commands[-1] == "PORTAL_BASE_URL=http://127.0.0.1:8000 ARGS=manage.py runserver 127.0.0.1:8000"


def test_make_run_port_moves_the_server_and_the_email_links(tmp_path):
    commands = make_run(tmp_path, "PORT=8123")

    assert commands[-1] == "PORTAL_BASE_URL=http://127.0.0.1:8123 ARGS=manage.py runserver 127.0.0.1:8123"
    assert all(line.startswith("PORTAL_BASE_URL=http://127.0.0.1:8123 ") for line in commands)


def test_make_run_keeps_a_portal_base_url_already_set(tmp_path):
    commands = make_run(tmp_path, PORT="8124", PORTAL_BASE_URL="https://portal.example.org")

    assert (
        commands[-1] == "PORTAL_BASE_URL=https://portal.example.org ARGS=manage.py runserver 127.0.0.1:8124"
    )

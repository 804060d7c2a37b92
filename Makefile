# The portal's everyday commands. `make run` and `make test` work on a fresh machine with only
# Python 3.11: they build .venv and install the project first (again only when pyproject.toml changes).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
PYTEST_ARGS ?=
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cis_bench
PORT ?= 8000

.PHONY: help run test ci worker beat lint format bench services migrate

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(PYTHON):
	"$$(scripts/find_python)" -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e ".[dev]"
	touch $(INSTALLED)

migrate: $(INSTALLED) ## Apply database migrations
	$(PYTHON) manage.py migrate --noinput

# DEBUG is off unless asked for. Local development asks for it here (its prerequisite migrate too);
# a DJANGO_DEBUG already in the environment wins. The tests ask for it in tests/settings.py.
run bench: export DJANGO_DEBUG ?= true
# Links in emails point at the port `make run` serves on, unless PORTAL_BASE_URL is already set.
run: export PORTAL_BASE_URL ?= http://127.0.0.1:$(PORT)

run: migrate ## Set up, load reference data and (first time only) demo data, serve on http://127.0.0.1:$PORT (8000)
	$(PYTHON) manage.py load_reference_data
	$(PYTHON) manage.py seed_demo
	$(PYTHON) manage.py runserver 127.0.0.1:$(PORT)

test: $(INSTALLED) ## Run the whole test suite (exit code 5, no tests collected, is a failure too)
	scripts/ensure_chromium
	$(VENV)/bin/pytest $(PYTEST_ARGS)

ci: ## What CI runs: PostgreSQL, Redis, CI=true, then make test (.ci/run)
	.ci/run

worker: $(INSTALLED) ## Run a Celery worker (needs CELERY_BROKER_URL)
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0): without it tasks run in-process and no worker is needed." >&2; exit 1; }
	$(VENV)/bin/celery -A cis_portal worker -l info

beat: $(INSTALLED) ## Run Celery beat, the scheduler for periodic jobs (needs CELERY_BROKER_URL)
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0); without a broker run the jobs' management commands instead." >&2; exit 1; }
	$(VENV)/bin/celery -A cis_portal beat -l info

lint: $(INSTALLED) ## Check formatting and lint rules with ruff
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: $(INSTALLED) ## Format the code with ruff
	$(VENV)/bin/ruff format .

services: ## Start PostgreSQL and Redis locally if they are not running
	scripts/ensure_services

bench: $(INSTALLED) services ## Run every benchmark in bench/ against PostgreSQL (BENCH_DATABASE_URL)
	@set -e; for script in bench/[a-z]*.py; do \
		echo; echo "=== $$script"; \
		DATABASE_URL="$(BENCH_DATABASE_URL)" $(PYTHON) "$$script"; \
	done

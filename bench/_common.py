"""Shared helpers for the benchmarks in bench/ (run one with `.venv/bin/python bench/<name>.py`).

Typical benchmark::

    from _common import django_test_database, measure, print_table

    with django_test_database():
        from django.test import Client
        ...  # bulk_create the data set
        result = measure(lambda: client.get(url), repeat=9)
        print_table(["Organisations", "Median ms", "Queries"], [[10, result.median_ms, result.queries]])

The data goes into a throw-away test database (``test_<name>`` on PostgreSQL, in memory on
SQLite), never into the database named by DATABASE_URL itself.
"""

import contextlib
import json
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"


def setup_django() -> None:
    """Make the project importable and configure Django (idempotent)."""
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cis_portal.settings")
    # A local measuring tool, like `make run`: it asks for DEBUG (settings are off by default) so
    # the local defaults load; the benchmark itself still runs with DEBUG off (see below).
    os.environ.setdefault("DJANGO_DEBUG", "true")
    import django

    django.setup()


@contextlib.contextmanager
def django_test_database(*, keepdb: bool = False):
    """Create and migrate a test database (as the test runner does), yield, then drop it.

    DEBUG is off inside, as in production, and email goes to memory. ``keepdb=True`` keeps the
    database (and its data) between runs, which saves minutes for large data sets.
    """
    setup_django()
    from django.test.utils import (
        setup_databases,
        setup_test_environment,
        teardown_databases,
        teardown_test_environment,
    )

    setup_test_environment(debug=False)
    # serialized_aliases=(): nothing here needs the contents saved for TransactionTestCase, and
    # serialising a kept database of 40,000 organisations would take longer than the benchmark.
    old_config = setup_databases(verbosity=0, interactive=False, keepdb=keepdb, serialized_aliases=())
    try:
        yield
    finally:
        teardown_databases(old_config, verbosity=0, keepdb=keepdb)
        teardown_test_environment()


@dataclass
class Measurement:
    median_ms: float
    min_ms: float
    max_ms: float
    runs: int
    queries: int  # queries issued by one run (the last)

    def __str__(self):
        spread = f"min {self.min_ms:.1f}, max {self.max_ms:.1f}"
        return f"median {self.median_ms:.1f} ms ({spread}), {self.queries} queries"


def measure(func, *, repeat: int = 7, warmup: int = 1) -> Measurement:
    """Time ``func()`` ``repeat`` times after ``warmup`` untimed runs; count the last run's queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        func()
    timings = []
    for _ in range(repeat - 1):
        start = time.perf_counter()
        func()
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        func()
        timings.append((time.perf_counter() - start) * 1000)
    return Measurement(
        median_ms=statistics.median(timings),
        min_ms=min(timings),
        max_ms=max(timings),
        runs=len(timings),
        queries=len(captured.captured_queries),
    )


def timed(func):
    """Run ``func()`` once; return (its result, seconds taken)."""
    start = time.perf_counter()
    result = func()
    return result, time.perf_counter() - start


def database_description() -> str:
    from django.db import connection

    return f"{connection.vendor} ({connection.settings_dict['NAME']})"


def print_table(headers: list[str], rows: list[list], *, title: str = "") -> None:
    """Print a plain-text table, numbers right-aligned, floats to one decimal place."""

    def cell(value) -> str:
        if isinstance(value, float):
            return f"{value:,.1f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    text_rows = [[cell(value) for value in row] for row in rows]
    widths = [
        max(len(str(h)), *(len(r[i]) for r in text_rows)) if text_rows else len(str(h))
        for i, h in enumerate(headers)
    ]
    if title:
        print(title)
    print("  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row, raw in zip(text_rows, rows, strict=True):
        print(
            "  ".join(
                value.rjust(w) if isinstance(original, int | float) else value.ljust(w)
                for value, w, original in zip(row, widths, raw, strict=True)
            )
        )


def save_results(name: str, data) -> Path:
    """Write ``data`` (dataclasses allowed) to bench/results/<name>.json (git-ignored); return the path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"

    def default(value):
        if hasattr(value, "__dataclass_fields__"):
            return asdict(value)
        return str(value)

    path.write_text(json.dumps(data, indent=2, default=default))
    return path

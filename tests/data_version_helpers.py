"""For tests of values cached under ``organisations.data_versions``: such a value may only be built
from tables whose writes change a data version, or a write could leave it stale."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisations.data_versions import tracked_tables

TABLE_AFTER_FROM_OR_JOIN = re.compile(r'\b(?:FROM|JOIN)\s+"?([a-z_][a-z0-9_]*)"?', re.IGNORECASE)


def tables_read(compute) -> set[str]:
    """The tables ``compute()`` reads, from the SQL it runs."""
    with CaptureQueriesContext(connection) as queries:
        compute()
    return {
        table
        for query in queries.captured_queries
        for table in TABLE_AFTER_FROM_OR_JOIN.findall(query["sql"])
    }


def assert_reads_only_tracked_tables(compute, *, ignore=()):
    """``ignore``: tables read for something that is not part of the cached value (name them in the test)."""
    untracked = tables_read(compute) - tracked_tables() - set(ignore) - {"organisations_dataversion"}
    assert not untracked, f"built from tables whose writes do not change a data version: {sorted(untracked)}"

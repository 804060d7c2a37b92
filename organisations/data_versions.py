"""A token per organisation that changes, in the writing transaction, whenever its data does.

Database triggers change the token, not application code, so every write path is covered without
each remembering to: services, the admin, ``QuerySet.update``, ``bulk_create``, imports, cascading
deletes and raw SQL alike. A value cached under an organisation's token (``cached``) therefore
cannot outlive the organisation's next committed write. Reference data that every organisation's
pages show (the authenticator catalogue, training modules, the RA directory, ICBs) has one token
of its own, scope 0, read in the same query. An RA provider's work (the requests routed to it, as
the triage list shows them) has a scope too, the provider's id negated (``provider_scope``).

A table is tracked by a migration in the app that owns it (``TrackDataVersion``). Tokens are
random rather than counters, so a database restored from a backup, or a test's rolled-back
transaction, never brings back a token that already names other data in the cache.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import caches
from django.db import connection, models
from django.db.migrations.operations.base import Operation
from django.utils import timezone
from django.utils.connection import ConnectionProxy

logger = logging.getLogger(__name__)

REFERENCE_DATA = 0
CACHE_SECONDS = 24 * 60 * 60
# Values and pages kept under data versions have a cache of their own (settings.CACHES["pages"]), so
# however many are kept, they never push the rate limits' counts out of a local-memory cache.
page_cache = ConnectionProxy(caches, "pages")


class DataVersion(models.Model):
    scope = models.BigIntegerField(
        primary_key=True, help_text="The organisation's id, or 0 for reference data every organisation sees."
    )
    token = models.CharField(max_length=32)

    class Meta:
        app_label = "organisations"

    def __str__(self):
        return f"Data version of {self.scope or 'reference data'}: {self.token}"


def provider_scope(provider_id: int) -> int:
    """The scope of the requests routed to an RA provider: negative, so never an organisation's id."""
    return -provider_id


def version_key(organisation_id: int) -> str:
    """The organisation's (or another scope's) and the reference data's tokens, as one string (one query).

    Read it *before* the data a cached value is built from: a write committed in between then
    changes the key, and the value cached under the old key is never read again.
    """
    # Plain SQL: every cached page asks this first, and building the ORM query cost more than running it.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT scope, token FROM organisations_dataversion WHERE scope IN (%s, %s)",
            [organisation_id, REFERENCE_DATA],
        )
        tokens = dict(cursor.fetchall())
    return f"{tokens.get(organisation_id, '-')}.{tokens.get(REFERENCE_DATA, '-')}"


@dataclass(frozen=True)
class ValidUntil:
    """What ``compute`` returns, for ``cached``, when its value changes at a known moment with no write
    (an SLA deadline passing turns a request overdue): the value is not shown from ``moment`` on.

    ``moment`` None: no such moment. Checked against ``timezone.now()`` on every read, never left
    to the cache backend's expiry, so it holds under a test's frozen or travelling clock too.
    """

    value: object
    moment: datetime.datetime | None


def cached(
    name: str,
    organisation_id: int,
    compute: Callable[[], object],
    *,
    parts: tuple = (),
    keep_seconds: int = CACHE_SECONDS,
) -> object:
    """``compute()``, kept in the cache until the organisation's data or the reference data change.
    ``organisation_id`` may be another scope: ``provider_scope(id)`` for a provider's requests.

    ``parts`` are whatever else the value depends on (the day, the viewer's roles, the language).
    ``compute`` may return a ``ValidUntil``: its value is returned, and computed afresh from its moment on.
    ``keep_seconds`` bounds the memory an entry holds, not what it shows: the key does that.
    """
    key = ":".join(
        ["data-version", name, str(organisation_id), version_key(organisation_id), *map(str, parts)]
    )
    try:
        entry = page_cache.get(key)
    except Exception:
        # The cache is a speed-up: with it down (Redis unreachable), pages are worked out afresh.
        logger.exception("Cache unavailable; %s worked out afresh", name)
        entry = None
    if entry is None or _has_passed(entry):
        entry = compute()
        try:
            page_cache.set(key, entry, keep_seconds)
        except Exception:
            logger.exception("Cache unavailable; %s not kept", name)
    return entry.value if isinstance(entry, ValidUntil) else entry


def _has_passed(entry) -> bool:
    return isinstance(entry, ValidUntil) and entry.moment is not None and timezone.now() >= entry.moment


def tracked_tables(*, for_providers: bool = False) -> set[str]:
    """Tables whose writes change an organisation's or the reference data's token, read from the
    database's own triggers; ``for_providers``: those whose writes change a provider's token
    (``TrackDataVersion(provider=True)``, ``TrackShownColumns``)."""
    kinds = ("_data_version_provider_", "_data_version_shown_")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            query = "SELECT event_object_table, trigger_name FROM information_schema.triggers"
        else:
            query = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"
        cursor.execute(query)
        return {
            table
            for table, trigger in cursor.fetchall()
            if "_data_version_" in trigger and any(kind in trigger for kind in kinds) == for_providers
        }


# --- Triggers ------------------------------------------------------------------------------------


IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True)
class Owner:
    """How a row of a tracked table names its organisation."""

    column: str = ""  # the organisation's id on the row itself ("organisation_id"; "id" on organisations)
    parent_table: str = ""  # or through a parent row: ``column`` holds the parent's id
    parent_column: str = "organisation_id"
    provider: bool = False  # ``column`` holds an RA provider's id: the scope is ``provider_scope`` of it

    def __post_init__(self):
        # The names are written into trigger SQL, so only plain identifiers are accepted.
        for name in (self.column, self.parent_table, self.parent_column):
            if name and not IDENTIFIER.fullmatch(name):
                raise ValueError(f"Not a plain SQL identifier: {name!r}")

    @property
    def trigger_label(self) -> str:
        """Names this tracking's triggers apart from the organisation's on the same table."""
        return "provider_" if self.provider else ""

    def scope_sql(self, row: str) -> str:
        """SQL for the scope of ``row`` (a row alias: NEW, OLD or a transition table's alias)."""
        if not self.column:
            return str(REFERENCE_DATA)
        if self.provider:
            return f'COALESCE(-{row}."{self.column}", {REFERENCE_DATA})'
        if self.parent_table:
            return (
                f'COALESCE((SELECT p."{self.parent_column}" FROM "{self.parent_table}" p '  # noqa: S608
                f'WHERE p."id" = {row}."{self.column}"), {REFERENCE_DATA})'
            )
        return f'COALESCE({row}."{self.column}", {REFERENCE_DATA})'


def _postgresql_sql(table: str, owner: Owner) -> tuple[list[str], list[str]]:
    name = f"{table}_data_version_{owner.trigger_label}"
    function = f"{name}fn"

    def bump(rows: str) -> str:
        return (
            "INSERT INTO organisations_dataversion (scope, token) "  # noqa: S608 (identifiers checked)
            "SELECT s.scope, md5(random()::text || clock_timestamp()::text) "
            f"FROM (SELECT DISTINCT {owner.scope_sql('r')} AS scope FROM {rows} r) s ORDER BY s.scope "
            "ON CONFLICT (scope) DO UPDATE SET token = EXCLUDED.token;"
        )

    forwards = [
        f"""CREATE OR REPLACE FUNCTION "{function}"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN {bump("new_rows")}
    ELSIF TG_OP = 'DELETE' THEN {bump("old_rows")}
    ELSE {bump("old_rows")} {bump("new_rows")}
    END IF;
    RETURN NULL;
END $$"""
    ]
    for event, referencing in (
        ("insert", "NEW TABLE AS new_rows"),
        ("update", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("delete", "OLD TABLE AS old_rows"),
    ):
        forwards.append(
            f'CREATE TRIGGER "{name}{event}" AFTER {event.upper()} ON "{table}" '
            f'REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION "{function}"()'
        )
    backwards = [
        *(f'DROP TRIGGER IF EXISTS "{name}{event}" ON "{table}"' for event in ("insert", "update", "delete")),
        f'DROP FUNCTION IF EXISTS "{function}"()',
    ]
    return forwards, backwards


def _sqlite_sql(table: str, owner: Owner) -> tuple[list[str], list[str]]:
    def bump(row: str) -> str:
        return (
            "INSERT INTO organisations_dataversion (scope, token) "  # noqa: S608 (identifiers checked)
            f"VALUES ({owner.scope_sql(row)}, lower(hex(randomblob(16)))) "
            "ON CONFLICT(scope) DO UPDATE SET token = excluded.token;"
        )

    name = f"{table}_data_version_{owner.trigger_label}"
    bodies = {"insert": bump("NEW"), "update": bump("OLD") + " " + bump("NEW"), "delete": bump("OLD")}
    forwards = [
        f'CREATE TRIGGER "{name}{event}" AFTER {event.upper()} ON "{table}" BEGIN {body} END'
        for event, body in bodies.items()
    ]
    backwards = [f'DROP TRIGGER IF EXISTS "{name}{event}"' for event in bodies]
    return forwards, backwards


def trigger_sql(vendor: str, table: str, owner: Owner) -> tuple[list[str], list[str]]:
    """(statements that track ``table``, statements that stop tracking it) for ``vendor``."""
    if not IDENTIFIER.fullmatch(table):
        raise ValueError(f"Not a plain SQL identifier: {table!r}")
    return _for_vendor(vendor, lambda: _postgresql_sql(table, owner), lambda: _sqlite_sql(table, owner))


def _for_vendor(vendor: str, postgresql: Callable, sqlite: Callable) -> tuple[list[str], list[str]]:
    if vendor == "postgresql":
        return postgresql()
    if vendor == "sqlite":
        return sqlite()
    raise NotImplementedError(f"Data version triggers are written for PostgreSQL and SQLite, not {vendor}")


class _TriggerOperation(Operation):
    """A migration operation that adds triggers on the way forwards and drops them on the way back:
    ``trigger_statements(vendor)`` gives (statements that add them, statements that drop them)."""

    reversible = True
    reduces_to_sql = True

    def trigger_statements(self, vendor: str) -> tuple[list[str], list[str]]:
        raise NotImplementedError

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for statement in self.trigger_statements(schema_editor.connection.vendor)[0]:
            schema_editor.execute(statement, params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for statement in self.trigger_statements(schema_editor.connection.vendor)[1]:
            schema_editor.execute(statement, params=None)


class TrackDataVersion(_TriggerOperation):
    """Migration operation: writes to ``table`` change its organisation's token (or, with no owner
    column, the reference data's)."""

    def __init__(
        self,
        table: str,
        column: str = "",
        parent_table: str = "",
        parent_column: str = "organisation_id",
        provider: bool = False,
    ):
        self.table = table
        self.owner = Owner(
            column=column, parent_table=parent_table, parent_column=parent_column, provider=provider
        )

    def deconstruct(self):
        kwargs = {"table": self.table}
        for name in ("column", "parent_table", "parent_column", "provider"):
            if getattr(self.owner, name) != getattr(Owner(), name):
                kwargs[name] = getattr(self.owner, name)
        return self.__class__.__qualname__, [], kwargs

    def trigger_statements(self, vendor: str) -> tuple[list[str], list[str]]:
        return trigger_sql(vendor, self.table, self.owner)

    def describe(self):
        whose = "its provider's" if self.owner.provider else "its organisation's"
        return f"Track writes to {self.table} in {whose} data version"


@dataclass(frozen=True)
class ShownColumns:
    """Columns of ``table`` that a provider's pages show beside its rows of ``child_table`` (an
    organisation's name beside its requests): a change to one of them is a change to that provider's
    work. ``child_column`` on the child row holds the row's id; ``provider_column`` its provider's."""

    table: str
    columns: tuple[str, ...]
    child_table: str
    child_column: str
    provider_column: str = "provider_id"

    def __post_init__(self):
        for name in (self.table, *self.columns, self.child_table, self.child_column, self.provider_column):
            if not IDENTIFIER.fullmatch(name):
                raise ValueError(f"Not a plain SQL identifier: {name!r}")

    @property
    def name(self) -> str:
        return f"{self.table}_data_version_shown_"

    def _providers_of(self, ids_sql: str, random_sql: str) -> str:
        return (
            "INSERT INTO organisations_dataversion (scope, token) "  # noqa: S608 (identifiers checked)
            f"SELECT s.scope, {random_sql} FROM ("
            f'SELECT DISTINCT -c."{self.provider_column}" AS scope FROM "{self.child_table}" c '
            f'WHERE c."{self.child_column}" IN ({ids_sql})) s WHERE true ORDER BY s.scope '
            "ON CONFLICT (scope) DO UPDATE SET token = EXCLUDED.token;"
        )

    def postgresql_sql(self) -> tuple[list[str], list[str]]:
        old = ", ".join(f'o."{column}"' for column in self.columns)
        new = ", ".join(f'n."{column}"' for column in self.columns)
        changed = (
            'SELECT n."id" FROM new_rows n JOIN old_rows o ON o."id" = n."id" '  # noqa: S608 (identifiers checked)
            f"WHERE ({old}) IS DISTINCT FROM ({new})"
        )
        bump = self._providers_of(changed, "md5(random()::text || clock_timestamp()::text)")
        forwards = [
            f"""CREATE OR REPLACE FUNCTION "{self.name}fn"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {bump}
    RETURN NULL;
END $$""",
            f'CREATE TRIGGER "{self.name}update" AFTER UPDATE ON "{self.table}" '
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            f'FOR EACH STATEMENT EXECUTE FUNCTION "{self.name}fn"()',
        ]
        backwards = [
            f'DROP TRIGGER IF EXISTS "{self.name}update" ON "{self.table}"',
            f'DROP FUNCTION IF EXISTS "{self.name}fn"()',
        ]
        return forwards, backwards

    def sqlite_sql(self) -> tuple[list[str], list[str]]:
        changed = " OR ".join(f'OLD."{column}" IS NOT NEW."{column}"' for column in self.columns)
        bump = self._providers_of('NEW."id"', "lower(hex(randomblob(16)))")
        forwards = [
            f'CREATE TRIGGER "{self.name}update" AFTER UPDATE OF {", ".join(self.columns)} ON "{self.table}" '
            f"WHEN {changed} BEGIN {bump} END"
        ]
        return forwards, [f'DROP TRIGGER IF EXISTS "{self.name}update"']


class TrackShownColumns(_TriggerOperation):
    """Migration operation: an UPDATE that changes one of ``columns`` of ``table`` changes the token
    of every provider with a row of ``child_table`` that refers to the updated row (``ShownColumns``).
    Inserts and deletes need no trigger: a new row has no children yet, and deleting one changes
    (or is refused by) its children, whose own triggers fire."""

    def __init__(self, table: str, columns: list[str], child_table: str, child_column: str):
        self.shown = ShownColumns(table, tuple(columns), child_table, child_column)

    def deconstruct(self):
        kwargs = {
            "table": self.shown.table,
            "columns": list(self.shown.columns),
            "child_table": self.shown.child_table,
            "child_column": self.shown.child_column,
        }
        return self.__class__.__qualname__, [], kwargs

    def trigger_statements(self, vendor: str) -> tuple[list[str], list[str]]:
        return _for_vendor(vendor, self.shown.postgresql_sql, self.shown.sqlite_sql)

    def describe(self):
        columns = ", ".join(self.shown.columns)
        return f"Track changes to {columns} of {self.shown.table} in its providers' data versions"

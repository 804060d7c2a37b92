"""Reads whose ORM query is built and compiled to SQL once per database connection.

The plan's reads are a handful of joins whose rows come back in well under a millisecond, while
building and compiling them through the ORM (resolving each ``a__b__c`` path, its joins and its
columns) cost about as much again on every request. A ``CompiledQuery`` does that once and then
runs the SQL with the new parameter, turning the rows into values with the ORM's own converters.
"""

from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

PLACEHOLDER = -7331  # an id no row has: the value every parameter of the built query must be


class CompiledQuery:
    """``build(value)`` gives a query in which ``value`` is its only parameter (each of its
    parameters, when it appears more than once, or none). ``rows(value)`` gives the rows of a
    ``values_list`` query; ``instances(value)`` the model instances of a plain one."""

    def __init__(self, build: Callable[[int], QuerySet]):
        self._build = build

    def _compile(self, connection):
        compiler = self._build(PLACEHOLDER).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        if any(param != PLACEHOLDER for param in params):
            raise ValueError(f"{self._build.__qualname__}: every parameter must be the placeholder")
        return compiler, sql, len(params)

    def rows(self, value: int = PLACEHOLDER) -> list[tuple]:
        compiler, rows = self._run(value)
        return list(compiler.results_iter(results=[rows], tuple_expected=True))

    def instances(self, value: int = PLACEHOLDER) -> list:
        compiler, rows = self._run(value)
        model = compiler.query.model
        attnames = [column.target.attname for column, _, _ in compiler.select]
        alias = compiler.connection.alias
        return [model.from_db(alias, attnames, row) for row in compiler.results_iter(results=[rows])]

    def _run(self, value):
        connection = connections[DEFAULT_DB_ALIAS]
        # Kept on the connection (one per thread), so it goes when a thread's connection does: the
        # compiler refers to its connection, which a dict keyed by connections would keep alive.
        compiled = connection.__dict__.setdefault("_authenticators_compiled_queries", {})
        if self not in compiled:
            compiled[self] = self._compile(connection)
        compiler, sql, count = compiled[self]
        with connection.cursor() as cursor:
            cursor.execute(sql, [value] * count)
            return compiler, cursor.fetchall()

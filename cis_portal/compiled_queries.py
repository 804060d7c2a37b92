"""Reads whose ORM query is built and compiled to SQL once per database connection.

Some pages' reads are a join or two whose rows come back in well under a millisecond, while
building and compiling them through the ORM (resolving each ``a__b__c`` path, its joins and its
columns) cost about as much again on every request. A ``CompiledQuery`` does that once and then
runs the SQL with the new parameters, turning the rows into values or model instances (with
their ``select_related`` relations) with the ORM's own converters and populators.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators

PLACEHOLDER = -7331  # an id no row has: the value every parameter of the built query must be


@dataclass
class _Compiled:
    compiler: object
    sql: str
    positions: list[int]  # which value each of the SQL's parameters takes
    populators: tuple | None = None  # for instances(), worked out when first asked for


class CompiledQuery:
    """``build(*placeholders)`` gives a query whose parameters are all among ``placeholders``
    (``PLACEHOLDER`` unless others are given, e.g. an id and a text); each may appear several
    times, or not at all. ``rows(*values)`` gives the rows of a ``values_list`` query;
    ``instances(*values)`` the model instances of a plain one, with what it ``select_related``.
    ``values`` stand for the placeholders in order; without any, the placeholders themselves.
    """

    def __init__(self, build: Callable[..., QuerySet], placeholders: tuple = (PLACEHOLDER,)):
        self._build = build
        self._placeholders = placeholders

    def _compile(self, connection):
        queryset = self._build(*self._placeholders)
        if queryset._prefetch_related_lookups:
            raise ValueError(f"{self._build.__qualname__}: prefetch_related would be ignored")
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        positions = []
        for param in params:
            matching = [
                index
                for index, placeholder in enumerate(self._placeholders)
                if type(param) is type(placeholder) and param == placeholder
            ]
            if not matching:
                raise ValueError(f"{self._build.__qualname__}: every parameter must be a placeholder")
            positions.append(matching[0])
        return _Compiled(compiler, sql, positions)

    def rows(self, *values) -> list[tuple]:
        compiled, rows = self._run(values)
        return list(compiled.compiler.results_iter(results=[rows], tuple_expected=True))

    def instances(self, *values) -> list:
        compiled, rows = self._run(values)
        if compiled.populators is None:
            compiled.populators = self._populators(compiled.compiler)
        model, start, end, attnames, related = compiled.populators
        alias = compiled.compiler.connection.alias
        instances = []
        for row in compiled.compiler.results_iter(results=[rows]):
            instance = model.from_db(alias, attnames, row[start:end])
            for populator in related:
                populator.populate(row, instance)
            instances.append(instance)
        return instances

    def _populators(self, compiler):
        """What ``ModelIterable`` works out from the compiled query to build each row's instances."""
        if compiler.annotation_col_map:
            raise ValueError(f"{self._build.__qualname__}: instances() does not set annotations")
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        attnames = [column.target.attname for column, _, _ in select[start:end]]
        related = get_related_populators(klass_info, select, compiler.connection.alias)
        return klass_info["model"], start, end, attnames, related

    def _run(self, values):
        values = values or self._placeholders
        if len(values) != len(self._placeholders):
            raise TypeError(f"{self._build.__qualname__}: {len(self._placeholders)} values expected")
        connection = connections[DEFAULT_DB_ALIAS]
        # Kept on the connection (one per thread), so it goes when a thread's connection does: the
        # compiler refers to its connection, which a dict keyed by connections would keep alive.
        compiled = connection.__dict__.setdefault("_compiled_queries", {})
        if self not in compiled:
            compiled[self] = self._compile(connection)
        ours = compiled[self]
        with connection.cursor() as cursor:
            cursor.execute(ours.sql, [values[position] for position in ours.positions])
            return ours, cursor.fetchall()

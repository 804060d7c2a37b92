"""Reads whose ORM query is built and compiled to SQL once per database connection.

Some pages' reads are a join or two whose rows come back in well under a millisecond, while
building and compiling them through the ORM (resolving each ``a__b__c`` path, its joins and its
columns) cost about as much again on every request. A ``CompiledQuery`` does that once and then
runs the SQL with the new parameters, turning the rows into values or model instances (with
their ``select_related`` relations) with the ORM's own converters and populators.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators

PLACEHOLDER = -7331  # an id no row has: the placeholder of a query with one id for a parameter


@dataclass
class _Compiled:
    compiler: object
    sql: str
    # Each of the SQL's parameters: (which value it takes, None) or (None, the query's own constant).
    parameters: list[tuple[int | None, object]]
    populators: tuple | None = None  # for instances(), worked out when first asked for


def _is_date(value) -> bool:
    """A date or time, or the text SQLite's backend turns one into."""
    if isinstance(value, datetime.date):
        return True
    if isinstance(value, str) and value[:1].isdigit():
        try:
            datetime.datetime.fromisoformat(value)
        except ValueError:
            return False
        return True
    return False


def _alternate(placeholder):
    """A second value of the placeholder's type, to tell its parameters from the query's constants."""
    return placeholder - 1_000_003 if isinstance(placeholder, int) else f"{placeholder}-alternate"


class CompiledQuery:
    """``build(*placeholders)`` gives a query whose parameters are ``placeholders`` (``PLACEHOLDER``
    unless others are given: an id and a text, or none, ``()``; each appears at least once) and its
    own constants (``status="open"``). ``rows(*values)`` gives the rows of
    a ``values_list`` query; ``instances(*values)`` the model instances of a plain one, with what it
    ``select_related``. ``values`` stand for the placeholders in order; without any, the
    placeholders themselves.

    The query is built twice, with the placeholders and with other values of their types: a
    parameter that changes is a placeholder's and must be that placeholder exactly (a value the ORM
    changed, such as ``"%value%"`` for ``__contains``, cannot be compiled once), one that does not is
    a constant of the query. A placeholder that is no parameter (a condition the ORM dropped, such
    as ``> -7331`` on a positive field) is refused too.
    """

    def __init__(self, build: Callable[..., QuerySet], placeholders: tuple = (PLACEHOLDER,)):
        self._build = build
        self._placeholders = placeholders
        self._alternates = tuple(_alternate(placeholder) for placeholder in placeholders)
        if len({*placeholders, *self._alternates}) != 2 * len(placeholders):
            raise ValueError("placeholders must differ from each other")

    def _compile(self, connection):
        queryset = self._build(*self._placeholders)
        if queryset._prefetch_related_lookups:
            raise ValueError(f"{self._build.__qualname__}: prefetch_related would be ignored")
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        other_sql, other_params = (
            self._build(*self._alternates).query.get_compiler(connection=connection).as_sql()
        )
        if other_sql != sql or len(other_params) != len(params):
            raise ValueError(f"{self._build.__qualname__}: the SQL must not depend on the values")
        parameters = []
        for param, other in zip(params, other_params, strict=True):
            if type(param) is type(other) and param == other:
                if _is_date(param):
                    # "today" worked out while building would stay in the SQL for the connection's life.
                    raise ValueError(
                        f"{self._build.__qualname__}: a date must be a placeholder, not a constant"
                    )
                parameters.append((None, param))
                continue
            matching = [
                index
                for index, placeholder in enumerate(self._placeholders)
                if type(param) is type(placeholder)
                and param == placeholder
                and other == self._alternates[index]
            ]
            if not matching:
                raise ValueError(f"{self._build.__qualname__}: every parameter must be a placeholder")
            parameters.append((matching[0], None))
        if {index for index, _ in parameters if index is not None} != set(range(len(self._placeholders))):
            raise ValueError(f"{self._build.__qualname__}: every placeholder must be a parameter")
        return _Compiled(compiler, sql, parameters)

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
            params = [constant if index is None else values[index] for index, constant in ours.parameters]
            cursor.execute(ours.sql, params)
            return ours, cursor.fetchall()

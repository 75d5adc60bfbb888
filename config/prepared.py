"""Queries whose SQL is compiled once per database connection; each run binds only new values.

Django builds and compiles a queryset's SQL on every evaluation. For the few
reads every page makes (the session's user, the forum topic page's topic, posts
and tags) compiling cost more CPU than the database spent on them. A
PreparedQuery keeps the statement, never a result: rows are read fresh on every
run, so nothing it returns can be stale. What it needs of the ORM's compiler
is in config.compat.django, with the figures that justify it.
"""

import weakref
from dataclasses import dataclass

from django.db import connections

from config.compat import django as django_compat

# The range of a BigAutoField key: a number outside it names no row, and the
# database would refuse it as a parameter.
MIN_KEY, MAX_KEY = -(2**63), 2**63 - 1


class PreparedQuery:
    """A query whose SQL is compiled once per database connection; each run only binds new values.

    The forum topic page's reads are fixed in shape: only the member, the topic and
    the post numbers change. Django builds and compiles the SQL of a queryset on
    every evaluation, which for the topic query (three annotations, each a
    correlated subquery, and two joins) cost more CPU than everything the database
    did for it. Here ``build`` writes the query once with placeholder values, the compiled
    SQL is kept, and each run substitutes the real values for the placeholders'
    parameters and turns the rows into model instances as a queryset would
    (converters, select_related objects, annotations).

    ``build(**slots)`` receives one placeholder per name: an int for plain
    values, and, for a name ending in ``user``, an object whose ``pk`` is one,
    so the queryset methods that take a member (with_state, with_draft, ...)
    can be used unchanged. A queryset whose SQL would depend on anything but
    those values (a list whose length varies, a value compared in Python) must
    not be prepared: its SQL would be wrong for other values.
    """

    # In range of every integer field (an out-of-range value would change the SQL), and not a value
    # these queries hold as a constant.
    _BASE = 2_000_000_000

    def __init__(self, build, *slots):
        self.build = build
        self.slots = slots
        self._compiled = weakref.WeakKeyDictionary()  # by connection (one per thread and alias)

    def _placeholders(self):
        values = {}
        for i, name in enumerate(self.slots):
            number = self._BASE + i
            values[name] = _Member(number) if name.endswith("user") else number
        return values

    def _compile(self, connection):
        placeholders = self._placeholders()
        compiler, sql, params = django_compat.compile_queryset(self.build(**placeholders), connection)
        numbers = {name: getattr(v, "pk", v) for name, v in placeholders.items()}
        # A parameter may come wrapped for the database (psycopg's Int4 for an integer field on
        # PostgreSQL): each value is wrapped as its placeholder was.
        positions = {
            name: [
                (i, type(p))
                for i, p in enumerate(params)
                if isinstance(p, int) and not isinstance(p, bool) and p == number
            ]
            for name, number in numbers.items()
        }
        unused = [name for name, found in positions.items() if not found]
        if unused:
            raise ValueError(f"Cannot prepare this query: {unused}")
        compiled = _Compiled(
            sql=sql,
            params=list(params),
            positions=positions,
            compiler=compiler,
            reader=django_compat.instance_reader(compiler, connection),
        )
        self._compiled[connection] = compiled
        return compiled

    def _rows(self, using, values):
        connection = connections[using]
        compiled = self._compiled.get(connection) or self._compile(connection)
        params = compiled.params.copy()
        for name, indexes in compiled.positions.items():
            value = values[name]
            value = value.pk if name.endswith("user") else value
            for i, kind in indexes:
                params[i] = value if kind is int else kind(value)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return compiled, django_compat.converted_rows(compiled.compiler, rows)

    def rows(self, using="default", **values) -> list[tuple]:
        """The rows (with the fields' converters applied) of a prepared ``values_list()`` query."""
        return [tuple(row) for row in self._rows(using, values)[1]]

    def run(self, using="default", **values) -> list:
        """The model instances for these values, as ``list(build(**values))`` would give them."""
        compiled, rows = self._rows(using, values)
        return [compiled.reader.instance(using, row) for row in rows]


class _Member:
    """Stands in for a member while a query is prepared: the queryset methods only read ``pk``."""

    def __init__(self, pk):
        self.pk = pk


@dataclass
class _Compiled:
    sql: str
    params: list
    positions: dict
    compiler: object
    reader: django_compat.InstanceReader | None

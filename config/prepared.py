"""Queries whose SQL is compiled once per database connection; each run binds only new values.

Django builds and compiles a queryset's SQL on every evaluation. For the few
reads every page makes (the session's user, the forum topic page's topic, posts
and tags) and for the statements of a forum reply, compiling cost more CPU
than the database spent on them. A PreparedQuery (a read) or PreparedUpdate
keeps the statement, never a result: rows are read fresh on every run, so
nothing it returns can be stale. What it needs of the ORM's compiler
is in config.compat.django, with the figures that justify it.
"""

import weakref
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connections
from django.utils import timezone

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
    can be used unchanged. ``kinds`` names the slots that hold something else:
    ``datetime`` (an aware moment, bound as a DateTimeField binds it) or ``str``
    (text compared or stored as it is). A queryset whose SQL would depend on
    anything but those values (a list whose length varies, a value compared in
    Python, a text transformed by a lookup such as ``icontains``) must not be
    prepared: its SQL would be wrong for other values.
    """

    # In range of every integer field (an out-of-range value would change the SQL), and not a value
    # these queries hold as a constant.
    _BASE = 2_000_000_000
    _BASE_MOMENT = datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)

    def __init__(self, build, *slots, kinds=None):
        self.build = build
        self.slots = slots
        kinds = kinds or {}
        if set(kinds) - set(slots):
            raise ValueError(f"Kinds given for no slot: {sorted(set(kinds) - set(slots))}")
        self.kinds = {name: kinds.get(name, int) for name in slots}
        unknown = set(self.kinds.values()) - {int, datetime, str}
        if unknown:
            raise ValueError(f"Slots can hold int, datetime or str, not {unknown}")
        self._compiled = weakref.WeakKeyDictionary()  # by connection (one per thread and alias)

    def _placeholders(self):
        values = {}
        for i, name in enumerate(self.slots):
            kind = self.kinds[name]
            if kind is datetime:
                values[name] = self._BASE_MOMENT + timedelta(seconds=i)
            elif kind is str:
                values[name] = f"prepared-slot-{i}-of-{len(self.slots)}"
            else:
                number = self._BASE + i
                values[name] = _Member(number) if name.endswith("user") else number
        return values

    def _statement(self, placeholders, connection):
        """The compiler, SQL and parameters of the query built with ``placeholders``."""
        return django_compat.compile_queryset(self.build(**placeholders), connection)

    def _compile(self, connection):
        placeholders = self._placeholders()
        compiler, sql, params = self._statement(placeholders, connection)
        bound = {name: self._bind(name, v, connection) for name, v in placeholders.items()}
        # A parameter may come wrapped for the database (psycopg's Int4 for an integer field on
        # PostgreSQL): each value is wrapped as its placeholder was.
        positions = {
            name: [(i, type(p)) for i, p in enumerate(params) if _is(p, value)]
            for name, value in bound.items()
        }
        unused = [name for name, found in positions.items() if not found]
        if unused:
            raise ValueError(f"Cannot prepare this query: {unused}")
        compiled = _Compiled(
            sql=sql,
            params=list(params),
            positions=positions,
            compiler=compiler,
            reader=self._reader(compiler, connection),
            converters=self._converters(compiler),
        )
        self._compiled[connection] = compiled
        return compiled

    def _reader(self, compiler, connection):
        return django_compat.instance_reader(compiler, connection)

    def _converters(self, compiler):
        return django_compat.row_converters(compiler)

    def _bind(self, name, value, connection):
        """``value`` as the database receives it for this slot."""
        kind = self.kinds[name]
        if kind is datetime:
            if value is None or timezone.is_naive(value):
                raise ValueError(f"{name} must be an aware datetime")
            return connection.ops.adapt_datetimefield_value(value)
        if kind is str:
            if not isinstance(value, str):
                raise ValueError(f"{name} must be text")
            return value
        return value.pk if name.endswith("user") else value

    def _execute(self, using, values):
        """Run the statement with ``values``; the caller reads the returned cursor and closes it."""
        connection = connections[using]
        compiled = self._compiled.get(connection) or self._compile(connection)
        params = compiled.params.copy()
        for name, indexes in compiled.positions.items():
            value = self._bind(name, values[name], connection)
            for i, kind in indexes:
                params[i] = value if kind in (int, str) or isinstance(value, kind) else kind(value)
        cursor = connection.cursor()
        try:
            cursor.execute(compiled.sql, params)
        except BaseException:
            cursor.close()
            raise
        return compiled, cursor

    def _rows(self, using, values):
        compiled, cursor = self._execute(using, values)
        with cursor:
            rows = cursor.fetchall()
        return compiled, django_compat.converted_rows(compiled.compiler, rows, compiled.converters)

    def rows(self, using="default", **values) -> list[tuple]:
        """The rows (with the fields' converters applied) of a prepared ``values_list()`` query."""
        return [tuple(row) for row in self._rows(using, values)[1]]

    def run(self, using="default", **values) -> list:
        """The model instances for these values, as ``list(build(**values))`` would give them."""
        compiled, rows = self._rows(using, values)
        return [compiled.reader.instance(using, row) for row in rows]


class PreparedUpdate(PreparedQuery):
    """An UPDATE whose SQL is compiled once per connection: ``build(**slots)`` gives ``(queryset, values)``
    and ``run(**values)`` does ``queryset.update(**values)``, returning the number of rows changed.

    A reply writes its topic, category and watch state with F() expressions,
    Greatest and Case; compiling those three statements cost the request more
    CPU than the database spent running them. Only a plain update can be
    prepared: one table, no parent model's fields. As with QuerySet.update, no
    signal is sent and no ``save()`` runs.
    """

    def _statement(self, placeholders, connection):
        queryset, values = self.build(**placeholders)
        return django_compat.compile_update(queryset, values, connection)

    def _reader(self, compiler, connection):
        return None

    def _converters(self, compiler):
        return {}

    def run(self, using="default", **values) -> int:
        _compiled, cursor = self._execute(using, values)
        with cursor:
            return cursor.rowcount

    def rows(self, using="default", **values):
        raise TypeError("An update has no rows: use run()")


def _is(param, value) -> bool:
    """Whether a compiled parameter is this placeholder's value (not a bool that equals 1, nor a
    number that equals a moment)."""
    if isinstance(value, int):
        return isinstance(param, int) and not isinstance(param, bool) and param == value
    return type(param) is type(value) and param == value


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
    converters: dict

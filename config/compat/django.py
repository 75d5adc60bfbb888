"""Django internals Commons uses: compiling a queryset once and reading its rows as Django would.

config.prepared keeps the SQL of a few fixed-shape reads per database
connection and runs it again with new values. Building model instances from
those rows as the queryset would (field converters, ``select_related``
objects, annotations) needs the ORM's compiler: its ``klass_info``,
``select`` and ``annotation_col_map``, ``get_converters`` and
``apply_converters`` for the converters, and ``get_related_populators`` for
the joined objects. config.sessions overrides the database session store's
``_get_session_from_db``. None of it is documented API; all of it is here or
named here, and checked in tests/test_compat.py.

Why (measured in-process on SQLite, a forum topic with 25 replies, median of
300 calls, on the shared 2-core machine at a load of 11 to 19, 2026-12-07;
bench/README.md, "Readings behind the code", config/compat):
evaluating the querysets each time against running the kept statement,

| read | queryset | prepared |
| --- | ---: | ---: |
| the session's user (members.backends) | 1.36 ms | 0.07 ms |
| the topic with the member's state (forum.views) | 7.49 ms | 0.15 ms |
| the page's 20 posts | 1.26 ms | 0.26 ms |
| the topic's tags | 0.36 ms | 0.04 ms |
| the unread notification count (forum_tags) | 0.36 ms | 0.02 ms |

About 10 ms of CPU a topic page request. The forum bench's target is 115
req/s on 2 gunicorn workers, at most about 17 ms of CPU a request; the page
takes about 6 to 7 ms now (bench/README.md, forum), so without the kept
statements it would sit at or under the target on PostgreSQL.

A forum reply's statements (forum.reply_statements; PostgreSQL 15, in-process,
500 runs each inside one transaction, load under 1.2, 2026-12-07 23:40 UTC),
compiled each time against kept: the locked topic 0.32 / 0.11 ms, the
double-click check 0.52 / 0.09, the topic's update 0.30 / 0.07, the category's
0.33 / 0.07, the watch state's 0.42 / 0.06, the draft (a delete, against a
look-up) 0.27 / 0.07: 1.7 ms of CPU a reply, on a request of about 5 ms.

tests/test_compat.py checks Django's version and every name and signature
used here.
"""

from dataclasses import dataclass, field

from django.db.models.query import get_related_populators
from django.db.models.sql import UpdateQuery


def compile_queryset(queryset, connection):
    """The compiler of ``queryset`` for ``connection``, with its SQL and parameters."""
    compiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    if compiler.has_extra_select:
        # extra() columns sit between the model's and would shift every position read below.
        raise ValueError("Cannot prepare a query with extra select columns")
    return compiler, sql, params


def compile_update(queryset, values, connection):
    """The compiler, SQL and parameters of ``queryset.update(**values)``, without running it.

    What QuerySet.update does up to executing, for a plain update: one table, no
    fields of a parent model (those are further statements, "related updates"),
    no slice and no ordering by an annotation.
    """
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(values)
    if query.related_updates or query.is_sliced or query.order_by:
        raise ValueError("Cannot prepare an update of more than one table, a slice or an ordering")
    query.clear_select_clause()
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    return compiler, sql, params


@dataclass
class InstanceReader:
    """How to turn one row of the compiled statement into the instance the queryset would give."""

    model: type
    model_slice: tuple
    init_list: list
    related: list = field(default_factory=list)
    annotations: list = field(default_factory=list)

    def instance(self, using, row):
        start, end = self.model_slice
        obj = self.model.from_db(using, self.init_list, row[start:end])
        for populator in self.related:
            populator.populate(row, obj)
        for name, position in self.annotations:
            setattr(obj, name, row[position])
        return obj


def instance_reader(compiler, connection):
    """An InstanceReader for a compiled model query; None for a ``values_list()`` query (plain rows)."""
    klass_info, select = compiler.klass_info, compiler.select
    if klass_info is None:
        return None
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return InstanceReader(
        model=klass_info["model"],
        model_slice=(start, end),
        init_list=[f[0].target.attname for f in select[start:end]],
        related=get_related_populators(klass_info, select, connection.alias),
        annotations=list(compiler.annotation_col_map.items()),
    )


def row_converters(compiler):
    """The field converters of each column of a compiled query, worked out once for the statement.

    QuerySet iteration (SQLCompiler.results_iter) works them out again for every
    run; for a kept statement, whose columns never change, once is enough.
    """
    fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
    if compiler.has_composite_fields(fields):
        raise ValueError("Cannot prepare a query that reads a composite primary key")
    return compiler.get_converters(fields)


def converted_rows(compiler, rows, converters):
    """The fetched ``rows`` with each field's database converters applied, as the queryset's are."""
    return compiler.apply_converters(rows, converters) if converters else rows

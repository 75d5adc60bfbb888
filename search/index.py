"""The index's public API: add, replace and remove documents, and search them.

Writes are plain upserts and deletes on the entry table; the full-text side
follows by trigger on SQLite and by generated column on PostgreSQL. A read is
one SQL query whatever the number of hits: counts per kind and one ranked page
with snippets. Only each kind's newest RANK_WINDOW hits are ranked and paged
(search.fulltext says why); when a kind has more, the page says so and, since
the engines stop reading there, shows its count as "1,000+". The visitor's
scopes are part of the WHERE clause, so they apply before the window.

Ranking thousands of hits is the expensive part, and the same searches come
back again and again, so a result page is cached under the index version
(which every write through this module, and every term saved, raises) and
the visitor's scopes; a cached page is served only after one query by primary
key confirms each of its hits still exists in those scopes.
"""

import hashlib
import itertools
from collections.abc import Iterable
from datetime import UTC

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from config import cache_versions
from search.documents import IndexDocument
from search.fulltext import FTS_TABLE, MARK_END, MARK_START, RANK_WINDOW, Filters, engine_for
from search.models import IndexEntry
from search.query_terms import parse_query
from search.registry import allowed_scopes, label_for, scope_prefix_of
from search.results import KindFacet, SearchPage, SearchResult, highlighted

BATCH_SIZE = 1000
# Result pages are cached under the index version (see index_changed); this bounds the rest.
RESULTS_TTL = 300
VERSION_KEY = "search:index-version"
# Nine columns a row: 100 rows stay under SQLite's 999 parameters on old builds.
ROWS_PER_STATEMENT = 100
MAX_PER_PAGE = 100
# PostgreSQL refuses a tsvector over 1 MB; nobody reads a snippet that deep.
MAX_TEXT_CHARS = 100_000
# kind and key identify an entry; the rest is replaced on upsert.
_COLUMNS = ("kind", "key", "title", "text", "url", "topics", "scope", "updated_at", "expires_at")
# NUL is refused by PostgreSQL; the sentinels would forge <mark> tags.
_STRIP = str.maketrans("", "", f"\x00{MARK_START}{MARK_END}")


def _slugs(values) -> tuple[str, ...]:
    """Topic slugs, deduplicated, without blanks or whitespace (which would break " slug " matching)."""
    if isinstance(values, str):
        values = [values]
    slugs = (str(value).strip() for value in values or ())
    return tuple(dict.fromkeys(slug for slug in slugs if slug and not any(c.isspace() for c in slug)))


def _clean(value, limit=None) -> str:
    value = str(value or "").translate(_STRIP)
    return value[:limit] if limit else value


def _row(doc: IndexDocument, now) -> tuple:
    """The entry's column values in _COLUMNS order, checked and cleaned."""
    for name, limit in (("kind", 40), ("key", 200), ("scope", 100), ("url", 500)):
        value = getattr(doc, name)
        if not value or len(str(value)) > limit:
            raise ValueError(f"IndexDocument.{name} must be 1 to {limit} characters: {value!r:.60}")
    prefix = scope_prefix_of(doc.kind)
    if prefix and not doc.scope.startswith(prefix):
        # Search skips the kind for visitors without such a scope (search.fulltext).
        raise ValueError(f"A {doc.kind} entry's scope must start with {prefix!r}: {doc.scope!r:.60}")
    slugs = sorted(_slugs(doc.topics))
    return (
        doc.kind,
        str(doc.key),
        _clean(doc.title, 300),
        _clean(doc.text, MAX_TEXT_CHARS),
        doc.url,
        f" {' '.join(slugs)} " if slugs else "",
        doc.scope,
        doc.updated_at or now,
        doc.expires_at,
    )


def _upsert_sql(connection, rows: int) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in _COLUMNS)
    updates = ", ".join(f"{quote(name)} = EXCLUDED.{quote(name)}" for name in _COLUMNS[2:])
    values = ", ".join([f"({', '.join(['%s'] * len(_COLUMNS))})"] * rows)
    return (
        # Quoted identifiers and placeholders only; the values are parameters.
        f"INSERT INTO {quote(IndexEntry._meta.db_table)} ({columns}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT ({quote('kind')}, {quote('key')}) DO UPDATE SET {updates}"
    )


def index_document(doc: IndexDocument) -> None:
    """Add the document, or replace the one with the same kind and key."""
    index_documents([doc])


def index_documents(docs: Iterable[IndexDocument]) -> int:
    """Upsert many documents in batches, in one transaction; returns how many were written.

    Within a batch the last document for a (kind, key) wins, as it would one by
    one. Rows go in as multi-row INSERT … ON CONFLICT statements rather than
    through bulk_create: building 200,000 model instances and their SQL took
    four fifths of a full reindex's time, and one statement per row spends it
    on round trips to PostgreSQL instead.
    """
    alias = router.db_for_write(IndexEntry)
    connection = connections[alias]
    adapt = connection.ops.adapt_datetimefield_value
    statements = {}
    now = timezone.now()
    written = 0
    docs = iter(docs)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        while batch := list(itertools.islice(docs, BATCH_SIZE)):
            # One statement may not touch a row twice (PostgreSQL refuses), so
            # duplicates are settled here: the last one wins.
            rows = list({row[:2]: row for row in (_row(doc, now) for doc in batch)}.values())
            for start in range(0, len(rows), ROWS_PER_STATEMENT):
                chunk = rows[start : start + ROWS_PER_STATEMENT]
                if len(chunk) not in statements:
                    statements[len(chunk)] = _upsert_sql(connection, len(chunk))
                cursor.execute(
                    statements[len(chunk)],
                    [value for row in chunk for value in (*row[:-2], adapt(row[-2]), adapt(row[-1]))],
                )
            written += len(rows)
        if written:
            index_changed()
    return written


def optimize_index() -> None:
    """Tidy up after a large load: merge FTS5's segments on SQLite, refresh planner statistics on PostgreSQL.

    Without fresh statistics PostgreSQL plans a search over a just-loaded table
    as if it held a handful of rows; autovacuum gets there eventually.
    """
    connection = connections[router.db_for_write(IndexEntry)]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")  # noqa: S608
        elif connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {IndexEntry._meta.db_table}")


def remove_document(kind: str, key) -> None:
    if IndexEntry.objects.filter(kind=kind, key=str(key)).delete()[0]:
        index_changed()


def remove_kind(kind: str) -> int:
    removed = IndexEntry.objects.filter(kind=kind).delete()[0]
    if removed:
        index_changed()
    return removed


def replace_kind(kind: str, docs: Iterable[IndexDocument]) -> int:
    """Swap every document of a kind for these, atomically: searches see the old set or the new one."""
    with transaction.atomic(using=router.db_for_write(IndexEntry)):
        remove_kind(kind)
        return index_documents(doc for doc in docs if doc.kind == kind)


class _RankedHits:
    """The hits as a lazily sliced sequence, so Django's Paginator can page them.

    ``first`` is the window already fetched with the counts; a paginator that
    asks for it gets it without another query.
    """

    def __init__(self, connection, terms, filters, total, first=None):
        self.connection, self.terms, self.filters, self.total = connection, terms, filters, total
        self.first = first or {}

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, window: slice):
        limit = window.stop - window.start
        if not self.total or limit <= 0:
            return []
        if (window.start, window.stop) in self.first:
            return self.first[(window.start, window.stop)]
        with self.connection.cursor() as cursor:
            rows = engine_for(self.connection).ranked_hits(
                cursor, self.terms, self.filters, limit, window.start
            )
        return [(row[0], _result(row)) for row in rows]


def _result(row) -> SearchResult:
    _pk, kind, key, title, url, topics, updated_at, title_hl, snippet, rank = row
    if isinstance(updated_at, str):
        updated_at = parse_datetime(updated_at)
    if updated_at is not None and timezone.is_naive(updated_at):
        # SQLite stores UTC without an offset.
        updated_at = timezone.make_aware(updated_at, UTC)
    return SearchResult(
        kind=kind,
        kind_label=label_for(kind),
        key=key,
        title=title,
        title_html=highlighted(title_hl or title),
        url=url,
        snippet=highlighted(snippet),
        topics=tuple(topics.split()),
        rank=float(rank or 0.0),
        updated_at=updated_at,
    )


def index_version() -> int:
    """A number every write to the index raises: cached result pages name the one they were read at."""
    return cache_versions.current(VERSION_KEY)


def index_changed(*args, **kwargs) -> None:
    """Forget cached result pages: now, and again at commit (a search in between read the old rows)."""
    cache_versions.bump(VERSION_KEY)


def _cache_key(query, terms, filters, page, per_page) -> str:
    # The visitor's scopes are part of the key: a page cached for members never answers anyone else.
    what = repr((str(query), terms.words, terms.prefix_last, filters, str(page)[:20], per_page))
    return f"search:results:{index_version()}:{hashlib.sha256(what.encode()).hexdigest()[:40]}"


def _still_visible(ids, scopes) -> bool:
    """Whether every entry of a cached page still exists, unexpired, in one of these scopes (one query).

    Apps may change an entry's scope with a plain UPDATE (the forum does when a
    category's permissions change), which no version number hears of; this
    check means such a change can never show a cached hit to the wrong visitor.
    """
    if not ids:
        return True
    unexpired = Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    return IndexEntry.objects.filter(unexpired, pk__in=ids, scope__in=scopes).count() == len(ids)


def _as_tuple(values) -> tuple[str, ...]:
    if not values:
        return ()
    if isinstance(values, str):
        values = [values]
    return tuple(dict.fromkeys(str(value) for value in values if value))


def search(query, *, user, kinds=None, topics=None, scopes=None, page=1, per_page=20) -> SearchPage:
    """One page of what this visitor may see that matches the query.

    ``scopes`` narrows the search to some scopes (a forum category's, say); it
    never widens it: only scopes the visitor is allowed count, and if none of
    the asked-for scopes is allowed the page is empty. None means every allowed scope.

    Never raises for anything a visitor can type: a rejected query comes back
    with ``error`` set, an unusable page number is read as the nearest page.
    """
    terms = parse_query(query)
    kinds = _as_tuple(kinds)
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    if not terms:
        return SearchPage(query=str(query or ""), kinds=kinds, per_page=per_page, error=terms.error)

    allowed = allowed_scopes(user)
    if scopes is not None:
        allowed = allowed & frozenset(_as_tuple(scopes))
        if not allowed:
            return SearchPage(query=str(query), kinds=kinds, per_page=per_page, searched=True)
    connection = connections[router.db_for_read(IndexEntry)]
    filters = Filters(
        scopes=tuple(sorted(allowed)),
        kinds=kinds,
        topics=_slugs(topics),
        now=connection.ops.adapt_datetimefield_value(timezone.now()),
    )
    key = _cache_key(query, terms, filters, page, per_page)
    cached = cache.get(key)
    if cached is not None and _still_visible(cached[1], filters.scopes):
        return cached[0]
    found, ids = _search(query, terms, filters, kinds, page, per_page)
    cache.set(key, (found, ids), RESULTS_TTL)
    return found


def _search(query, terms, filters, kinds, page, per_page) -> tuple[SearchPage, list[int]]:
    connection = connections[router.db_for_read(IndexEntry)]
    # The page asked for, read as Paginator.get_page will; counts and that page come in one
    # query. Only a page past the end (shown as the last page) costs a second one.
    try:
        # Capped: a huge number would overflow the OFFSET; the paginator shows the last page anyway.
        number = min(max(1, int(page)), 100_000)
    except (TypeError, ValueError, OverflowError):
        number = 1
    start = (number - 1) * per_page
    with connection.cursor() as cursor:
        counts, rows = engine_for(connection).counts_and_page(cursor, terms, filters, per_page, start)
    # Only each kind's newest RANK_WINDOW hits are ranked, so only they can be paged; the
    # engines stop one past the window, so such a kind's count is a floor ("1,000+").
    capped = tuple(sorted(kind for kind, n in counts.items() if n > RANK_WINDOW))
    counts = {kind: min(n, RANK_WINDOW) for kind, n in counts.items()}
    total = sum(n for kind, n in counts.items() if not kinds or kind in kinds)
    window = (start, min(start + per_page, total))
    first = {window: [(row[0], _result(row)) for row in rows]}

    paginator = Paginator(_RankedHits(connection, terms, filters, total, first), per_page)
    current = paginator.get_page(page)
    rows = list(current.object_list)
    found = SearchPage(
        query=str(query),
        results=[result for _pk, result in rows],
        total=total,
        kind_counts=counts,
        facets=[
            KindFacet(
                kind=kind, label=label_for(kind), count=n, selected=kind in kinds, capped=kind in capped
            )
            for kind, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ],
        kinds=kinds,
        page=current.number,
        num_pages=paginator.num_pages,
        per_page=per_page,
        page_range=list(paginator.get_elided_page_range(current.number, on_each_side=2, on_ends=1)),
        searched=True,
        capped_kinds=capped,
        rank_window=RANK_WINDOW,
    )
    return found, [pk for pk, _result in rows]

"""The full-text SQL for each database: SQLite FTS5 and PostgreSQL tsvector.

Both engines answer the same two questions with the visitor's scopes inside
the WHERE clause: how many hits per kind, and one page of ranked hits with a
highlighted title and snippet. Highlights come back wrapped in private-use
sentinel characters; search.results turns them into <mark> after escaping.

The SQL is assembled from constants and %s placeholders only: everything a
visitor typed, and every scope, kind and topic, travels as a parameter (hence
the S608 waivers).
"""

import json
from dataclasses import dataclass

from search.query_terms import SearchTerms

MARK_START = "\ue000"
MARK_END = "\ue001"
ELLIPSIS = "…"
TABLE = "sitesearch_indexentry"
FTS_TABLE = "sitesearch_indexentry_fts"
SNIPPET_WORDS = 28


@dataclass(frozen=True)
class Filters:
    scopes: tuple[str, ...]
    kinds: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


class _Engine:
    substring_fn = ""

    def where(self, filters: Filters, *, with_kinds: bool) -> tuple[str, list]:
        clauses = [f"e.scope IN ({', '.join(['%s'] * len(filters.scopes))})"]
        params = list(filters.scopes)
        if with_kinds and filters.kinds:
            clauses.append(f"e.kind IN ({', '.join(['%s'] * len(filters.kinds))})")
            params.extend(filters.kinds)
        if filters.topics:
            clauses.append(
                "(" + " OR ".join([f"{self.substring_fn}(e.topics, %s) > 0"] * len(filters.topics)) + ")"
            )
            params.extend(f" {topic} " for topic in filters.topics)
        return " AND ".join(clauses), params

    @staticmethod
    def kind_filter(filters: Filters, column: str) -> tuple[str, list]:
        if not filters.kinds:
            return "1 = 1", []
        return f"{column} IN ({', '.join(['%s'] * len(filters.kinds))})", list(filters.kinds)


def _split(rows) -> tuple[dict, list]:
    """The counts per kind (a JSON object repeated on every row) and the page's rows."""
    if not rows:
        return {}, []
    counts = json.loads(rows[0][0] or "{}")
    return counts, [row[1:] for row in rows if row[1] is not None]


class SQLiteEngine(_Engine):
    substring_fn = "instr"
    # bm25 column weights: a hit in the title counts ten times one in the text.
    rank = f"bm25({FTS_TABLE}, 10.0, 1.0)"

    @staticmethod
    def match_expression(terms: SearchTerms) -> str:
        # Each word is quoted, so FTS5 reads it as a string, never an operator;
        # words hold no quote characters (query_terms keeps letters and digits).
        quoted = [f'"{word}"' for word in terms.words]
        if terms.prefix_last:
            quoted[-1] += "*"
        return " ".join(quoted)

    def count_by_kind(self, cursor, terms, filters):
        where, params = self.where(filters, with_kinds=False)
        cursor.execute(
            f"SELECT e.kind, COUNT(*) FROM {FTS_TABLE} JOIN {TABLE} e ON e.id = {FTS_TABLE}.rowid "  # noqa: S608
            f"WHERE {FTS_TABLE} MATCH %s AND {where} GROUP BY e.kind",
            [self.match_expression(terms), *params],
        )
        return dict(cursor.fetchall())

    def counts_and_page(self, cursor, terms, filters, limit, offset):
        """Hits per kind, then one ranked page: two statements (FTS5 reads its index, not each row)."""
        counts = self.count_by_kind(cursor, terms, filters)
        if not any(n for kind, n in counts.items() if not filters.kinds or kind in filters.kinds):
            return counts, []
        return counts, self.ranked_hits(cursor, terms, filters, limit, offset)

    def ranked_hits(self, cursor, terms, filters, limit, offset):
        where, params = self.where(filters, with_kinds=True)
        match = self.match_expression(terms)
        # Rank and page first, then highlight only the page's rows: snippet()
        # is the expensive part and must not run for every hit.
        cursor.execute(
            f"""
            WITH page AS (
                SELECT {FTS_TABLE}.rowid AS id, {self.rank} AS score
                FROM {FTS_TABLE} JOIN {TABLE} e ON e.id = {FTS_TABLE}.rowid
                WHERE {FTS_TABLE} MATCH %s AND {where}
                ORDER BY score, e.id LIMIT %s OFFSET %s
            )
            SELECT e.id, e.kind, e.key, e.title, e.url, e.topics, e.updated_at,
                   highlight({FTS_TABLE}, 0, %s, %s),
                   snippet({FTS_TABLE}, 1, %s, %s, %s, {SNIPPET_WORDS}),
                   -page.score
            FROM page
            JOIN {FTS_TABLE} ON {FTS_TABLE}.rowid = page.id
            JOIN {TABLE} e ON e.id = page.id
            -- Without the rowid list SQLite would run the MATCH over every hit again.
            WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid IN (SELECT id FROM page)
            ORDER BY page.score, e.id
            """,  # noqa: S608
            [match, *params, limit, offset, MARK_START, MARK_END, MARK_START, MARK_END, ELLIPSIS, match],
        )
        return cursor.fetchall()


class PostgresEngine(_Engine):
    substring_fn = "strpos"
    headline_options = (
        f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords={SNIPPET_WORDS}, MinWords=12, '
        f'MaxFragments=2, FragmentDelimiter=" {ELLIPSIS} "'
    )
    title_options = f'StartSel="{MARK_START}", StopSel="{MARK_END}", HighlightAll=true'

    @staticmethod
    def tsquery(terms: SearchTerms) -> tuple[str, list]:
        """The tsquery SQL and its parameters: whole words via websearch_to_tsquery, the last as a prefix."""
        whole = terms.words[:-1] if terms.prefix_last else terms.words
        parts, params = [], []
        if whole:
            # Quoted, so "or" and "-" are words, not websearch operators.
            parts.append("websearch_to_tsquery('english', %s)")
            params.append(" ".join(f'"{word}"' for word in whole))
        if terms.prefix_last:
            parts.append("to_tsquery('english', %s)")
            params.append(f"'{terms.words[-1]}':*")
        return " && ".join(parts), params

    def count_by_kind(self, cursor, terms, filters):
        where, params = self.where(filters, with_kinds=False)
        tsquery, query_params = self.tsquery(terms)
        cursor.execute(
            f"SELECT e.kind, COUNT(*) FROM {TABLE} e "  # noqa: S608
            f"WHERE e.search_vector @@ ({tsquery}) AND {where} GROUP BY e.kind",
            [*query_params, *params],
        )
        return dict(cursor.fetchall())

    def counts_and_page(self, cursor, terms, filters, limit, offset):
        """Hits per kind and one ranked page in one statement.

        With a common word nearly every row matches and the planner scans the
        table, reading each row's tsvector: counting and ranking in two
        statements read them all twice.
        """
        where, params = self.where(filters, with_kinds=False)
        kinds, kind_params = self.kind_filter(filters, column="kind")
        tsquery, query_params = self.tsquery(terms)
        cursor.execute(
            f"""
            WITH query AS (SELECT {tsquery} AS q),
            hits AS MATERIALIZED (
                SELECT e.id, e.kind, ts_rank(e.search_vector, query.q) AS score
                FROM {TABLE} e, query
                WHERE e.search_vector @@ query.q AND {where}
            ),
            page AS (
                SELECT id, score FROM hits WHERE {kinds} ORDER BY score DESC, id LIMIT %s OFFSET %s
            ),
            counts AS (
                SELECT COALESCE(json_object_agg(kind, n), '{{}}'::json)::text AS counts
                FROM (SELECT kind, COUNT(*) AS n FROM hits GROUP BY kind) per_kind
            )
            SELECT counts.counts, e.id, e.kind, e.key, e.title, e.url, e.topics, e.updated_at,
                   ts_headline('english', e.title, query.q, %s),
                   ts_headline('english', e.text, query.q, %s),
                   page.score
            FROM counts CROSS JOIN query
            LEFT JOIN page ON true
            LEFT JOIN {TABLE} e ON e.id = page.id
            ORDER BY page.score DESC, e.id
            """,  # noqa: S608
            [
                *query_params,
                *params,
                *kind_params,
                limit,
                offset,
                self.title_options,
                self.headline_options,
            ],
        )
        return _split(cursor.fetchall())

    def ranked_hits(self, cursor, terms, filters, limit, offset):
        where, params = self.where(filters, with_kinds=True)
        tsquery, query_params = self.tsquery(terms)
        # Rank and page first; ts_headline re-parses the text, so it runs for
        # the page's rows only.
        cursor.execute(
            f"""
            WITH query AS (SELECT {tsquery} AS q),
            page AS (
                SELECT e.id, ts_rank(e.search_vector, query.q) AS score
                FROM {TABLE} e, query
                WHERE e.search_vector @@ query.q AND {where}
                ORDER BY score DESC, e.id LIMIT %s OFFSET %s
            )
            SELECT e.id, e.kind, e.key, e.title, e.url, e.topics, e.updated_at,
                   ts_headline('english', e.title, query.q, %s),
                   ts_headline('english', e.text, query.q, %s),
                   page.score
            FROM page JOIN {TABLE} e ON e.id = page.id, query
            ORDER BY page.score DESC, e.id
            """,  # noqa: S608
            [*query_params, *params, limit, offset, self.title_options, self.headline_options],
        )
        return cursor.fetchall()


def engine_for(connection) -> _Engine:
    if connection.vendor == "postgresql":
        return PostgresEngine()
    if connection.vendor == "sqlite":
        return SQLiteEngine()
    raise NotImplementedError(f"Site search supports SQLite and PostgreSQL, not {connection.vendor}.")

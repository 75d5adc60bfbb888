"""The full-text SQL for each database: SQLite FTS5 and PostgreSQL tsvector.

Both engines answer the same two questions with the visitor's scopes inside
the WHERE clause: how many hits per kind, and one page of ranked hits with a
highlighted title and snippet. Ranking reads every hit's text statistics, so
it is bounded: each kind's newest RANK_WINDOW hits are ranked and the rest
are not read at all (both engines walk each kind newest first and stop one
past the window, so a count past it is a floor, shown as "1,000+").
Highlights come back wrapped in private-use sentinel characters;
search.results turns them into <mark> after escaping.

The SQL is assembled from constants and %s placeholders only: everything a
visitor typed, and every scope, kind and topic, travels as a parameter (hence
the S608 waivers).
"""

import json
from dataclasses import dataclass, field

from search.query_terms import SearchTerms
from search.registry import large_kinds, providers, scope_prefix_of

MARK_START = "\ue000"
MARK_END = "\ue001"
ELLIPSIS = "…"
TABLE = "sitesearch_indexentry"
FTS_TABLE = "sitesearch_indexentry_fts"
SNIPPET_WORDS = 28
# Hits ranked per kind: the newest this many matches of each kind. A word in a
# quarter of a million forum posts cannot be ranked whole within a page's time
# budget; counts above it are reported as "more than".
RANK_WINDOW = 1000
# A large kind's probe on PostgreSQL (PostgresEngine._windows): its newest this
# many entries, and the visible matches among them from which walking the kind
# newest first beats the GIN index (see bench/README.md, "Readings behind the
# code", search).
PROBE_ROWS = 1000
COMMON_IN_PROBE = 40


@dataclass(frozen=True)
class Filters:
    scopes: tuple[str, ...]
    kinds: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    # The moment of the search, as the database stores it: entries that expired by then are left out.
    # Not part of the repr, so cached result pages (keyed on it) outlive the second; a cached
    # page is re-checked for expiry before it is served (search.index).
    now: object = field(default=None, repr=False, compare=False)


class _Engine:
    substring_fn = ""

    def where(self, filters: Filters, *, with_kinds: bool) -> tuple[str, list]:
        clauses = [f"e.scope IN ({', '.join(['%s'] * len(filters.scopes))})"]
        params = list(filters.scopes)
        if filters.now is not None:
            clauses.append("(e.expires_at IS NULL OR e.expires_at > %s)")
            params.append(filters.now)
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


def searched_kinds(filters: Filters) -> tuple[str, ...]:
    """The kinds to build windows for: every registered kind (facets count them all), and those asked.

    A kind whose scope prefix matches none of the visitor's scopes is left out:
    they may see none of its entries, and its arm would read them all to find
    that out (an anonymous search on the forum bench's 1.1 M entries took 0.8
    to 1 s walking forum posts).
    """
    kinds = dict.fromkeys([*providers(), *filters.kinds])
    return tuple(
        kind
        for kind in kinds
        if not (prefix := scope_prefix_of(kind)) or any(scope.startswith(prefix) for scope in filters.scopes)
    )


# A visitor with few scopes (anonymous, pending: "public" and little else) may see
# a small share of the hits, so FTS5 filters by scope too. With many (a member
# reads most forum categories) the OR of a dozen large doclists cost more than
# skipping the few rows the exact SQL check drops (see bench/README.md, "Readings
# behind the code", search).
SCOPE_TOKENS_UP_TO = 3


def filter_token(prefix: str, value: str) -> str:
    """The FTS5 token search/migrations/0003 generates for a kind ("k") or scope ("s") on SQLite."""
    return f'"{prefix}{value.encode().hex()}0"'


class SQLiteEngine(_Engine):
    substring_fn = "instr"
    # bm25 column weights: a hit in the title counts ten times one in the text; the filter tokens nothing.
    rank = f"bm25({FTS_TABLE}, 10.0, 1.0, 0.0)"

    @staticmethod
    def match_expression(terms: SearchTerms) -> str:
        # Each word is quoted, so FTS5 reads it as a string, never an operator;
        # words hold no quote characters (query_terms keeps letters and digits).
        quoted = [f'"{word}"' for word in terms.words]
        if terms.prefix_last:
            quoted[-1] += "*"
        return "{title text} : (" + " ".join(quoted) + ")"

    def _windows(self, terms, filters, kinds):
        """The CTE ``windows``: each kind's newest RANK_WINDOW + 1 visible hits, with their bm25 score.

        Each kind's arm asks FTS5 for the words AND the kind's token (AND one
        of the visitor's scope tokens, when they have few), newest first
        (FTS5's own rowid order, so nothing is sorted), and stops once the
        window is full: bm25 and the lookup by key run for those rows only.
        The lookup checks kind and scope exactly: the tokens only narrow the
        search, the SQL decides.
        """
        where, params = self.where(filters, with_kinds=False)
        words = self.match_expression(terms)
        scopes = ""
        if len(filters.scopes) <= SCOPE_TOKENS_UP_TO:
            scopes = " AND fts_filters : (" + " OR ".join(filter_token("s", s) for s in filters.scopes) + ")"
        # A kind with no entry at all (no briefs yet, say) matches its own token
        # alone, which finds nothing at once: FTS5 merges a prefix word's every
        # doclist before it sees that the kind's token has none (see bench/README.md,
        # "Readings behind the code", search).
        present = f"CASE WHEN EXISTS (SELECT 1 FROM {TABLE} k WHERE k.kind = %s) THEN %s ELSE %s END"  # noqa: S608
        arm = (
            f"SELECT * FROM (SELECT {FTS_TABLE}.rowid AS id, e.kind AS kind, {self.rank} AS score "  # noqa: S608
            f"FROM {FTS_TABLE} JOIN {TABLE} e ON e.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH ({present}) AND e.kind = %s AND {where} "
            f"ORDER BY {FTS_TABLE}.rowid DESC LIMIT %s)"
        )
        arms, arm_params = [], []
        for kind in kinds:
            arms.append(arm)
            token = filter_token("k", kind)
            match = f"{words} AND fts_filters : {token}{scopes}"
            arm_params += [kind, match, f"fts_filters : {token}", kind, *params, RANK_WINDOW + 1]
        return (
            f"""
            windows AS MATERIALIZED (
                SELECT id, kind, score, row_number() OVER (PARTITION BY kind ORDER BY id DESC) AS newest
                FROM ({" UNION ALL ".join(arms)})
            )""",  # noqa: S608
            arm_params,
        )

    def counts_and_page(self, cursor, terms, filters, limit, offset):
        """Hits per kind (each at most RANK_WINDOW + 1) and one ranked page, in one statement."""
        return _split(self._ranked(cursor, terms, filters, limit, offset, with_counts=True))

    def ranked_hits(self, cursor, terms, filters, limit, offset):
        return self._ranked(cursor, terms, filters, limit, offset, with_counts=False)

    def _ranked(self, cursor, terms, filters, limit, offset, *, with_counts):
        kinds_searched = searched_kinds(filters)
        if not kinds_searched:
            return []
        windows, params = self._windows(terms, filters, kinds_searched)
        kinds, kind_params = self.kind_filter(filters, column="kind")
        match = self.match_expression(terms)
        counts = (
            "(SELECT json_group_object(kind, n) FROM (SELECT kind, COUNT(*) AS n FROM windows GROUP BY kind))"
            if with_counts
            else "NULL"
        )
        # A page with no rows (no hit, or past the end) still brings the counts, on a row of its own.
        counts_only = (
            f"UNION ALL SELECT {counts}, {', '.join(['NULL'] * 10)} WHERE NOT EXISTS (SELECT 1 FROM page)"  # noqa: S608
            if with_counts
            else ""
        )
        # highlight() and snippet() need a MATCH cursor: a second MATCH, over the
        # rowids from the page's lowest to its highest, joined to the page, runs
        # them for the page's rows only. One cursor, not one per row: a MATCH
        # seek re-merges a prefix word's every doclist, for every row (see
        # bench/README.md, "Readings behind the code", search).
        cursor.execute(
            f"""
            WITH {windows},
            page AS MATERIALIZED (
                SELECT id, score FROM windows WHERE newest <= %s AND {kinds}
                ORDER BY score, id LIMIT %s OFFSET %s
            )
            SELECT {counts}, e.id, e.kind, e.key, e.title, e.url, e.topics, e.updated_at,
                   highlight({FTS_TABLE}, 0, %s, %s),
                   snippet({FTS_TABLE}, 1, %s, %s, %s, {SNIPPET_WORDS}),
                   -page.score
            -- CROSS JOIN keeps the MATCH cursor outermost (no "rowid IN (page)":
            -- with that, SQLite re-ran the whole page per FTS5 row).
            FROM {FTS_TABLE}
            CROSS JOIN page ON page.id = {FTS_TABLE}.rowid
            JOIN {TABLE} e ON e.id = page.id
            WHERE {FTS_TABLE} MATCH %s
              AND {FTS_TABLE}.rowid BETWEEN (SELECT MIN(id) FROM page) AND (SELECT MAX(id) FROM page)
            {counts_only}
            ORDER BY 11 DESC, 2
            """,  # noqa: S608
            [
                *params,
                RANK_WINDOW,
                *kind_params,
                limit,
                offset,
                MARK_START,
                MARK_END,
                MARK_START,
                MARK_END,
                ELLIPSIS,
                match,
            ],
        )
        rows = cursor.fetchall()
        return rows if with_counts else [row[1:] for row in rows if row[1] is not None]


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

    def _windows(self, terms, filters, kinds):
        """The CTEs up to ``hits``: each kind's newest matches, one more than the window, ranked.

        One arm per kind, each planned with its own kind: for a common word in
        a big kind the planner walks the (kind, id) index or the primary key
        newest first and stops after RANK_WINDOW + 1 matches (a word in a
        quarter of a million posts reads a few thousand rows, not all of
        them); for a small kind, or a rarer word, it takes the GIN index. The
        extra row tells the caller the count is a floor.

        A large kind (search.registry) is probed first, because the planner
        multiplies the words' frequencies and so underestimates words that
        come together ("victim services" matched 22,553 topics against an
        estimate of 5,149, and the GIN bitmap it chose read all of them, about
        0.5 s). The probe counts the visible matches among the kind's newest
        PROBE_ROWS entries. When they are common, the arm matches with the
        function form of @@, which no index serves, so the kind is walked
        newest first and the walk is short; otherwise the arm is the usual one.
        Each arm sits behind a one-time filter on the probe, so only one of the
        two runs. Both return the same rows.
        """
        where, params = self.where(filters, with_kinds=False)
        tsquery, query_params = self.tsquery(terms)

        # The tsquery written out in each arm, not query.q: the planner can then
        # estimate how many rows match.
        def arm(gate=""):
            return (
                f"(SELECT e.id, e.kind, e.search_vector FROM {TABLE} e "  # noqa: S608
                f"WHERE e.kind = %s AND e.search_vector @@ ({tsquery}) AND {where}{gate} "
                "ORDER BY e.id DESC LIMIT %s)"
            )

        # The walk: ts_match_vq is @@ as a function, which no index serves. The kind
        # as a range, ordered by kind too, is an order only the (kind, id) index
        # gives, so the walk reads this kind's rows alone; with "kind = %s" the
        # planner walked the primary key, ten rows read for each topic.
        def walk(gate):
            return (
                f"(SELECT e.id, e.kind, e.search_vector FROM {TABLE} e "  # noqa: S608
                f"WHERE e.kind >= %s AND e.kind <= %s AND ts_match_vq(e.search_vector, {tsquery}) "
                f"AND {where} AND {gate} ORDER BY e.kind DESC, e.id DESC LIMIT %s)"
            )

        def probe(n):
            return (
                f"probe_{n} AS MATERIALIZED (SELECT COUNT(*) >= %s AS common FROM ("  # noqa: S608
                f"SELECT e.search_vector, e.scope, e.topics, e.expires_at FROM {TABLE} e WHERE e.kind = %s "
                "ORDER BY e.id DESC LIMIT %s"
                f") e WHERE e.search_vector @@ ({tsquery}) AND {where})"
            )

        large = large_kinds()
        probes, probe_params, arms, arm_params = [], [], [], []
        for kind in kinds:
            row = [*query_params, *params, RANK_WINDOW + 1]
            if kind not in large:
                arms.append(arm())
                arm_params += [kind, *row]
                continue
            n = len(probes)
            probes.append(probe(n))
            probe_params += [COMMON_IN_PROBE, kind, PROBE_ROWS, *query_params, *params]
            gate = f"(SELECT common FROM probe_{n})"  # noqa: S608
            arms += [walk(gate), arm(f" AND NOT {gate}")]
            arm_params += [kind, kind, *row, kind, *row]
        return (
            f"""
            WITH query AS (SELECT {tsquery} AS q),
            {"".join(p + "," for p in probes)}
            hits AS MATERIALIZED (
                SELECT w.id, w.kind, ts_rank(w.search_vector, query.q) AS score,
                       row_number() OVER (PARTITION BY w.kind ORDER BY w.id DESC) AS newest
                FROM ({" UNION ALL ".join(arms)}) w, query
            )""",  # noqa: S608
            [*query_params, *probe_params, *arm_params],
        )

    def counts_and_page(self, cursor, terms, filters, limit, offset):
        """Hits per kind (each at most RANK_WINDOW + 1) and one ranked page, in one statement."""
        return _split(self._ranked(cursor, terms, filters, limit, offset))

    def ranked_hits(self, cursor, terms, filters, limit, offset):
        return [row[1:] for row in self._ranked(cursor, terms, filters, limit, offset) if row[1] is not None]

    def _ranked(self, cursor, terms, filters, limit, offset):
        kinds_searched = searched_kinds(filters)
        if not kinds_searched:
            return []
        windows, params = self._windows(terms, filters, kinds_searched)
        kinds, kind_params = self.kind_filter(filters, column="kind")
        # Rank and page first; ts_headline re-parses the text, so it runs for
        # the page's rows only.
        cursor.execute(
            f"""
            {windows},
            page AS (
                SELECT id, score FROM hits WHERE newest <= %s AND {kinds}
                ORDER BY score DESC, id LIMIT %s OFFSET %s
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
                *params,
                RANK_WINDOW,
                *kind_params,
                limit,
                offset,
                self.title_options,
                self.headline_options,
            ],
        )
        return cursor.fetchall()


def engine_for(connection) -> _Engine:
    if connection.vendor == "postgresql":
        return PostgresEngine()
    if connection.vendor == "sqlite":
        return SQLiteEngine()
    raise NotImplementedError(f"Site search supports SQLite and PostgreSQL, not {connection.vendor}.")

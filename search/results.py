"""What a search hands back: one SearchPage of SearchResults, with facet counts and paging."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search.fulltext import MARK_END, MARK_START


def highlighted(text: str) -> SafeString:
    """Escape everything, then turn the engine's sentinels into <mark>: user text can never become HTML."""
    return mark_safe(escape(text or "").replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308


@dataclass(frozen=True)
class SearchResult:
    kind: str
    kind_label: str
    key: str
    title: str
    title_html: SafeString
    url: str
    snippet: SafeString
    topics: tuple[str, ...]
    rank: float
    updated_at: datetime | None
    # (slug, name) per topic, as the search page shows them: set by search.views, not by the index.
    topic_labels: tuple[tuple[str, str], ...] = ()


def count_label(count: int, capped: bool) -> str:
    """A hit count for people: "1,234", or "1,000+" when the engine stopped counting there."""
    return f"{count:,}+" if capped else f"{count:,}"


@dataclass(frozen=True)
class KindFacet:
    kind: str
    label: str
    count: int
    selected: bool
    capped: bool = False

    @property
    def count_label(self) -> str:
        return count_label(self.count, self.capped)


@dataclass(frozen=True)
class SearchPage:
    query: str
    results: list[SearchResult] = field(default_factory=list)
    total: int = 0
    kind_counts: dict[str, int] = field(default_factory=dict)
    facets: list[KindFacet] = field(default_factory=list)
    kinds: tuple[str, ...] = ()
    page: int = 1
    num_pages: int = 1
    per_page: int = 20
    page_range: list = field(default_factory=list)
    error: str = ""
    searched: bool = False
    # Kinds with more hits than the ranking window: only their newest were ranked and can be
    # paged, and the engine stopped counting there, so their count is a floor.
    capped_kinds: tuple[str, ...] = ()
    rank_window: int = 0

    @property
    def all_count(self) -> int:
        """Hits in every kind, whatever kind filter is applied."""
        return sum(self.kind_counts.values())

    @property
    def all_count_label(self) -> str:
        return count_label(self.all_count, bool(self.capped_kinds))

    def _selected(self, kinds) -> bool:
        return any(kind in kinds for kind in (self.kinds or self.kind_counts))

    @property
    def total_label(self) -> str:
        """The hits of the chosen kinds (all kinds if none was chosen), as people read a count."""
        return count_label(self.total, self.windowed)

    @property
    def windowed(self) -> bool:
        """Whether some chosen kind had more hits than were ranked (the page says so)."""
        return self._selected(self.capped_kinds)

    def kind_count_label(self, kind: str) -> str:
        return count_label(self.kind_counts.get(kind, 0), kind in self.capped_kinds)

    @property
    def number(self) -> int:
        """The current page, named as Django's Page names it (the shared pagination include reads it)."""
        return self.page

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def next_page_number(self) -> int:
        return self.page + 1

    @property
    def previous_page_number(self) -> int:
        return self.page - 1

    @property
    def start_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.results else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.results) - 1 if self.results else 0

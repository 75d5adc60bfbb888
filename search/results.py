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


@dataclass(frozen=True)
class KindFacet:
    kind: str
    label: str
    count: int
    selected: bool


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

    @property
    def all_count(self) -> int:
        """Hits in every kind, whatever kind filter is applied."""
        return sum(self.kind_counts.values())

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

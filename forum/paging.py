"""Topic-list pages without counting every topic.

Django's Paginator asks ``COUNT(*)`` of the whole list to number the last
page. On Latest or a busy category that count read every visible topic, which
cost more than the page itself (see bench/README.md, "Readings behind the code",
forum). A topic list fetches one row more than it
shows instead: that row says whether there is a next page. The links are
Previous, the earlier pages (elided), the current one and Next: plain links, so
they work without JavaScript.
"""

from dataclasses import dataclass, field

ELLIPSIS = None
# Beyond any real list; keeps an absurd ?page= from overflowing the database's OFFSET.
MAX_PAGE = 100_000


@dataclass
class TopicPage:
    number: int
    object_list: list
    has_next: bool
    links: list = field(default_factory=list)

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def previous_page_number(self):
        return self.number - 1

    @property
    def next_page_number(self):
        return self.number + 1


def page_of(queryset, number: int, per_page: int) -> TopicPage:
    """Page ``number`` (from 1) of an ordered queryset, in one query of per_page + 1 rows."""
    number = min(max(number, 1), MAX_PAGE)
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    has_next = len(rows) > per_page
    return TopicPage(number, rows[:per_page], has_next, _links(number, has_next))


def _links(number, has_next):
    """Page numbers to link: the first two, the two before the current one, it, and the next."""
    shown = sorted({n for n in (1, 2, number - 2, number - 1, number) if 1 <= n <= number})
    if has_next:
        shown.append(number + 1)
    links = []
    for n in shown:
        if links and links[-1] is not ELLIPSIS and n - links[-1] > 1:
            links.append(ELLIPSIS)
        links.append(n)
    return links

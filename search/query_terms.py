"""Turning what a visitor typed into safe search terms.

Nothing typed reaches the full-text engine's own syntax: we keep words only
(letters and digits), so quotes, ``*``, ``NEAR(``, ``OR``, ``-`` or SQL are
either dropped or searched for as plain words.
"""

import re
from dataclasses import dataclass

MAX_QUERY_CHARS = 200
# A last term this long or longer is also matched as a prefix ("traff" finds
# "trafficking"); shorter prefixes match too much to be useful.
MIN_PREFIX_CHARS = 3

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchTerms:
    words: tuple[str, ...] = ()
    prefix_last: bool = False
    error: str = ""

    def __bool__(self):
        return bool(self.words) and not self.error


def parse_query(text) -> SearchTerms:
    """Words to search for, or an error saying why the query was rejected."""
    text = str(text or "")
    if len(text) > MAX_QUERY_CHARS:
        return SearchTerms(
            error=f"Your search is too long ({len(text):,} characters). Use at most {MAX_QUERY_CHARS}."
        )
    words = tuple(word.lower() for word in _WORD.findall(text))
    return SearchTerms(words=words, prefix_last=bool(words) and len(words[-1]) >= MIN_PREFIX_CHARS)

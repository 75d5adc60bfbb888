"""What a provider hands the index: one IndexDocument per thing a visitor may find."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class IndexDocument:
    """One searchable thing.

    ``key`` is unique within ``kind`` (a profile's key is the user's id as a
    string). ``text`` is plain text: the index escapes it when it shows a
    snippet, so HTML in it is shown as text, never rendered. ``scope`` says who
    may see it: "public", "members", or any string a scope resolver hands out
    (e.g. "forum:12"). ``topics`` are taxonomy term slugs. ``expires_at``, if
    set, is when the thing stops being findable: search leaves it out from
    then on, whether or not its provider has removed it yet (a page past its
    expiry date stays live until the scheduler unpublishes it).
    """

    kind: str
    key: str
    title: str
    text: str
    url: str
    scope: str
    topics: tuple[str, ...] = ()
    updated_at: datetime | None = None
    expires_at: datetime | None = None

"""How the forum shows people and times: initials in a coloured circle for each author, and times
relative to now ("3 hours ago") with the exact time on hover and for screen readers.

Plain functions returning escaped HTML, so the topic page (forum.post_html, a Jinja2 template for
speed) and the templates (forum_tags) show them the same way. No image is fetched from anywhere:
members have no pictures, and a third-party avatar service would tell it who reads what.
"""

import zlib
from datetime import datetime

from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html
from django.utils.safestring import SafeString

# Each is at least 4.5:1 against white text (WCAG AA for normal text); chosen from the name so
# a member keeps one colour everywhere.
AVATAR_COLOURS = 8
UNITS = ((86400, "day"), (3600, "hour"), (60, "minute"))


def initials(name: str) -> str:
    """The first letters of the first and last words of a name: "Tara Guerrero" gives "TG"."""
    words = [word for word in (name or "").replace("-", " ").split() if word[0].isalnum()]
    if not words:
        return "?"
    first, last = words[0], words[-1]
    return (first[0] + (last[0] if len(words) > 1 else "")).upper()


def avatar(name: str) -> SafeString:
    """Initials in a coloured circle. Hidden from screen readers: the name is always written beside it."""
    colour = zlib.crc32((name or "").encode()) % AVATAR_COLOURS
    return format_html(
        '<span class="forum-avatar forum-avatar-{}" aria-hidden="true">{}</span>', colour, initials(name)
    )


def exact(value: datetime) -> str:
    """ "Dec 7, 2026, 3:04 p.m.", in the site's time zone."""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    noon = "p.m." if local.hour >= 12 else "a.m."
    return f"{MONTHS_3[local.month].title()} {local.day}, {local.year}, {hour}:{local.minute:02d} {noon}"


def relative(value: datetime, now: datetime | None = None) -> str:
    """ "just now", "5 minutes ago", "3 hours ago", "2 days ago", then the date ("Mar 4", "Mar 4, 2025")."""
    now = now or timezone.now()
    seconds = max(int((now - value).total_seconds()), 0)
    if seconds < 60:
        return "just now"
    if seconds < 30 * 86400:
        count, unit = next((seconds // size, unit) for size, unit in UNITS if seconds >= size)
        return f"{count} {unit}{'s' if count != 1 else ''} ago"
    local = timezone.localtime(value)
    month = MONTHS_3[local.month].title()
    if local.year == timezone.localtime(now).year:
        return f"{month} {local.day}"
    return f"{month} {local.day}, {local.year}"


def time_html(value: datetime | None, css_class: str = "") -> SafeString:
    """<time> with the relative time shown, the exact one in its title and, for screen readers, in text."""
    if value is None:
        return SafeString("")
    full = exact(value)
    return format_html(
        '<time{} datetime="{}" title="{}">{}<span class="visually-hidden"> ({})</span></time>',
        format_html(' class="{}"', css_class) if css_class else "",
        timezone.localtime(value).isoformat(),
        full,
        relative(value),
        full,
    )

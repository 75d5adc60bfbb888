"""iCalendar files (RFC 5545) made with the ``icalendar`` library: one event, a member's feed, the public one.

Times are written in UTC (``...Z``), which every calendar converts to its own zone. The join
link is only written when the caller says the reader may see it (trainings.access); the
public feed never passes it.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from forum.rendering import plain_text
from trainings.models import Event

PRODID = "-//Task Force Commons//Trainings//EN"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def event_url(event: Event) -> str:
    return f"{settings.SITE_URL}{reverse('trainings:event', args=[event.pk])}"


def _component(event: Event, *, with_join_link: bool, cancelled: bool = False) -> CalendarEvent:
    item = CalendarEvent()
    host = settings.SITE_URL.split("//", 1)[-1]
    item.add("uid", f"training-{event.pk}@{host}")
    item.add("dtstamp", timezone.now())
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at)
    item.add("summary", event.title)
    description = plain_text(event.description_html)
    if with_join_link and event.join_url:
        description = f"Join: {event.join_url}\n\n{description}"
    item.add("description", f"{description}\n\n{event_url(event)}".strip())
    item.add("url", event_url(event))
    location = event.location
    if with_join_link and event.join_url and not location:
        location = event.join_url
    if location:
        item.add("location", location)
    if cancelled:
        item.add("status", "CANCELLED")
    return item


def event_ics(event: Event, *, with_join_link: bool) -> bytes:
    calendar = _calendar(event.title)
    calendar.add("method", "PUBLISH")
    calendar.add_component(_component(event, with_join_link=with_join_link))
    return calendar.to_ical()


def feed_ics(name: str, events, *, join_link_for: frozenset = frozenset()) -> bytes:
    """A feed of events; ``join_link_for`` holds the ids whose join link this reader may see."""
    calendar = _calendar(name)
    for event in events:
        calendar.add_component(_component(event, with_join_link=event.pk in join_link_for))
    return calendar.to_ical()

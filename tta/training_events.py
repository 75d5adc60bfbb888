"""tta's window on training events: the module ``settings.TTA_TRAINING_EVENTS`` names.

tta and trainings share a layer, so tta imports nothing from trainings. The project names the
module that answers for events (``trainings.tta_links``), as it names the topic vocabulary for
search; tta loads it by name here and nowhere else. With none named, tta works without
events: the matcher proposes none, "fulfil by event" offers none and the dashboard's training
figures are empty.

The module provides ``upcoming_on_topic(term_id, now=, limit=)``, ``events_for_topic(term_id,
now=)``, ``event(event_id)`` (summaries with ``pk``, ``title``, ``url``, ``kind_label``,
``starts_at``, ``ends_at``, ``local_start``, ``seats_left``, ``is_public``, ``has_ended()``),
``delivered_by_task_force(now=)`` and ``delivered_by_region(now=)`` (dicts of counts).
"""

from importlib import import_module

from django.conf import settings


def provider():
    """The module settings.TTA_TRAINING_EVENTS names, or None."""
    path = getattr(settings, "TTA_TRAINING_EVENTS", None)
    return import_module(path) if path else None


def upcoming_on_topic(term_id, *, now=None, limit=5) -> list:
    events = provider()
    return events.upcoming_on_topic(term_id, now=now, limit=limit) if events else []


def events_for_topic(term_id, *, now=None) -> list:
    events = provider()
    return events.events_for_topic(term_id, now=now) if events else []


def event(event_id):
    events = provider()
    return events.event(event_id) if events else None


def delivered_by_task_force(now=None) -> list[dict]:
    events = provider()
    return events.delivered_by_task_force(now) if events else []


def delivered_by_region(now=None) -> list[dict]:
    events = provider()
    return events.delivered_by_region(now) if events else []

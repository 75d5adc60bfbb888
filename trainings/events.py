"""Staff creating and editing events in the site (not only the Django admin).

Descriptions and materials are rendered once here with the forum's sanitiser
(forum.rendering.render_markdown). Capacity changes go through
trainings.registration.change_capacity, under the event's lock, so it never drops
below the seats already taken.
"""

from django.db import transaction

from config.errors import NotPermitted, ServiceError
from forum.rendering import render_markdown
from trainings import access
from trainings.models import Event
from trainings.registration import change_capacity

EDITABLE_FIELDS = [
    "kind",
    "title",
    "description",
    "materials",
    "format",
    "starts_at",
    "ends_at",
    "time_zone",
    "location",
    "join_url",
    "registration_deadline",
    "questions",
    "credit_hours",
    "visibility",
    "is_published",
]


def _check(data: dict) -> None:
    if data["ends_at"] <= data["starts_at"]:
        raise ServiceError("The event must end after it starts.", field="ends_at")
    deadline = data.get("registration_deadline")
    if deadline and deadline > data["starts_at"]:
        raise ServiceError(
            "The registration deadline must be before the event starts.", field="registration_deadline"
        )


def create_event(data: dict, *, topics=(), audiences=(), by) -> Event:
    if not access.can_create_events(by):
        raise NotPermitted("Only TTA staff and editors can create events.")
    if data["visibility"] not in access.visibilities_for_new_event(by):
        raise NotPermitted("Editors can create public events only.", field="visibility")
    _check(data)
    event = Event(**{name: data[name] for name in EDITABLE_FIELDS if name in data}, created_by=by)
    event.capacity = data["capacity"]
    event.description_html = render_markdown(event.description)
    event.materials_html = render_markdown(event.materials)
    with transaction.atomic():
        event.save()
        event.topics.set(topics)
        event.audiences.set(audiences)
    return event


def update_event(event: Event, data: dict, *, topics=(), audiences=(), by) -> Event:
    if not access.can_manage_event(by, event):
        raise NotPermitted("You cannot edit this event.")
    if data["visibility"] not in access.visibilities_for_new_event(by):
        raise NotPermitted("Editors can manage public events only.", field="visibility")
    _check(data)
    with transaction.atomic():
        if data["capacity"] != event.capacity:
            change_capacity(event, data["capacity"])
        for name in EDITABLE_FIELDS:
            if name in data:
                setattr(event, name, data[name])
        event.description_html = render_markdown(event.description)
        event.materials_html = render_markdown(event.materials)
        # registered_count and capacity were written under the lock by change_capacity.
        event.save(update_fields=[*EDITABLE_FIELDS, "description_html", "materials_html", "updated_at"])
        event.topics.set(topics)
        event.audiences.set(audiences)
    return event

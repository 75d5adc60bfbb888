"""Training events in site search: the "event" kind.

A published public event is indexed with the "public" scope (everyone finds it); a published
members-only event with the "members" scope, which members.search_provider grants to members
only. An unpublished event is not in the index at all. The scope comes from
``trainings.access.search_scope``, the same rule as the event page.

The entry holds the title, kind, format, dates, location and the description as plain text;
never materials, never who registered, and never the join link: ``join_url`` is read only to
cut out a copy of it typed into the description or the location.

The index follows the event as it changes, in the same transaction: saving an event
(re)indexes or removes it, deleting removes it, and changing its topics or audiences re-indexes
it. Seat counts are not indexed, so a registration (an UPDATE of ``registered_count``) changes
nothing here.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import reverse
from django.utils.html import strip_tags

from search.documents import IndexDocument
from search.index import index_documents, remove_document
from search.registry import register_provider
from trainings import access
from trainings.models import Event

KIND = "event"
# Saves touching only these leave the entry as it was.
_UNINDEXED_FIELDS = frozenset({"registered_count", "capacity", "updated_at"})


def _when(event: Event) -> str:
    start = event.starts_at.astimezone(event.zone)
    return f"{start:%B} {start.day}, {start.year}"


def event_document(event: Event) -> IndexDocument | None:
    """The index entry for the event, or None if it must not be in search."""
    scope = access.search_scope(event)
    if scope is None:
        return None
    description = strip_tags(event.description_html or "")
    text = " · ".join(
        part
        for part in (
            event.get_kind_display(),
            event.get_format_display(),
            _when(event),
            event.location,
            description,
        )
        if part
    )
    if event.join_url:
        # Staff may paste the join link into the description or the location too: it never
        # reaches the index.
        text = text.replace(event.join_url, "")
    topics = [term.slug for term in event.topics.all()] + [term.slug for term in event.audiences.all()]
    return IndexDocument(
        kind=KIND,
        key=str(event.pk),
        title=event.title,
        text=text,
        url=reverse("trainings:event", args=[event.pk]),
        scope=scope,
        topics=tuple(dict.fromkeys(topics)),
        updated_at=event.updated_at,
    )


def _events():
    return Event.objects.published().prefetch_related("topics", "audiences").order_by("pk")


def event_documents():
    """Every published event, for a full reindex."""
    for event in _events().iterator(chunk_size=500):
        doc = event_document(event)
        if doc is not None:
            yield doc


def sync_event(event_pk) -> None:
    """Put the event in the index as it is now, or take it out."""
    event = _events().filter(pk=event_pk).first()
    doc = event_document(event) if event is not None else None
    if doc is None:
        remove_document(KIND, event_pk)
    else:
        index_documents([doc])


def _on_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields and not (set(update_fields) - _UNINDEXED_FIELDS)):
        return
    sync_event(instance.pk)


def _on_deleted(sender, instance, **kwargs):
    remove_document(KIND, instance.pk)


def _on_terms_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        sync_event(instance.pk)
    else:
        for pk in pk_set or ():
            sync_event(pk)


def register():
    register_provider(KIND, event_documents, label="Training events")
    uid = "trainings.search_provider"
    post_save.connect(_on_saved, sender=Event, dispatch_uid=f"{uid}.saved")
    post_delete.connect(_on_deleted, sender=Event, dispatch_uid=f"{uid}.deleted")
    m2m_changed.connect(_on_terms_changed, sender=Event.topics.through, dispatch_uid=f"{uid}.topics")
    m2m_changed.connect(_on_terms_changed, sender=Event.audiences.through, dispatch_uid=f"{uid}.audiences")

"""The forum in site search: topics and replies, each scoped "forum:<category id>".

A member sees a forum hit only if forum.access lets them read its category
(the scope resolver below hands out exactly those scopes). Services call
index_* and remove_* as posts are written, edited or removed, inside their
transaction, so the index never holds what the database rolled back.

Category permissions are deliberately not in the index: an entry's scope names
its category, and forum.access turns the visitor's groups into the categories
they may read when they search. So a changed CategoryPermission, or a category
moved under a restricted parent, changes what search shows at once, with no
reindex. As a safety net, such a change also queues rescope_category, which
puts the category's scope back on any entry of its topics that carries another
(a topic moved by something that forgot to reindex it).
"""

from django.db import transaction
from django.db.models import CharField, Prefetch
from django.db.models.functions import Cast
from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from forum import access
from forum.rendering import plain_text
from search.documents import IndexDocument
from search.index import index_document, remove_document
from search.models import IndexEntry
from search.registry import register_provider, register_scope_resolver

TOPIC_KIND = "forum_topic"
POST_KIND = "forum_post"


def topic_url(topic) -> str:
    return reverse("forum:topic", args=[topic.pk])


def _searchable_topic(topic) -> bool:
    return not (topic.is_deleted or topic.awaiting_approval)


def _searchable_post(post) -> bool:
    return not (post.is_deleted or post.is_hidden or post.awaiting_approval)


def topic_document(topic, opening_post, tags) -> IndexDocument:
    return IndexDocument(
        kind=TOPIC_KIND,
        key=str(topic.pk),
        title=topic.title,
        text=plain_text(opening_post.body_html),
        url=topic_url(topic),
        scope=access.scope_for(topic.category_id),
        topics=tuple(term.slug for term in tags),
        updated_at=opening_post.edited_at or opening_post.created_at,
    )


def post_document(post, topic) -> IndexDocument:
    return IndexDocument(
        kind=POST_KIND,
        key=str(post.pk),
        title=f"Re: {topic.title}",
        text=plain_text(post.body_html),
        url=reverse("forum:post", args=[topic.pk, post.number]),
        scope=access.scope_for(topic.category_id),
        updated_at=post.edited_at or post.created_at,
    )


def index_topic(topic, opening_post, tags) -> None:
    if _searchable_topic(topic) and _searchable_post(opening_post):
        index_document(topic_document(topic, opening_post, tags))
    else:
        remove_document(TOPIC_KIND, topic.pk)


def index_post(post, topic) -> None:
    if _searchable_topic(topic) and _searchable_post(post):
        index_document(post_document(post, topic))
    else:
        remove_document(POST_KIND, post.pk)


def sync_post(post, topic) -> None:
    if post.is_opening_post:
        index_topic(topic, post, list(topic.tags.all()))
    else:
        index_post(post, topic)


def remove_topic(topic) -> None:
    from forum.models import Post

    remove_document(TOPIC_KIND, topic.pk)
    for pk in Post.objects.filter(topic=topic).values_list("pk", flat=True).iterator():
        remove_document(POST_KIND, pk)


def topic_documents():
    from forum.models import Post, Topic
    from taxonomy.models import Term

    topics = (
        Topic.objects.filter(is_deleted=False, awaiting_approval=False)
        .prefetch_related(Prefetch("tags", queryset=Term.objects.only("id", "slug")))
        .order_by("pk")
    )
    for topic in topics.iterator(chunk_size=500):
        opening = Post.objects.filter(topic=topic, number=1).first()
        if opening is not None and _searchable_post(opening):
            yield topic_document(topic, opening, topic.tags.all())


def post_documents():
    from forum.models import Post

    posts = (
        Post.objects.filter(
            number__gt=1,
            is_deleted=False,
            is_hidden=False,
            awaiting_approval=False,
            topic__is_deleted=False,
            topic__awaiting_approval=False,
        )
        .select_related("topic")
        .order_by("pk")
    )
    for post in posts.iterator(chunk_size=1000):
        yield post_document(post, post.topic)


def rescope_category(category_id: int) -> int:
    """Give the entries of this category's topics and replies its scope; returns how many changed."""
    from forum.models import Post, Topic

    scope = access.scope_for(category_id)
    topic_keys = (
        Topic.objects.filter(category_id=category_id).annotate(key=Cast("pk", CharField())).values("key")
    )
    post_keys = (
        Post.objects.filter(topic__category_id=category_id, number__gt=1)
        .annotate(key=Cast("pk", CharField()))
        .values("key")
    )
    entries = IndexEntry.objects.exclude(scope=scope)
    changed = entries.filter(kind=TOPIC_KIND, key__in=topic_keys).update(scope=scope)
    return changed + entries.filter(kind=POST_KIND, key__in=post_keys).update(scope=scope)


def _queue_rescope(category_id) -> None:
    from forum.tasks import rescope_category as task

    transaction.on_commit(lambda: task.enqueue(category_id))


def _permission_changed(sender, instance, **kwargs):
    _queue_rescope(instance.category_id)


def _category_saved(sender, instance, created, **kwargs):
    if not created:
        _queue_rescope(instance.pk)


def _connect():
    from forum.models import Category, CategoryPermission

    register_provider(
        TOPIC_KIND, topic_documents, label="Forum topics", large=True, scope_prefix=access.SCOPE_PREFIX
    )
    register_provider(
        POST_KIND, post_documents, label="Forum replies", large=True, scope_prefix=access.SCOPE_PREFIX
    )
    register_scope_resolver(access.forum_scopes)
    post_save.connect(_permission_changed, sender=CategoryPermission, dispatch_uid="forum_rescope_permission")
    post_delete.connect(
        _permission_changed, sender=CategoryPermission, dispatch_uid="forum_rescope_permission_d"
    )
    post_save.connect(_category_saved, sender=Category, dispatch_uid="forum_rescope_category")


_connect()

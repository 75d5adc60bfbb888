"""Chainable reads, so views say what they show and the prefetching stays out of sight.

``Topic.objects.visible_to(user).with_state(user).for_list()`` gives a page of
topics with the member's read position and watch level annotated in the same
query, and tags prefetched in one more: the number of queries never grows with
the page.
"""

from django.apps import apps
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from forum import access


class CategoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(pk__in=access.forum_access(user).see)


class TopicQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Topics this user may read in lists: never deleted ones; unapproved only their own."""
        rights = access.forum_access(user)
        qs = self.filter(category_id__in=rights.read, is_deleted=False)
        if not rights.is_moderator:
            qs = qs.filter(Q(awaiting_approval=False) | Q(author_id=user.pk))
        return qs

    def readable_by(self, user):
        """Topics this user may open: moderators also open deleted ones."""
        rights = access.forum_access(user)
        if rights.is_moderator:
            return self.filter(category_id__in=rights.read)
        return self.visible_to(user)

    def with_state(self, user):
        """Annotate last_read and watch_level from the member's TopicState, in the same query."""
        states = apps.get_model("forum", "TopicState").objects.filter(user_id=user.pk, topic=OuterRef("pk"))
        return self.annotate(
            last_read=Coalesce(Subquery(states.values("last_read_post_number")[:1]), Value(0)),
            watch_level=Coalesce(Subquery(states.values("watch_level")[:1]), Value("normal")),
            level_chosen=Coalesce(Subquery(states.values("level_chosen")[:1]), Value(False)),
        )

    def with_draft(self, user):
        """Annotate draft_body: the member's saved reply to the topic, if any (forum.drafts.services)."""
        drafts = apps.get_model("forum", "Draft").objects.filter(user_id=user.pk, topic=OuterRef("pk"))
        return self.annotate(draft_body=Subquery(drafts.values("body")[:1]))

    def with_unread_notifications(self, user):
        """Annotate unread_notifications: the member's unread notification count (the forum menu's)."""
        return self.annotate(unread_notifications=Coalesce(Subquery(unread_notifications(user)), 0))

    def with_unread_notifications_up_to(self, user, number):
        """Annotate unread_here: the member's unread notifications about this topic's posts 1..number,
        the ones a page ending at that post marks read (forum.services.record_read)."""
        notification = apps.get_model("forum", "Notification")
        here = (
            notification.objects.filter(
                user_id=user.pk, topic=OuterRef("pk"), read_at__isnull=True, post__number__lte=number
            )
            .order_by()
            .values("topic")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(unread_here=Coalesce(Subquery(here), 0))

    def with_category_level(self, user):
        """Annotate category_watch_level: the member's level for the topic's category, or its parent's."""
        states = apps.get_model("forum", "CategoryState").objects.filter(user_id=user.pk)
        own = states.filter(category=OuterRef("category_id")).values("watch_level")[:1]
        parent = states.filter(category=OuterRef("category__parent_id")).values("watch_level")[:1]
        return self.annotate(category_watch_level=Coalesce(Subquery(own), Subquery(parent), Value("normal")))

    def without_muted_categories(self, user):
        """Leave out topics in categories the member muted, sub-categories of a muted one included."""
        muted = (
            apps.get_model("forum", "CategoryState")
            .objects.filter(user_id=user.pk, watch_level="muted")
            .values("category_id")
        )
        return self.exclude(Q(category_id__in=muted) | Q(category__parent_id__in=muted))

    def for_list(self):
        term = apps.get_model("taxonomy", "Term")
        return self.select_related("category").prefetch_related(
            Prefetch("tags", queryset=term.objects.only("id", "name", "slug"))
        )

    def latest(self):
        return self.order_by("-last_post_at", "-id")

    def unanswered(self):
        return self.filter(kind="question", accepted_post__isnull=True)

    def in_category(self, category):
        """A category's topics, pinned first: a sub-category's own, a top-level one's and its children's.

        Each is one range of an index (forum_topic_by_category, forum_topic_by_root).
        """
        where = Q(category=category) if category.parent_id else Q(root_category=category)
        return self.filter(where).order_by("-is_pinned", "-last_post_at", "-id")

    def tagged(self, term):
        return self.filter(tags=term)

    def started_by(self, user):
        return self.filter(author_id=user.pk)

    def watched_by(self, user):
        """Topics whose effective level for this member is watching.

        That is the topic's own level if the member chose one, else the level of
        its category, or of the parent category when the sub-category has none
        (the rule forum.notifications.services.watch_levels applies). Watched categories
        are worked out first (two small queries, only for members who watch
        one), so a member who watches none gets the plain indexed join.
        """
        categories = watched_categories(user)
        if not categories:
            # A join, so the database starts from the member's states (forum_state_watch_level).
            return self.filter(states__user_id=user.pk, states__watch_level="watching")
        states = apps.get_model("forum", "TopicState").objects.filter(user_id=user.pk, topic=OuterRef("pk"))
        watching = Q(Exists(states.filter(watch_level="watching")))
        chosen = states.filter(Q(level_chosen=True) | ~Q(watch_level="normal"))
        return self.filter(watching | (Q(category_id__in=categories) & ~Q(Exists(chosen))))


class PostQuerySet(models.QuerySet):
    def numbered(self, first, last):
        """The posts numbered first..last inclusive: a page, served by the (topic, number) index."""
        return self.filter(number__gte=first, number__lte=last).order_by("number")

    def with_helpful(self, user):
        reactions = apps.get_model("forum", "PostReaction").objects.filter(
            user_id=user.pk, post=OuterRef("pk")
        )
        return self.annotate(marked_helpful=Exists(reactions))


def unread_notifications(user):
    """The unread-count query of forum.notifications.services as one row with the count (none when none)."""
    notification = apps.get_model("forum", "Notification")
    unread = notification.objects.filter(user_id=user.pk, read_at__isnull=True).order_by()
    return unread.values("user_id").annotate(count=Count("pk")).values("count")


def watched_categories(user) -> list[int]:
    """The categories this member watches, a sub-category following its parent unless it has its own level."""
    category_state = apps.get_model("forum", "CategoryState")
    own = dict(
        category_state.objects.filter(user_id=user.pk)
        .exclude(watch_level="normal")
        .values_list("category_id", "watch_level")
    )
    if "watching" not in own.values():
        return []
    parents = apps.get_model("forum", "Category").objects.values_list("pk", "parent_id")
    return [pk for pk, parent_id in parents if own.get(pk, own.get(parent_id)) == "watching"]

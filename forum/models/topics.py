"""Forum data: categories and their group permissions, topics, posts, revisions, reactions, per-member state.

The other concerns' models live in their sub-packages (forum.moderation.models, ...); forum.models
re-exports them all.

Counters and "last post" pointers live on the topic and category and are kept
right by forum.services as posts are written, so lists never count or join
posts. Names are copied onto rows (author_name, last_poster_name) so lists need
no user join and survive account deletion.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from forum.querysets import CategoryQuerySet, PostQuerySet, TopicQuerySet

MAX_TITLE_LENGTH = 200
POSTS_PER_PAGE = 20
# The facets a forum topic can be tagged with: what it is about and for whom. Resource types
# ("Webinar") and e-Guide call-out kinds ("Smart tip", "Key term") describe CMS content, not subjects.
FORUM_TAG_FACETS = ("phase", "trafficking_type", "practice_area", "audience")


def forum_vocabulary():
    """The current terms a topic may be tagged with, in the taxonomy's order."""
    from taxonomy.models import Term

    return Term.objects.current().filter(facet__in=FORUM_TAG_FACETS)


class Category(models.Model):
    """A place for topics; sub-categories go one level deep.

    A category with no permission rows is open to every member. Once it has
    rows, only members of those groups get what the rows grant.
    """

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveSmallIntegerField(default=0)
    topic_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(null=True, blank=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:140]
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:
            # A category given a parent (or freed of one) takes its topics along.
            Topic.objects.filter(category_id=self.pk).update(root_category_id=self.parent_id or self.pk)

    def clean(self):
        if self.parent_id and (self.parent.parent_id or self.parent_id == self.pk):
            raise ValidationError({"parent": "Sub-categories go one level deep only."})
        if self.pk and self.parent_id and self.children.exists():
            raise ValidationError(
                {"parent": "A category with sub-categories cannot itself be a sub-category."}
            )


class CategoryPermission(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="permissions")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    can_see = models.BooleanField(default=True)
    can_read = models.BooleanField(default=True)
    can_start = models.BooleanField(default=True)
    can_reply = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["category", "group"], name="forum_one_permission_row_per_group")
        ]

    def __str__(self):
        return f"{self.group} in {self.category}"


class Topic(models.Model):
    class Kind(models.TextChoices):
        QUESTION = "question", "Question"
        DISCUSSION = "discussion", "Discussion"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.DISCUSSION)
    title = models.CharField(max_length=MAX_TITLE_LENGTH)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="topics")
    # The top-level category (the category itself, or its parent): a top-level
    # category's list (its topics and its sub-categories') is one index range on
    # it, where "category = X OR category.parent = X" read and sorted them all.
    # Kept by save() (and move_topic, Category.save for a new parent); see root_of.
    root_category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        editable=False,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="forum_topics"
    )
    author_name = models.CharField(max_length=150)
    tags = models.ManyToManyField("taxonomy.Term", blank=True, related_name="forum_topics")
    accepted_post = models.ForeignKey(
        "forum.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_locked = models.BooleanField(default=False)
    is_pinned = models.BooleanField(default=False)
    is_closed = models.BooleanField(default=False)
    is_deleted = models.BooleanField(default=False)
    awaiting_approval = models.BooleanField(default=False)
    # Posts are numbered 1 (the opening post) upwards; pages are number ranges.
    last_post_number = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    helpful_count = models.PositiveIntegerField(default=0)
    last_post = models.ForeignKey(
        "forum.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_post_at = models.DateTimeField(default=timezone.now)
    last_poster_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["-last_post_at", "-id"]
        indexes = [
            # Latest, and a category's list (pinned first).
            models.Index(fields=["-last_post_at", "-id"], name="forum_topic_latest"),
            models.Index(
                fields=["category", "-is_pinned", "-last_post_at", "-id"], name="forum_topic_by_category"
            ),
            models.Index(
                fields=["root_category", "-is_pinned", "-last_post_at", "-id"], name="forum_topic_by_root"
            ),
            models.Index(fields=["author", "-last_post_at"], name="forum_topic_by_author"),
            # Unanswered questions: a partial index holds only the ones still open.
            models.Index(
                fields=["-last_post_at", "-id"],
                name="forum_topic_unanswered",
                condition=Q(kind="question", accepted_post__isnull=True, is_deleted=False),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self.category_id and (update_fields is None or "category" in update_fields):
            loaded = self._state.fields_cache.get("category")
            if loaded is not None and loaded.pk == self.category_id:
                self.root_category_id = loaded.parent_id or loaded.pk
            else:
                self.root_category_id = root_of(self.category_id)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "root_category"}
        super().save(*args, **kwargs)

    @property
    def is_question(self):
        return self.kind == self.Kind.QUESTION

    @property
    def accepts_replies(self):
        return not (self.is_locked or self.is_closed or self.is_deleted)

    @property
    def page_count(self):
        return max(page_of(self.last_post_number), 1)

    @property
    def has_been_read(self):
        """Whether the member (see TopicQuerySet.with_state) has opened this topic before."""
        return bool(getattr(self, "last_read", 0))

    @property
    def new_post_count(self):
        last_read = getattr(self, "last_read", 0)
        return max(self.last_post_number - last_read, 0) if last_read else 0

    @property
    def first_unread_number(self):
        return min(getattr(self, "last_read", 0) + 1, max(self.last_post_number, 1))

    @property
    def unread_url(self):
        """The topic's page holding the first post this member has not read, anchored on it."""
        number = self.first_unread_number
        if number == 1:
            return reverse("forum:topic", args=[self.pk])
        return f"{reverse('forum:topic', args=[self.pk])}?page={page_of(number)}#post-{number}"


def page_of(number):
    """The topic page a post number falls on."""
    return (max(number, 1) - 1) // POSTS_PER_PAGE + 1


class Post(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="forum_posts"
    )
    author_name = models.CharField(max_length=150)
    body_markdown = models.TextField()
    # Rendered and sanitised once, when saved (forum.rendering).
    body_html = models.TextField()
    quoted_post = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    helpful_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    is_deleted = models.BooleanField(default=False)
    awaiting_approval = models.BooleanField(default=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "number"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "number"], name="forum_post_number_per_topic")
        ]
        indexes = [models.Index(fields=["author", "-created_at"], name="forum_post_by_author")]

    def __str__(self):
        return f"#{self.number} in {self.topic_id}"

    @property
    def is_opening_post(self):
        return self.number == 1


class PostRevision(models.Model):
    """A post's text before an edit; the newest revision is the post itself."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body_markdown = models.TextField()
    title = models.CharField(max_length=MAX_TITLE_LENGTH, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["post", "-created_at", "-id"]

    def __str__(self):
        return f"Revision of post {self.post_id} at {self.created_at:%Y-%m-%d %H:%M}"


class WatchLevel(models.TextChoices):
    WATCHING = "watching", "Watching: every new post"
    TRACKING = "tracking", "Tracking: mentions and replies to me"
    NORMAL = "normal", "Normal"
    MUTED = "muted", "Muted"


class TopicState(models.Model):
    """One row per member and topic: how far they have read, and how closely they watch it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="states")
    last_read_post_number = models.PositiveIntegerField(default=0)
    watch_level = models.CharField(max_length=16, choices=WatchLevel.choices, default=WatchLevel.NORMAL)
    # A level other than normal always overrides the category's; "normal" does only when the member
    # chose it for this topic (a row made just to record reading says nothing about watching).
    level_chosen = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="forum_one_state_per_member_topic")
        ]
        indexes = [models.Index(fields=["user", "watch_level"], name="forum_state_watch_level")]

    def __str__(self):
        return f"Member {self.user_id} in topic {self.topic_id}: read to #{self.last_read_post_number}"

    @property
    def overrides_category(self) -> bool:
        return self.level_chosen or self.watch_level != WatchLevel.NORMAL


class CategoryState(models.Model):
    """How closely a member watches a whole category (and its sub-categories without a level of their own).

    A topic's own level (TopicState) overrides it. Muted categories also drop out of the member's Latest.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="states")
    watch_level = models.CharField(max_length=16, choices=WatchLevel.choices, default=WatchLevel.NORMAL)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="forum_one_state_per_member_category")
        ]
        indexes = [models.Index(fields=["category", "watch_level"], name="forum_category_watchers")]

    def __str__(self):
        return f"Member {self.user_id} in category {self.category_id}: {self.watch_level}"


class PostReaction(models.Model):
    class Kind(models.TextChoices):
        HELPFUL = "helpful", "Helpful"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.HELPFUL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="forum_one_reaction_per_member_post")
        ]

    def __str__(self):
        return f"{self.kind} by {self.user_id} on post {self.post_id}"


class PrivacyConfirmation(models.Model):
    """A member confirmed that what the privacy guard flagged in their post does not identify anyone.

    Moderators review these. Only the kinds flagged are kept, never the text.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="privacy_confirmations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    user_name = models.CharField(max_length=150)
    kinds = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user_name} confirmed {', '.join(self.kinds)} in post {self.post_id}"


def root_of(category_id) -> int:
    """The top-level category of a category: its parent if it has one (one level deep), else itself."""
    parent_id = Category.objects.filter(pk=category_id).values_list("parent_id", flat=True).first()
    return parent_id or category_id


def fill_root_categories(topics=None) -> None:
    """Set root_category on topics written without save() (bulk loads): one UPDATE per category."""
    topics = Topic.objects.all() if topics is None else topics
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        topics.filter(category_id=pk).update(root_category_id=parent_id or pk)

"""Server-side drafts: a member's unsent reply or new topic."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from forum.models.topics import Category, Topic


class Draft(models.Model):
    """A member's unsent text, kept on the server: one per member per topic (a reply) and one new topic.

    A new-topic draft has no topic. Deleted when the post it was for is posted.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Kept as typed, even past the limits a post must meet: a draft must never lose text.
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=16, blank=True)
    tag_ids = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="forum_one_reply_draft_per_member_topic"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(topic__isnull=True), name="forum_one_new_topic_draft_per_member"
            ),
        ]

    def __str__(self):
        return f"Draft by {self.user_id} for {'a new topic' if self.topic_id is None else self.topic_id}"

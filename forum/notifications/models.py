"""Forum notifications and how each member wants to be emailed about them: the notification rows, the
email preference, and the one-digest-a-day claim.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from forum.models.topics import Post, Topic


class Notification(models.Model):
    """Something a member should know about: a post in a topic they watch, a mention, a reply to them."""

    class Kind(models.TextChoices):
        WATCHED_POST = "watched_post", "New post in a topic you watch"
        MENTION = "mention", "Mentioned you"
        REPLY = "reply", "Replied to your post"
        ACCEPTED = "accepted", "Accepted your answer"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    actor_name = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when an email (immediate or digest) has dealt with it, so no item is ever emailed twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="forum_one_notification_per_member_post")
        ]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="forum_notification_list"),
            models.Index(
                fields=["user"], name="forum_notification_unread", condition=Q(read_at__isnull=True)
            ),
            # The daily digest reads only what is unread and not yet emailed.
            models.Index(
                fields=["user", "created_at"],
                name="forum_notification_to_email",
                condition=Q(read_at__isnull=True, emailed_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.user_id} (post {self.post_id})"


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", "Email me each notification as it happens"
    DIGEST = "digest", "Email me one daily digest of what I have not read"
    NONE = "none", "Never email me; I will look in the forum"


class NotificationPreference(models.Model):
    """How a member wants to hear about forum notifications by email. No row means the default, a digest."""

    DEFAULT = EmailFrequency.DIGEST

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_preference"
    )
    email = models.CharField(max_length=16, choices=EmailFrequency.choices, default=DEFAULT)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Member {self.user_id}: {self.email}"


class DigestDelivery(models.Model):
    """One digest per member per day: the row is claimed before sending, so a second run sends nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    item_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="forum_one_digest_per_member_day")
        ]

    def __str__(self):
        return f"Digest for {self.user_id} on {self.day}: {self.item_count} item(s)"

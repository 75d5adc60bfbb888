"""Forum data for moderation: the moderation log (ModerationAction, with a ModerationNote beside an
action for its reason and details), members' reports of posts (PostReport), and a moderator's warning to
a member (MemberWarning), which the member is shown."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from forum.models.topics import Post, Topic


class ModerationAction(models.Model):
    """One thing a moderator did in the forum. Kept, never edited; names copied so it outlives accounts."""

    class Action(models.TextChoices):
        LOCK = "lock", "Locked topic"
        UNLOCK = "unlock", "Unlocked topic"
        PIN = "pin", "Pinned topic"
        UNPIN = "unpin", "Unpinned topic"
        CLOSE = "close", "Closed topic"
        OPEN = "open", "Reopened topic"
        DELETE_TOPIC = "delete_topic", "Deleted topic"
        HIDE_POST = "hide_post", "Hid post"
        UNHIDE_POST = "unhide_post", "Unhid post"
        DELETE_POST = "delete_post", "Deleted post"
        RESTORE_POST = "restore_post", "Restored post"
        EDIT_POST = "edit_post", "Edited someone's post"

    action = models.CharField(max_length=16, choices=Action.choices)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderator_name = models.CharField(max_length=150)
    topic = models.ForeignKey(Topic, null=True, on_delete=models.SET_NULL, related_name="+")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.moderator_name}: {self.get_action_display()} at {self.created_at:%Y-%m-%d %H:%M}"


class PostReport(models.Model):
    """A member's report of a post, waiting in the moderation queue until a moderator acts."""

    class Reason(models.TextChoices):
        IDENTIFYING = "identifying", "It identifies a victim, witness or case"
        ABUSIVE = "abusive", "It is abusive or harassing"
        INACCURATE = "inaccurate", "It gives dangerous or wrong guidance"
        SPAM = "spam", "It is spam or off-topic"
        OTHER = "other", "Something else"

    class Outcome(models.TextChoices):
        DISMISSED = "dismissed", "Dismissed"
        HIDDEN = "hidden", "Post hidden"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter_name = models.CharField(max_length=150)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    note = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(resolved_at__isnull=True),
                name="forum_one_open_report_per_member_post",
            )
        ]
        indexes = [
            models.Index(
                fields=["created_at"], name="forum_open_reports", condition=Q(resolved_at__isnull=True)
            )
        ]

    def __str__(self):
        return f"Report of post {self.post_id} by {self.reporter_name}"


class ModerationNote(models.Model):
    """Why a moderator acted, and what moved where. Never holds the text of a post."""

    action = models.OneToOneField(ModerationAction, on_delete=models.CASCADE, related_name="note")
    reason = models.TextField(max_length=1000, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return f"Note on moderation action {self.action_id}"


class MemberWarning(models.Model):
    """A moderator's warning to a member. The member sees it on their warnings page until they read it."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderator_name = models.CharField(max_length=150)
    reason = models.TextField(max_length=1000)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["member", "-created_at"], name="forum_warning_by_member")]

    def __str__(self):
        return f"Warning to {self.member_id} by {self.moderator_name}"

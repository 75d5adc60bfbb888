"""Private messages: conversations between members, their participants, messages and reports."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from forum.moderation.models import PostReport

MAX_CONVERSATION_TITLE = 200


class Conversation(models.Model):
    """A private conversation between two or more members; only its current participants read it."""

    title = models.CharField(max_length=MAX_CONVERSATION_TITLE)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_by_name = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)
    message_count = models.PositiveIntegerField(default=0)
    last_message_at = models.DateTimeField(default=timezone.now)
    last_author_name = models.CharField(max_length=150, blank=True)

    def __str__(self):
        return self.title


class ConversationParticipant(models.Model):
    """One member in one conversation: how far they have read. left_at set means they left (no access)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    user_name = models.CharField(max_length=150)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    last_read_number = models.PositiveIntegerField(default=0)
    # Copied from the conversation on every message so the inbox is one indexed read of this table.
    last_message_at = models.DateTimeField(default=timezone.now)
    message_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="forum_one_participant_row_per_member"
            )
        ]
        indexes = [
            models.Index(
                fields=["user", "-last_message_at", "-id"],
                name="forum_inbox",
                condition=Q(left_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"{self.user_name} in conversation {self.conversation_id}"

    @property
    def unread_count(self):
        return max(self.message_count - self.last_read_number, 0)


class ConversationMessage(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=150)
    body_markdown = models.TextField()
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["conversation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "number"], name="forum_message_number")
        ]

    def __str__(self):
        return f"Message {self.number} in conversation {self.conversation_id}"


class MessageReport(models.Model):
    """A participant's report of a private message: the one way a moderator gets to read it."""

    message = models.ForeignKey(ConversationMessage, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter_name = models.CharField(max_length=150)
    reason = models.CharField(max_length=16, choices=PostReport.Reason.choices)
    note = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "reporter"],
                condition=Q(resolved_at__isnull=True),
                name="forum_one_open_report_per_member_message",
            )
        ]

    def __str__(self):
        return f"Report of message {self.message_id} by {self.reporter_name}"

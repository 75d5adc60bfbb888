"""Files under posts and private messages (images and PDFs), stored in protected media."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from forum.models.topics import Post


class Attachment(models.Model):
    """An image or PDF under a post or a private message, stored under PROTECTED_MEDIA_ROOT.

    Exactly one of post and message is set; only a checked view sends the file
    (forum.access.can_download_attachment decides for both).
    """

    class Kind(models.TextChoices):
        IMAGE = "image", "Image"
        PDF = "pdf", "PDF"

    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        "forum.ConversationMessage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    content_type = models.CharField(max_length=40)
    # A random name chosen by us, relative to the attachment storage; never the member's file name.
    stored_name = models.CharField(max_length=100, unique=True)
    # The member's file name, cleaned: shown and offered on download, never used as a path.
    display_name = models.CharField(max_length=120)
    alt_text = models.CharField(max_length=300, blank=True)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["post", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, message__isnull=True)
                | Q(post__isnull=True, message__isnull=False),
                name="forum_attachment_under_post_or_message",
            )
        ]

    def __str__(self):
        return self.display_name

"""The forum's models, one module per sub-package, all under the one "forum" app label.

Django loads ``forum.models``; every model is imported here by name, so the app
and its migrations see one set of models wherever each is defined, and code
outside a sub-package can keep importing from ``forum.models``:

- forum.models.topics: categories and their group rights, topics, posts, revisions,
  reactions, per-member reading state, privacy-guard confirmations;
- forum.moderation.models: the moderation log, post reports, warnings;
- forum.conversations.models: private messages;
- forum.attachments.models: files under posts and messages;
- forum.drafts.models: server-side drafts;
- forum.notifications.models: notifications and email preferences.
"""

from forum.attachments.models import Attachment
from forum.conversations.models import (
    MAX_CONVERSATION_TITLE,
    Conversation,
    ConversationMessage,
    ConversationParticipant,
    MessageReport,
)
from forum.drafts.models import Draft
from forum.models.topics import (
    FORUM_TAG_FACETS,
    MAX_TITLE_LENGTH,
    POSTS_PER_PAGE,
    Category,
    CategoryPermission,
    CategoryState,
    Post,
    PostReaction,
    PostRevision,
    PrivacyConfirmation,
    Topic,
    TopicState,
    WatchLevel,
    fill_root_categories,
    forum_vocabulary,
    page_of,
    root_of,
)
from forum.moderation.models import MemberWarning, ModerationAction, ModerationNote, PostReport
from forum.notifications.models import DigestDelivery, EmailFrequency, Notification, NotificationPreference

__all__ = [
    "FORUM_TAG_FACETS",
    "MAX_CONVERSATION_TITLE",
    "MAX_TITLE_LENGTH",
    "POSTS_PER_PAGE",
    "Attachment",
    "Category",
    "CategoryPermission",
    "CategoryState",
    "Conversation",
    "ConversationMessage",
    "ConversationParticipant",
    "DigestDelivery",
    "Draft",
    "EmailFrequency",
    "MemberWarning",
    "MessageReport",
    "ModerationAction",
    "ModerationNote",
    "Notification",
    "NotificationPreference",
    "Post",
    "PostReaction",
    "PostReport",
    "PostRevision",
    "PrivacyConfirmation",
    "Topic",
    "TopicState",
    "WatchLevel",
    "fill_root_categories",
    "forum_vocabulary",
    "page_of",
    "root_of",
]

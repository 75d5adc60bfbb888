"""Who may see or do what in the forum: the one place these rules live.

Every view, queryset, search scope and service asks here. A member's rights in
every category are worked out in one query and cached on the user object
(request.user lives as long as the request), so a page asks as often as it
likes for free.

Rules:
- Only members (members.access.is_member) get anything; everyone else gets nothing.
- A category without permission rows is open to every member. With rows, a
  member gets what the rows of their groups grant; "read" needs "see", and
  "start" and "reply" need "read".
- A sub-category is never more open than its parent.
- Moderators (and superusers) may do everything everywhere: they moderate it.
"""

import time
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from config import cache_versions
from members.access import group_names, in_group, is_member
from members.roles import MODERATOR

PROSECUTORS = "Prosecutors"
SCOPE_PREFIX = "forum:"


@dataclass(frozen=True)
class ForumAccess:
    see: frozenset[int]
    read: frozenset[int]
    start: frozenset[int]
    reply: frozenset[int]
    is_moderator: bool = False


NO_ACCESS = ForumAccess(frozenset(), frozenset(), frozenset(), frozenset())


def forum_access(user) -> ForumAccess:
    """This user's rights in every category; worked out once per user object, and shared (see below)."""
    if not is_member(user):
        return NO_ACCESS
    cached = getattr(user, "_forum_access_cache", None)
    if cached is None:
        cached = _shared(user)
        user._forum_access_cache = cached
    return cached


# Rights depend only on the groups a user is in (and whether they are a
# superuser), so members with the same groups share one computation. The key
# holds the group names members.access loads fresh on every request: a member
# removed from a group (or from the Member group) gets another key, or nothing,
# on their very next request, with nothing to invalidate. What the key cannot
# see, a change to categories, their permission rows or groups themselves, bumps
# a version counter kept in the shared cache (config.cache_versions; signals in
# forum.apps), which every process reads once per request. Entries also expire
# after MEMO_SECONDS, in case a process's cache is not shared (the local-memory
# cache in development). The key's name differs from the one that held a random
# string before the counter, which a deployed cache may still hold and cannot
# increment.
VERSION_KEY = "forum:rights-version"
MEMO_SECONDS = 60
MEMO_SIZE = 1000
_memo: dict[tuple, tuple[float, ForumAccess]] = {}


def _version() -> int:
    return cache_versions.current(VERSION_KEY)


def rights_version() -> int:
    """The current version of forum rights: other apps key their caches of forum rights on it."""
    return _version()


def permissions_changed(**kwargs) -> None:
    """Forget every shared result: categories, permission rows or groups changed (a signal receiver)."""
    cache_versions.bump(VERSION_KEY)
    _memo.clear()


def load_groups(users) -> None:
    """Load many users' group names in one query, as members.access would one by one.

    For the notification fan-out: with the names loaded, each recipient's rights
    come from the shared results above, so checking a thousand watchers takes
    the same queries as checking two. (members.access.remember, its public way,
    also records the second factor, which the fan-out does not load; so this
    sets only the attribute members.access keeps the names under.)
    """
    users = [user for user in users if user.pk]
    if not users:
        return
    from django.contrib.auth import get_user_model

    names: dict[int, set[str]] = {user.pk: set() for user in users}
    through = get_user_model().groups.through
    for user_id, name in through.objects.filter(user_id__in=names).values_list("user_id", "group__name"):
        names[user_id].add(name)
    for user in users:
        user._group_names_cache = frozenset(names[user.pk])


def _shared(user) -> ForumAccess:
    key = (_version(), bool(user.is_superuser), group_names(user))
    now = time.monotonic()
    found = _memo.get(key)
    if found is not None and now - found[0] < MEMO_SECONDS:
        return found[1]
    computed = _compute(user)
    if len(_memo) >= MEMO_SIZE:
        _memo.clear()
    _memo[key] = (now, computed)
    return computed


def _compute(user) -> ForumAccess:
    from forum.models import Category, CategoryPermission

    moderator = in_group(user, MODERATOR)
    rows = CategoryPermission.objects.filter(category=OuterRef("pk"))
    # By the group names in the shared key (not the user's rows), so the result is exactly the key's.
    mine = rows.filter(group__name__in=group_names(user))
    categories = Category.objects.annotate(
        restricted=Exists(rows),
        may_see=Exists(mine.filter(can_see=True)),
        may_read=Exists(mine.filter(can_see=True, can_read=True)),
        may_start=Exists(mine.filter(can_see=True, can_read=True, can_start=True)),
        may_reply=Exists(mine.filter(can_see=True, can_read=True, can_reply=True)),
    ).values_list("pk", "parent_id", "restricted", "may_see", "may_read", "may_start", "may_reply")
    own = {}
    parents = {}
    for pk, parent_id, restricted, *rights in categories:
        own[pk] = (True,) * 4 if moderator or not restricted else tuple(rights)
        parents[pk] = parent_id
    effective = {}
    for pk, (see, read, start, reply) in own.items():
        parent = own.get(parents[pk])
        if parent is not None:
            see, read, start, reply = (
                see and parent[0],
                read and parent[1],
                start and parent[1],
                reply and parent[1],
            )
        effective[pk] = (see, read, start, reply)

    def having(index):
        return frozenset(pk for pk, rights in effective.items() if rights[index])

    return ForumAccess(having(0), having(1), having(2), having(3), is_moderator=moderator)


def is_moderator(user) -> bool:
    return forum_access(user).is_moderator


def can_read_category(user, category) -> bool:
    return category.pk in forum_access(user).read


def can_start_in(user, category) -> bool:
    return category.pk in forum_access(user).start


def can_read_topic(user, topic) -> bool:
    access = forum_access(user)
    if topic.category_id not in access.read:
        return False
    if access.is_moderator:
        return True
    if topic.is_deleted:
        return False
    return not topic.awaiting_approval or topic.author_id == user.pk


def reply_refusal(user, topic) -> str | None:
    """Why this user may not reply to this topic, in words for them; None if they may."""
    if not can_read_topic(user, topic):
        return "You cannot reply to this topic."
    if topic.is_deleted:
        return "This topic has been deleted, so it takes no replies."
    if topic.is_locked:
        return "This topic is locked by a moderator, so it takes no new replies."
    if topic.is_closed:
        return "This topic is closed, so it takes no new replies."
    if topic.category_id not in forum_access(user).reply:
        return "You cannot reply in this category."
    return None


def can_reply(user, topic) -> bool:
    return reply_refusal(user, topic) is None


def can_see_post(user, post) -> bool:
    """Whether a post's text may be shown: hidden and unapproved ones only to their author and moderators."""
    if forum_access(user).is_moderator:
        return True
    if post.is_deleted:
        return False
    if post.is_hidden or post.awaiting_approval:
        return post.author_id == user.pk
    return True


def can_edit_post(user, post, topic) -> bool:
    if forum_access(user).is_moderator:
        return can_read_topic(user, topic)
    return (
        post.author_id == user.pk
        and not post.is_deleted
        and not topic.is_locked
        and can_read_topic(user, topic)
    )


def can_see_history(user, post, topic) -> bool:
    """Edit history is for the author and moderators."""
    return can_read_topic(user, topic) and (forum_access(user).is_moderator or post.author_id == user.pk)


def can_accept_answer(user, topic) -> bool:
    if not topic.is_question or not can_read_topic(user, topic):
        return False
    return forum_access(user).is_moderator or (topic.author_id == user.pk and not topic.is_locked)


def can_mark_helpful(user, post, topic) -> bool:
    return can_read_topic(user, topic) and can_see_post(user, post) and post.author_id != user.pk


def forum_scopes(user) -> set[str]:
    """The search scopes this user may see: one per category they may read."""
    return {f"{SCOPE_PREFIX}{pk}" for pk in forum_access(user).read}


def scope_for(category_id) -> str:
    return f"{SCOPE_PREFIX}{category_id}"


def may_be_emailed_about(user, topic, post) -> bool:
    """Whether an email may quote this post to this user, asked when the email is sent, never before.

    Someone who stopped being a member (deactivated, rejected, left the Member
    group) or lost the group that reads the category gets nothing; nor does
    anyone about a post that has since been hidden, deleted or held for approval.
    """
    if not user.email or not is_member(user) or not can_read_topic(user, topic):
        return False
    if post.is_deleted or post.is_hidden or post.awaiting_approval:
        return False
    return not (topic.is_deleted or topic.awaiting_approval)


# Moderation, attachments and private messages (the services of forum.moderation, forum.attachments and
# forum.conversations).


def can_moderate_topic(user, topic) -> bool:
    """Approve, redact, move, merge, split, restore: moderators, in categories they read."""
    return is_moderator(user) and topic.category_id in forum_access(user).read


def can_attach_to(user, post, topic) -> bool:
    """Only the post's author attaches files, while they may still edit it."""
    return post.author_id == user.pk and can_edit_post(user, post, topic)


def can_download_attachment(user, attachment) -> bool:
    """Whoever may read the post may fetch its files; nobody else learns they exist.

    A private message's files go only to the conversation's current participants
    (can_read_conversation): not to moderators, not even when the message is reported.
    """
    if attachment.message_id is not None:
        from forum.models import ConversationParticipant

        participant = ConversationParticipant.objects.filter(
            conversation_id=attachment.message.conversation_id, user_id=user.pk
        ).first()
        return can_read_conversation(user, participant)
    post = attachment.post
    return can_read_topic(user, post.topic) and can_see_post(user, post)


def can_read_conversation(user, participant) -> bool:
    """Only a current participant who is still a member; moderators too have no way in."""
    return is_member(user) and participant is not None and participant.left_at is None


def can_start_conversation_with(user, other) -> bool:
    return is_member(user) and other.pk != user.pk and is_member(other)


def can_see_reported_message(user) -> bool:
    """A moderator reads a private message only once a participant has reported it (see MessageReport)."""
    return is_moderator(user)

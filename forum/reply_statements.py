"""The statements a forum reply runs while it holds its topic's lock, compiled once per connection.

With 50 members posting at once (bench ``posting``), compiling a reply's
statements cost more of the request's CPU than running them: the locked
topic, the double-post check, the topic's, category's and watch state's
updates and the draft look-up took about 0.3 to 0.5 ms each to build, and
about a tenth of that once kept (config.prepared; the figures are in
bench/README.md, "posting"). Each is the very queryset or update
forum.services would otherwise write; tests/forum/test_reply_statements.py
checks that each does what its queryset does.
"""

from datetime import datetime

from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce, Greatest

from config.prepared import PreparedQuery, PreparedUpdate
from forum.models import Category, Draft, Post, Topic, TopicState, WatchLevel


def latest(column, when):
    """The later of a nullable datetime column and ``when`` (SQLite's MAX() with a NULL is NULL)."""
    return Greatest(Coalesce(column, Value(when)), Value(when))


# The topic, locked for the rest of the transaction (PostgreSQL; SQLite's write transaction
# already holds the whole database).
LOCKED_TOPIC = PreparedQuery(lambda pk: Topic.objects.select_for_update().filter(pk=pk), "pk")

# The member's reply with this very text, moments ago, among the topic's last posts: a double
# click's first request (forum.services._same_reply_just_posted).
SAME_REPLY = PreparedQuery(
    lambda topic, after, user, since, body: Post.objects.filter(
        topic_id=topic,
        number__gt=after,
        author_id=user.pk,
        created_at__gte=since,
        is_deleted=False,
        body_markdown=body,
    ).order_by("-number")[:1],
    "topic",
    "after",
    "user",
    "since",
    "body",
    kinds={"since": datetime, "body": str},
)

TOPIC_REPLIED = PreparedUpdate(
    lambda topic, post, now, name: (
        Topic.objects.filter(pk=topic),
        {
            "last_post_number": F("last_post_number") + 1,
            "reply_count": F("reply_count") + 1,
            "last_post_id": post,
            "last_post_at": now,
            "last_poster_name": name,
        },
    ),
    "topic",
    "post",
    "now",
    "name",
    kinds={"now": datetime, "name": str},
)

# Replies to other topics of the category run at once: one that took its time after an earlier
# clock reading may commit last, so the category keeps the latest time, not the last written.
CATEGORY_REPLIED = PreparedUpdate(
    lambda category, now: (
        Category.objects.filter(pk=category),
        {"post_count": F("post_count") + 1, "last_post_at": latest(F("last_post_at"), now)},
    ),
    "category",
    "now",
    kinds={"now": datetime},
)

# Writing in a topic sets watching (unless muted) and marks everything up to the new post as read.
WATCH_AFTER_WRITING = PreparedUpdate(
    lambda member, topic, read: (
        TopicState.objects.filter(user_id=member, topic_id=topic),
        {
            "watch_level": Case(
                When(watch_level=WatchLevel.MUTED, then=Value(WatchLevel.MUTED)),
                default=Value(WatchLevel.WATCHING),
            ),
            "last_read_post_number": Greatest(F("last_read_post_number"), Value(read)),
        },
    ),
    "member",
    "topic",
    "read",
)

# Whether the member kept a draft of a reply here: deleting through the ORM reads the rows first
# anyway (Wagtail's reference index listens to every delete), and almost always there is none.
REPLY_DRAFT = PreparedQuery(
    lambda user, topic: Draft.objects.filter(user_id=user.pk, topic_id=topic).values_list("pk"),
    "user",
    "topic",
)

"""Private messages and moderation pages at scale: server time of the pages this engineer built.

Full mode: 2,000 members, 20,000 conversations of two to four members (one
member, the reader, is in 2,000 of them), one conversation of 1,000 messages,
and 500 new members' posts held for approval (smoke: 40 members, 200
conversations, 60 messages, 10 held posts). Rows go in with bulk_create: the
bench measures the pages, not loading. ANALYZE runs before timing.

Timed through Django's test client (the whole request in this process):
median and 95th percentile in milliseconds after one warm-up request, for the
inbox (first and 40th page), the long conversation (first and last page),
sending a message, the approval queue and the moderation log.
"""

import random
import statistics
import time

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.utils import timezone

from config.compat.allauth import TOTP, generate_totp_secret
from forum import limits
from forum.models import (
    Category,
    Conversation,
    ConversationMessage,
    ConversationParticipant,
    ModerationAction,
    Post,
    Topic,
)
from forum.rendering import render_markdown
from members.models import User
from members.roles import MEMBER, MODERATOR

FULL = {
    "members": 2_000,
    "conversations": 20_000,
    "mine": 2_000,
    "messages": 1_000,
    "held": 500,
    "repeats": 40,
}
SMOKE = {"members": 40, "conversations": 200, "mine": 60, "messages": 60, "held": 10, "repeats": 3}
UNUSABLE_PASSWORD = make_password(None)
BODY = "We met the **victim advocate** before the interview; it made all the difference. " * 3


def _p95(samples):
    return samples[0] if len(samples) < 2 else statistics.quantiles(samples, n=20, method="inclusive")[18]


def _time(client, method, url, repeats, data_for=None):
    getattr(client, method)(url, **({"data": data_for(-1)} if data_for else {}))
    samples = []
    for n in range(repeats):
        started = time.perf_counter()
        response = getattr(client, method)(url, **({"data": data_for(n)} if data_for else {}))
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 302), (url, response.status_code)
    return statistics.median(samples), _p95(samples)


def _members(count):
    now = timezone.now()
    User.objects.bulk_create(
        User(
            email=f"pm{n}@bench.example.org",
            full_name=f"Bench Member {n}",
            status=User.Status.APPROVED,
            password=UNUSABLE_PASSWORD,
            date_joined=now,
        )
        for n in range(count)
    )
    users = list(User.objects.filter(email__endswith="@bench.example.org").order_by("pk"))
    member = Group.objects.get(name=MEMBER)
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=u.pk, group_id=member.pk) for u in users
    )
    return users


def _conversations(users, sizes, rng):
    reader = users[0]
    now = timezone.now()
    html = render_markdown(BODY)
    rows = []
    for n in range(sizes["conversations"]):
        rows.append(
            Conversation(
                title=f"Conversation {n}",
                started_by_name="Bench",
                message_count=1,
                last_message_at=now - timezone.timedelta(minutes=n),
                last_author_name="Bench Member",
            )
        )
    Conversation.objects.bulk_create(rows, batch_size=2000)
    conversations = list(Conversation.objects.order_by("pk").values_list("pk", "last_message_at"))
    participants, messages = [], []
    for index, (pk, at) in enumerate(conversations):
        people = rng.sample(users[1:], rng.randint(1, 3))
        if index < sizes["mine"]:
            people.append(reader)
        else:
            people.append(users[rng.randint(1, len(users) - 1)])
        for user in {u.pk: u for u in people}.values():
            participants.append(
                ConversationParticipant(
                    conversation_id=pk,
                    user_id=user.pk,
                    user_name=user.full_name,
                    last_message_at=at,
                    message_count=1,
                    last_read_number=rng.randint(0, 1),
                )
            )
        messages.append(
            ConversationMessage(
                conversation_id=pk, number=1, author_name="Bench Member", body_markdown=BODY, body_html=html
            )
        )
    ConversationParticipant.objects.bulk_create(participants, batch_size=5000)
    ConversationMessage.objects.bulk_create(messages, batch_size=5000)
    long_pk = conversations[0][0]
    ConversationMessage.objects.bulk_create(
        (
            ConversationMessage(
                conversation_id=long_pk,
                number=n,
                author_id=reader.pk,
                author_name=reader.full_name,
                body_markdown=BODY,
                body_html=html,
            )
            for n in range(2, sizes["messages"] + 1)
        ),
        batch_size=5000,
    )
    Conversation.objects.filter(pk=long_pk).update(message_count=sizes["messages"])
    ConversationParticipant.objects.filter(conversation_id=long_pk).update(message_count=sizes["messages"])
    return reader, long_pk


def _held_posts(users, sizes, moderator):
    category = Category.objects.create(name="Bench moderation", slug="bench-moderation")
    now = timezone.now()
    Topic.objects.bulk_create(
        Topic(
            title=f"Held topic {n}",
            category=category,
            author_name=users[n % len(users)].full_name,
            awaiting_approval=True,
            last_post_number=1,
        )
        for n in range(sizes["held"])
    )
    html = render_markdown(BODY)
    Post.objects.bulk_create(
        Post(
            topic=topic,
            number=1,
            author_name=topic.author_name,
            body_markdown=BODY,
            body_html=html,
            awaiting_approval=True,
            created_at=now,
        )
        for topic in Topic.objects.filter(category=category)
    )
    ModerationAction.objects.bulk_create(
        ModerationAction(action="lock", moderator=moderator, moderator_name="Bench Moderator")
        for _ in range(sizes["held"])
    )


def run(smoke: bool) -> dict:
    sizes = SMOKE if smoke else FULL
    rng = random.Random(4)
    started = time.monotonic()
    users = _members(sizes["members"])
    moderator = users[-1]
    moderator.groups.add(Group.objects.get(name=MODERATOR))
    reader, long_pk = _conversations(users, sizes, rng)
    _held_posts(users, sizes, moderator)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    figures = {"load time (s)": time.monotonic() - started}

    # The MFA gate wants a second factor of every member.
    TOTP.activate(reader, generate_totp_secret())
    TOTP.activate(moderator, generate_totp_secret())
    client, mod_client = Client(), Client()
    client.force_login(reader)
    mod_client.force_login(moderator)
    repeats = sizes["repeats"]
    last_page = (sizes["messages"] - 1) // 30 + 1
    inbox_last = min(40, (sizes["mine"] - 1) // 25 + 1)
    timed = {
        "inbox page 1": (client, "get", "/forum/messages/", None),
        f"inbox page {inbox_last}": (client, "get", f"/forum/messages/?page={inbox_last}", None),
        "conversation first page": (client, "get", f"/forum/messages/{long_pk}/?page=1", None),
        "conversation last page": (client, "get", f"/forum/messages/{long_pk}/?page={last_page}", None),
        "send a message": (
            client,
            "post",
            f"/forum/messages/{long_pk}/",
            lambda n: {"body": f"Reply {n}: {BODY}"},
        ),
        "approval queue": (mod_client, "get", "/forum/moderation/approvals/", None),
        "moderation log": (mod_client, "get", "/forum/moderation/log/", None),
    }
    # The bench posts faster than a person may: lift the posting limit while it runs.
    saved = limits.LIMITS["post"]
    limits.LIMITS["post"] = (10**6, 600, "")
    try:
        for name, (who, method, url, data_for) in timed.items():
            median, p95 = _time(who, method, url, repeats, data_for)
            figures[f"{name} median (ms)"] = median
            figures[f"{name} p95 (ms)"] = p95
    finally:
        limits.LIMITS["post"] = saved
    return figures

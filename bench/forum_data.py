"""The forum benchmark's data: members, categories, topics, posts and everything that points at them.

Built to look to the forum exactly as if members had written it through
forum.services: counters and pointers agree with the rows (reply_count,
last_post, last_poster_name, helpful_count, category topic and post counts),
accepted answers are replies of their own question, helpful marks have their
reaction rows, a sample of members has TopicState rows, the measured members
have notifications, and every visible topic and reply is in the site search
index under its category's scope.

Speed comes from doing each expensive thing once: about a thousand Markdown
bodies are rendered and reused, rows get their primary keys here (so pointers
need no read-back), and they go in with COPY on PostgreSQL and executemany on
SQLite, through a loader that fills every column the code does not set with
the model field's default, so a new nullable or defaulted field in forum/
needs no change here. The search index is filled through
search.index.index_documents, its bulk API. ANALYZE runs at the end.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import NOT_PROVIDED
from django.urls import reverse
from django.utils import timezone

from bench.database import analyse_after_seeding, checkpoint_after_seeding
from bench.names import FIRST, LAST
from config.compat.allauth import TOTP, generate_totp_secret
from forum import access, privacy
from forum.models import (
    Category,
    CategoryPermission,
    Notification,
    Post,
    PostReaction,
    Topic,
    TopicState,
    WatchLevel,
    fill_root_categories,
)
from forum.rendering import plain_text, render_markdown
from forum.search_provider import POST_KIND, TOPIC_KIND
from members.models import User
from members.roles import MEMBER
from search.documents import IndexDocument
from search.index import index_documents, optimize_index
from taxonomy.models import Term

FULL = {
    "members": 10_000,
    "topics": 100_000,
    "posts": 1_000_000,
    "big_topic_replies": 1_000,
    "bodies": 1_000,
    "members_with_state": 1_000,
    "states_per_member": 20,
    "watchers_of_busy_topic": 50,
    "notifications": 300,
}
SMOKE = {
    "members": 50,
    "topics": 200,
    "posts": 2_000,
    "big_topic_replies": 100,
    "bodies": 60,
    "members_with_state": 10,
    "states_per_member": 5,
    "watchers_of_busy_topic": 10,
    "notifications": 40,
}
UNUSABLE_PASSWORD = make_password(None)
EMAIL_PREFIX = "forum-bench-"
CHUNK = 20_000

# (slug, name, parent slug, share of topics); "prosecutors" is for the Prosecutors group only.
CATEGORIES = [
    ("investigations", "Investigations", None, 14),
    ("labor-cases", "Labor trafficking cases", "investigations", 10),
    ("financial", "Financial investigation", "investigations", 8),
    ("digital-evidence", "Digital evidence", "investigations", 6),
    ("victim-services", "Victim services", None, 14),
    ("housing", "Housing and shelter", "victim-services", 7),
    ("immigration-relief", "Immigration relief", "victim-services", 6),
    ("operations", "Task force operations", None, 10),
    ("data", "Data and reporting", "operations", 6),
    ("training", "Training and TTA", None, 8),
    ("prevention", "Prevention and outreach", None, 8),
    ("prosecutors", "Prosecutors", None, 3),
]

OPENERS = [
    "How do you handle",
    "What worked for you with",
    "Looking for a template for",
    "Lessons learned on",
    "Who has experience with",
    "Best way to start",
    "Question about",
    "Sharing our approach to",
]
SUBJECTS = [
    "joint interviews with victim services",
    "hotel and motel outreach",
    "continued presence requests",
    "financial records in massage business cases",
    "H-2A visa labor cases",
    "shelter referrals after hours",
    "multidisciplinary case review",
    "online advertisement evidence",
    "restitution for survivors",
    "quarterly performance reporting",
    "MOUs with partner agencies",
    "school prevention curricula",
    "construction site inspections",
    "forfeiture and asset tracing",
    "language access in interviews",
    "trauma-informed training for patrol",
]
QUALIFIERS = ["in rural counties", "with a small team", "across state lines", "on a tight budget", "", ""]
SENTENCES = [
    "We brought the advocate into the planning meeting before the first interview.",
    "Our prosecutor asked for the bank records early, which saved weeks later.",
    "Hotel staff training cut the time from tip to response in half.",
    "The shelter agreed to hold two beds for after-hours referrals.",
    "Continued presence took about six weeks once the paperwork was complete.",
    "We now review every labor case with the Department of Labor on the call.",
    "Interpreters are booked through the victim services partner, never the employer.",
    "The quarterly report pulls straight from our case tracking spreadsheet.",
    "Patrol officers carry a one-page indicator card in their notebooks.",
    "Money transfer records showed the pattern better than any interview did.",
    "We keep survivor contact information out of shared case notes entirely.",
    "Forfeiture proceeds funded our second investigator position.",
    "Construction inspections with the labor department found wage theft first.",
    "Online advertisements were preserved the same day with a screenshot tool.",
    "Multidisciplinary case review meets every other Tuesday for ninety minutes.",
    "Restitution orders were larger once we documented the hours worked.",
    "School counsellors asked for a shorter version of the prevention session.",
    "Our MOU spells out who leads, who documents, and who contacts the survivor.",
    "Agricultural employers responded better to the joint visit than to letters.",
    "The regional tip line forwards leads to the coordinator within one hour.",
    "Trauma-informed practice meant fewer, shorter interviews and better evidence.",
    "Language access was the gap: half our referrals needed Spanish or Mam.",
    "We asked the grant monitor which measures actually matter for the review.",
    "Digital evidence from phones took months until we trained our own examiner.",
]
LIST_ITEMS = [
    "Pre-brief with the advocate",
    "Agree on breaks before starting",
    "Document the hours worked",
    "Preserve the advertisement the same day",
    "Book an independent interpreter",
    "Check continued presence eligibility",
    "Share the MOU with new partners",
    "Review the case at the next meeting",
]


@dataclass
class Body:
    markdown: str
    html: str
    text: str


@dataclass
class ForumData:
    """What the measurements need from the generated forum."""

    sizes: dict
    reader: User  # has read the big topic to the end, watches topics, has notifications
    newcomer: User  # has never opened the big topic: each view of it queues a read position
    posters: list
    big_topic_id: int
    busy_topic_id: int
    category_slug: str
    bodies: list
    counts: dict = field(default_factory=dict)


def _body_pool(count, rng):
    """About ``count`` distinct Markdown bodies, rendered once; none trips the privacy guard."""
    pool = []
    for n in range(count * 2):
        paragraphs = [" ".join(rng.sample(SENTENCES, rng.randint(1, 4))) for _ in range(rng.randint(1, 3))]
        if n % 3 == 0:
            paragraphs.append("\n".join(f"- {item}" for item in rng.sample(LIST_ITEMS, rng.randint(2, 4))))
        if n % 7 == 0:
            paragraphs.append(f"There is more in **the guide**: https://www.example.org/guide/{n}")
        if n % 11 == 0:
            paragraphs.append("We track it with `status = referred` in the spreadsheet.")
        markdown = "\n\n".join(paragraphs)
        if privacy.find_identifiers(markdown):
            continue
        html = render_markdown(markdown)
        pool.append(Body(markdown, html, plain_text(html)))
        if len(pool) == count:
            break
    return pool


class Loader:
    """Insert rows of one model fast: COPY on PostgreSQL, executemany on SQLite.

    ``columns`` names the attnames the caller gives, in order; every other
    concrete column gets its field's default (a new nullable or defaulted
    field is filled without change here; a new required one fails loudly).
    """

    def __init__(self, model, columns):
        self.model = model
        fields = [f for f in model._meta.concrete_fields]
        by_attname = {f.attname: f for f in fields}
        unknown = set(columns) - set(by_attname)
        if unknown:
            raise RuntimeError(
                f"{model.__name__} has no columns {sorted(unknown)}; update bench/forum_data.py"
            )
        self.template = []
        self.slots = []
        datetime_types = ("DateTimeField",)
        self.datetime_slots = set()
        if model._meta.pk.attname not in columns:
            fields = [f for f in fields if not f.primary_key]  # the database numbers them
        for position, f in enumerate(fields):
            if f.attname in columns:
                self.template.append(None)
                self.slots.append((position, columns.index(f.attname)))
                if f.get_internal_type() in datetime_types:
                    self.datetime_slots.add(position)
            elif f.has_default() or f.null or f.db_default is not NOT_PROVIDED:
                value = f.get_default() if f.has_default() else None
                self.template.append(f.get_db_prep_save(value, connection))
            else:
                raise RuntimeError(
                    f"{model.__name__}.{f.name} is required and has no default: "
                    "bench/forum_data.py must set it"
                )
        self.column_names = [f.column for f in fields]
        self.sqlite = connection.vendor == "sqlite"

    def _row(self, values):
        row = list(self.template)
        for position, index in self.slots:
            value = values[index]
            if self.sqlite and position in self.datetime_slots and value is not None:
                value = connection.ops.adapt_datetimefield_value(value)
            row[position] = value
        return row

    def load(self, rows) -> int:
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        names = ", ".join(quote(name) for name in self.column_names)
        count = 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for values in rows:
                        copy.write_row(self._row(values))
                        count += 1
            else:
                sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(self.column_names))})"
                batch = []
                for values in rows:
                    batch.append(self._row(values))
                    if len(batch) >= CHUNK:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        return count


def _next_id(model):
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _members(count, rng):
    member_group = Group.objects.get(name=MEMBER)
    now = timezone.now()
    User.objects.bulk_create(
        (
            User(
                email=f"{EMAIL_PREFIX}{n}@example.org",
                full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}",
                agency="Bench Agency",
                password=UNUSABLE_PASSWORD,  # they sign in through force_login, never a password
                status=User.Status.APPROVED,
                date_joined=now - datetime.timedelta(days=800),
            )
            for n in range(count)
        ),
        batch_size=2000,
    )
    users = list(
        User.objects.filter(email__startswith=EMAIL_PREFIX).order_by("pk").only("pk", "full_name", "email")
    )
    through = User.groups.through
    through.objects.bulk_create(
        (through(user_id=user.pk, group_id=member_group.pk) for user in users), batch_size=5000
    )
    return users


def _categories():
    created = {}
    for position, (slug, name, parent, _share) in enumerate(CATEGORIES):
        created[slug] = Category.objects.create(
            name=name, slug=f"bench-{slug}", parent=created.get(parent), position=position
        )
    prosecutors = Group.objects.get(name=access.PROSECUTORS)
    CategoryPermission.objects.create(category=created["prosecutors"], group=prosecutors)
    return created


def _reply_counts(topics, posts, big_replies, rng):
    """Replies per topic: the big topic, then the busy one, then the rest, summing exactly to the total."""
    left = posts - topics - big_replies
    others = topics - 1
    mean = left / others
    counts = [min(int(rng.expovariate(1 / mean)), 400) for _ in range(others)]
    counts[0] = max(counts[0], 5)  # the busy topic, which the bench replies to
    difference = left - sum(counts)
    while difference:
        i = rng.randrange(1, others)
        step = 1 if difference > 0 else -1
        if counts[i] + step >= 0:
            counts[i] += step
            difference -= step
    return [big_replies, *counts]


def _enrol(user):
    TOTP.activate(user, generate_totp_secret())  # the MFA gate only asks that an authenticator exists


def generate(smoke: bool, seed: int = 20261127, sizes: dict | None = None) -> ForumData:
    # ``sizes``: another scale (bench.posting_bench builds a tenth of FULL).
    sizes = sizes or (SMOKE if smoke else FULL)
    rng = random.Random(seed)
    bodies = _body_pool(sizes["bodies"], rng)
    with transaction.atomic():
        users = _members(sizes["members"], rng)
        categories = _categories()
    reader, newcomer, *posters = users[:12]
    for user in (reader, newcomer, *posters):
        _enrol(user)

    names = {user.pk: user.full_name for user in users}
    user_ids = [user.pk for user in users]
    open_categories = [c for slug, c in categories.items() if slug != "prosecutors"]
    weights = [share for *_rest, share in CATEGORIES]
    category_list = list(categories.values())
    terms = list(Term.objects.current().values_list("pk", "slug"))
    reply_counts = _reply_counts(sizes["topics"], sizes["posts"], sizes["big_topic_replies"], rng)

    topic_id = _next_id(Topic)
    post_id = _next_id(Post)
    now = timezone.now().replace(microsecond=0)
    span_seconds = 700 * 86400
    topic_rows, post_rows, tag_rows, reaction_rows, index_docs = [], [], [], [], []
    category_totals = {c.pk: [0, 0, None] for c in category_list}
    topics_meta = {}  # id -> (last_post_number, category_id, first post id)
    post_url = reverse("forum:post", args=[987654321, 123456789])
    topic_url = reverse("forum:topic", args=[987654321])
    total_posts = 0
    big_topic_id = topic_id
    busy_topic_id = topic_id + 1

    def url_for_post(tid, number):
        return post_url.replace("987654321", str(tid)).replace("123456789", str(number))

    for index, replies in enumerate(reply_counts):
        tid = topic_id + index
        if index == 0:
            category = open_categories[0]
        elif index == 1:
            category = open_categories[1]
        else:
            category = rng.choices(category_list, weights)[0]
        kind = Topic.Kind.QUESTION if index == 0 or rng.random() < 0.4 else Topic.Kind.DISCUSSION
        chosen_terms = rng.sample(terms, rng.randint(1 if kind == Topic.Kind.QUESTION else 0, 3))
        # Newest topics have the highest ids; the big topic's last reply is the latest post of all.
        started = now - datetime.timedelta(seconds=span_seconds * (1 - index / len(reply_counts)) + 7200)
        if index == 0:
            started = now - datetime.timedelta(days=4)
        step = 300 if index == 0 else rng.randint(60, 7200)
        title = f"{rng.choice(OPENERS)} {rng.choice(SUBJECTS)} {rng.choice(QUALIFIERS)}".strip()
        title = f"{title} ({tid})"
        post_count = replies + 1
        first_post = post_id
        helpful_total = 0
        author_ids = [rng.choice(user_ids) for _ in range(post_count)]
        if index == 0:
            author_ids[0] = posters[0].pk  # the reader never wrote in the big topic
        for number in range(1, post_count + 1):
            body = rng.choice(bodies)
            author = author_ids[number - 1]
            created = min(started + datetime.timedelta(seconds=step * (number - 1)), now)
            helpful = 0
            if rng.random() < 0.03 or (index == 0 and number % 10 == 0):
                markers = [u for u in rng.sample(user_ids, min(4, len(user_ids))) if u != author]
                helpful = len(markers[: rng.randint(1, 3)])
                reaction_rows.extend((u, post_id, "helpful", created) for u in markers[:helpful])
            helpful_total += helpful
            post_rows.append(
                (post_id, tid, number, author, names[author], body.markdown, body.html, helpful, created)
            )
            if number > 1:
                index_docs.append(
                    IndexDocument(
                        kind=POST_KIND,
                        key=str(post_id),
                        title=f"Re: {title}",
                        text=body.text,
                        url=url_for_post(tid, number),
                        scope=access.scope_for(category.pk),
                        updated_at=created,
                    )
                )
            else:
                index_docs.append(
                    IndexDocument(
                        kind=TOPIC_KIND,
                        key=str(tid),
                        title=title,
                        text=body.text,
                        url=topic_url.replace("987654321", str(tid)),
                        scope=access.scope_for(category.pk),
                        topics=tuple(slug for _pk, slug in chosen_terms),
                        updated_at=created,
                    )
                )
            post_id += 1
        last_post = post_id - 1
        last_at = post_rows[-1][8]
        accepted = None
        if kind == Topic.Kind.QUESTION and replies and (index == 0 or rng.random() < 0.5):
            accepted = first_post + rng.randint(1, replies)
        topic_rows.append(
            (
                tid,
                kind,
                title,
                category.pk,
                author_ids[0],
                names[author_ids[0]],
                accepted,
                post_count,
                replies,
                helpful_total,
                last_post,
                last_at,
                names[author_ids[-1]],
                started,
            )
        )
        tag_rows.extend((tid, pk) for pk, _slug in chosen_terms)
        totals = category_totals[category.pk]
        totals[0] += 1
        totals[1] += post_count
        totals[2] = max(totals[2], last_at) if totals[2] else last_at
        topics_meta[tid] = (post_count, category.pk, first_post)
        total_posts += post_count
        if len(post_rows) >= CHUNK * 5:
            _flush(topic_rows, post_rows, tag_rows, reaction_rows, index_docs)
    _flush(topic_rows, post_rows, tag_rows, reaction_rows, index_docs)

    with transaction.atomic():
        for pk, (topic_count, post_count, last_at) in category_totals.items():
            Category.objects.filter(pk=pk).update(
                topic_count=topic_count, post_count=post_count, last_post_at=last_at
            )
        states = _states(sizes, rng, users, reader, newcomer, topics_meta, big_topic_id, busy_topic_id)
        notifications = _notifications(sizes, rng, reader, topics_meta, big_topic_id)
    # Rows went in without save(): give each topic its top-level category (forum.models).
    fill_root_categories()
    _reset_sequences()
    _analyze()
    return ForumData(
        sizes=sizes,
        reader=reader,
        newcomer=newcomer,
        posters=posters,
        big_topic_id=big_topic_id,
        busy_topic_id=busy_topic_id,
        category_slug=open_categories[0].slug,
        bodies=bodies,
        counts={
            "members": len(users),
            "topics": len(reply_counts),
            "posts": total_posts,
            "topic states": states,
            "notifications of the measured member": notifications,
        },
    )


def existing(smoke: bool, seed: int = 20261127) -> ForumData:
    """The ForumData of a forum generate() built earlier in this database (a kept bench database)."""
    sizes = SMOKE if smoke else FULL
    bodies = _body_pool(sizes["bodies"], random.Random(seed))
    reader, newcomer, *posters = User.objects.filter(email__startswith=EMAIL_PREFIX).order_by("pk")[:12]
    first = Topic.objects.filter(category__slug__startswith="bench-").order_by("pk").first()
    return ForumData(
        sizes=sizes,
        reader=reader,
        newcomer=newcomer,
        posters=list(posters),
        big_topic_id=first.pk,
        busy_topic_id=first.pk + 1,
        category_slug=first.category.slug,
        bodies=bodies,
        counts={
            "topics": Topic.objects.count(),
            "posts": Post.objects.count(),
            "topic states": TopicState.objects.count(),
        },
    )


TOPIC_COLUMNS = [
    "id",
    "kind",
    "title",
    "category_id",
    "author_id",
    "author_name",
    "accepted_post_id",
    "last_post_number",
    "reply_count",
    "helpful_count",
    "last_post_id",
    "last_post_at",
    "last_poster_name",
    "created_at",
]
POST_COLUMNS = [
    "id",
    "topic_id",
    "number",
    "author_id",
    "author_name",
    "body_markdown",
    "body_html",
    "helpful_count",
    "created_at",
]


def _flush(topic_rows, post_rows, tag_rows, reaction_rows, index_docs):
    """Write what has been built so far, in one transaction, and empty the lists."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Topics and posts point at each other; check the keys at commit, not row by row.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        Loader(Topic, TOPIC_COLUMNS).load(topic_rows)
        Loader(Post, POST_COLUMNS).load(post_rows)
        Loader(Topic.tags.through, ["topic_id", "term_id"]).load(tag_rows)
        Loader(PostReaction, ["user_id", "post_id", "kind", "created_at"]).load(reaction_rows)
        index_documents(index_docs)
    for rows in (topic_rows, post_rows, tag_rows, reaction_rows, index_docs):
        rows.clear()


def _states(sizes, rng, users, reader, newcomer, topics_meta, big_topic_id, busy_topic_id):
    """Read positions and watch levels: a sample of members, the reader, and the busy topic's watchers."""
    topic_ids = list(topics_meta)
    rows = {}
    levels = [WatchLevel.NORMAL] * 6 + [WatchLevel.WATCHING] * 3 + [WatchLevel.TRACKING, WatchLevel.MUTED]
    others = [u for u in users if u.pk not in (reader.pk, newcomer.pk)]
    for user in rng.sample(others, min(sizes["members_with_state"], len(others))):
        for tid in rng.sample(topic_ids, sizes["states_per_member"]):
            rows[(user.pk, tid)] = (user.pk, tid, rng.randint(1, topics_meta[tid][0]), rng.choice(levels))
    for user in rng.sample(others, sizes["watchers_of_busy_topic"]):
        rows[(user.pk, busy_topic_id)] = (user.pk, busy_topic_id, 1, WatchLevel.WATCHING)
    # The reader has read the big topic to the end (re-reading writes nothing) and follows
    # a few hundred topics, some with new posts since.
    rows[(reader.pk, big_topic_id)] = (reader.pk, big_topic_id, topics_meta[big_topic_id][0], "watching")
    prosecutors = Category.objects.get(slug="bench-prosecutors").pk
    for tid in rng.sample(topic_ids, min(300, len(topic_ids))):
        if tid != big_topic_id and topics_meta[tid][1] != prosecutors:
            last = topics_meta[tid][0]
            rows[(reader.pk, tid)] = (reader.pk, tid, rng.randint(1, last), rng.choice(levels))
    return Loader(TopicState, ["user_id", "topic_id", "last_read_post_number", "watch_level"]).load(
        rows.values()
    )


def _notifications(sizes, rng, reader, topics_meta, big_topic_id):
    """The reader's notifications: new posts in topics they watch, newest unread."""
    watched = list(
        TopicState.objects.filter(user=reader, watch_level=WatchLevel.WATCHING).values_list(
            "topic_id", flat=True
        )
    )
    posts = (
        Post.objects.filter(topic_id__in=watched, number__gt=1)
        .exclude(author=reader)
        .order_by("-created_at")
        .values_list("pk", "topic_id", "author_name", "created_at")[: sizes["notifications"]]
    )
    rows = []
    for position, (pk, tid, actor, created) in enumerate(posts):
        read_at = None if position < len(posts) // 5 else created + datetime.timedelta(hours=2)
        rows.append((reader.pk, Notification.Kind.WATCHED_POST, tid, pk, actor, created, read_at))
    return Loader(
        Notification, ["user_id", "kind", "topic_id", "post_id", "actor_name", "created_at", "read_at"]
    ).load(rows)


def _reset_sequences():
    """Explicit keys went in; move PostgreSQL's sequences past them (SQLite follows by itself)."""
    if connection.vendor != "postgresql":
        return
    models = [Topic, Post, PostReaction, TopicState, Notification, Topic.tags.through]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _analyze():
    optimize_index()
    analyse_after_seeding()
    checkpoint_after_seeding()

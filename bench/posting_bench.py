"""Posting under load (issue 18): 50 members at once post replies through gunicorn, beside the bare view.

The forum is built by bench.forum_data at a tenth of the forum bench's scale
(2,000 members, 10,000 topics, 100,000 posts; smoke: its smoke size). Every
member who posts is signed in up front (a session with the second factor
passed, as the forum bench does), then opens the reply form once through the
server, as a browser does, which gives it the CSRF cookie and token. Each member
replies to one topic of a set (the busy topic, watched by 50, among them), so a
topic has a few dozen posters and the fan-out stays a fan-out.

Then gunicorn (2 sync workers, bench.forum_settings, the database task backend)
takes, for ``seconds``, POSTs from ``clients`` threads of bench.forum_load's
client, each thread cycling through its own members; and, in the same run, the
bare 10 KB view from as many threads. Each reply's body carries a unique
marker, so afterwards the bench checks, against the rows:

- every reply that got a success answer (a redirect to the post) is in the
  database exactly once, at the number the redirect named; no other reply
  was written (one whose answer never came is counted apart);
- each topic's reply_count, last_post_number, last_post and last poster, and
  each category's post_count, topic_count and last_post_at, are what the rows say;
- after the task queue is drained (the database worker, in batch mode, in this
  process), each reply is in the search index and every member watching its
  topic has exactly one notification of it.

Figures: replies/s, bare req/s, their ratio (target: at least 10%), latencies,
errors, and what the checks found (target: all zero).
"""

import html
import http.client
import random
import re
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.db.models import Count, Max, Q, Sum
from django.test import Client, override_settings

from bench import forum_data, forum_load
from config.compat.allauth import TOTP, generate_totp_secret
from forum.models import Category, Notification, Post, Topic, WatchLevel
from forum.notifications.services import watch_levels
from forum.search_provider import POST_KIND
from members.models import User
from search.models import IndexEntry

BENCH_VAR = Path(__file__).resolve().parent.parent / "var" / "bench"
DATA_SIZES = {
    **forum_data.FULL,
    "members": 2_000,
    "topics": 10_000,
    "posts": 100_000,
    "bodies": 300,
    "members_with_state": 200,
}
FULL = {"members": 2_000, "topics": 40, "clients": 50, "seconds": 20, "warm_up_seconds": 2}
# In-process (an in-memory SQLite test database) one connection serves every thread, so one client.
# Each member may post 20 replies in 10 minutes (forum.limits): 40 members stay under it at the
# smoke's rate (about 200 replies/s for 1.8 s).
SMOKE = {"members": 40, "topics": 3, "clients": 4, "seconds": 1.5, "warm_up_seconds": 0.3}
TARGET_SHARE = 0.10
# The figures that must be 0 (target: nothing lost, doubled or miscounted); "problems" is their sum.
PROBLEMS = (
    "posting replies: errors",
    "bare 10 KB view: errors",
    "server log: 'database is locked'",
    "server log: tracebacks",
    "lost replies (success answered, not in the database)",
    "doubled replies",
    "replies not where their redirect said",
    "extra replies (no success answer)",
    "counters wrong",
    "replies not in the search index after the tasks ran",
    "watchers not notified",
    "notifications doubled",
)
MARKER = re.compile(r"pbmark(\d+)x(\d+)")
REDIRECT_TO_POST = re.compile(r"/forum/t/(\d+)/p/(\d+)/")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notebooks"]}
}


class Poster:
    """One member's signed-in browser: the session and CSRF cookies and the form's token."""

    def __init__(self, user, topic_id, session):
        self.user = user
        self.topic_id = topic_id
        self.session = session
        self.cookie = f"sessionid={session}"
        self.token = None


def _sign_in(users, topic_ids):
    posters = []
    # forum_data enrolled its measured members already; the MFA gate asks only that one exists.
    enrolled = set(Authenticator.objects.filter(user__in=users).values_list("user_id", flat=True))
    for n, user in enumerate(users):
        if user.pk not in enrolled:
            TOTP.activate(user, generate_totp_secret())
        client = Client()
        client.force_login(user)
        posters.append(Poster(user, topic_ids[n % len(topic_ids)], client.cookies["sessionid"].value))
    return posters


def _open_form(server, poster):
    """GET the reply form as a browser does: the session's first request, and the CSRF cookie and token."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
    try:
        conn.request("GET", f"/forum/t/{poster.topic_id}/reply/", headers={"Cookie": poster.cookie})
        response = conn.getresponse()
        page = response.read().decode()
    finally:
        conn.close()
    found = TOKEN.search(page)
    cookies = response.headers.get_all("Set-Cookie") or []
    csrf = next((c.split(";")[0] for c in cookies if c.startswith("csrftoken=")), None)
    if response.status != 200 or not found or not csrf:
        raise RuntimeError(f"the reply form of topic {poster.topic_id} answered {response.status}")
    poster.token = html.unescape(found.group(1))
    poster.cookie = f"{poster.cookie}; {csrf}"


class Run:
    """The replies sent and what each got back, by marker."""

    def __init__(self, server, posters, clients, bodies):
        self.origin = f"http://{server.host}:{server.port}"
        self.by_thread = [posters[n::clients] for n in range(clients)]
        self.bodies = bodies
        self.sent = [0] * clients
        self.answers = {}  # marker -> (status, Location) or None when no answer came
        self.lock = threading.Lock()

    def make_request(self, thread):
        n = self.sent[thread]
        self.sent[thread] += 1
        mine = self.by_thread[thread]
        poster = mine[n % len(mine)]
        marker = f"pbmark{thread}x{n}"
        body = f"{self.bodies[(thread * 7919 + n) % len(self.bodies)]}\n\nReply {marker}."
        form = urlencode({"csrfmiddlewaretoken": poster.token, "body": body}).encode()
        headers = {
            "Cookie": poster.cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
        }
        return "POST", f"/forum/t/{poster.topic_id}/reply/", form, headers, (marker, poster)

    def answered(self, tag, response):
        marker, _poster = tag
        answer = None if response is None else (response.status, response.getheader("Location", ""))
        with self.lock:
            self.answers[marker] = answer


def _check_posts(run, first_new_pk):
    """Each success answer's reply exactly once where the redirect said; nothing else written."""
    found = defaultdict(list)
    for pk, topic_id, number, body in Post.objects.filter(pk__gte=first_new_pk).values_list(
        "pk", "topic_id", "number", "body_markdown"
    ):
        match = MARKER.search(body)
        found[match.group(0) if match else None].append((pk, topic_id, number))
    succeeded, unanswered, refused = {}, set(), 0
    for marker, answer in run.answers.items():
        if answer is None:
            unanswered.add(marker)
            continue
        status, location = answer
        where = REDIRECT_TO_POST.search(location) if status == 302 else None
        if where:
            succeeded[marker] = (int(where.group(1)), int(where.group(2)))
        else:
            refused += 1
    lost = [marker for marker in succeeded if marker not in found]
    doubled = [marker for marker, rows in found.items() if len(rows) > 1]
    misplaced = [
        marker
        for marker, place in succeeded.items()
        if marker in found and (found[marker][0][1], found[marker][0][2]) != place
    ]
    extra = [marker for marker in found if marker not in succeeded and marker not in unanswered]
    return {
        "replies answered with a redirect to the post": len(succeeded),
        "replies refused (other answers)": refused,
        "replies with no answer (timeouts)": len(unanswered),
        "replies with no answer that were written": len(unanswered & set(found)),
        "lost replies (success answered, not in the database)": len(lost),
        "doubled replies": len(doubled),
        "replies not where their redirect said": len(misplaced),
        "extra replies (no success answer)": len(extra),
    }


def _visible(prefix=""):
    return Q(
        **{f"{prefix}is_deleted": False, f"{prefix}is_hidden": False, f"{prefix}awaiting_approval": False}
    )


def _check_counters(topic_ids):
    """Counters and pointers of the topics posted to and their categories, against the rows."""
    wrong = []
    for topic in Topic.objects.filter(pk__in=topic_ids):
        posts = Post.objects.filter(topic=topic)
        numbers = posts.aggregate(n=Count("pk"), top=Max("number"))
        visible = posts.filter(_visible()).order_by("-number")
        last = visible.first()
        if topic.last_post_number != numbers["top"] or numbers["top"] != numbers["n"]:
            wrong.append(f"topic {topic.pk} last_post_number")
        if topic.reply_count != visible.count() - 1:
            wrong.append(f"topic {topic.pk} reply_count")
        if (topic.last_post_id, topic.last_post_at, topic.last_poster_name) != (
            last.pk,
            last.created_at,
            last.author_name,
        ):
            wrong.append(f"topic {topic.pk} last post")
    categories = Topic.objects.filter(pk__in=topic_ids).values_list("category_id", flat=True)
    for category in Category.objects.filter(pk__in=categories):
        listed = Topic.objects.filter(category=category, is_deleted=False, awaiting_approval=False)
        totals = listed.aggregate(topics=Count("pk"), replies=Sum("reply_count"), last=Max("last_post_at"))
        if (category.topic_count, category.post_count, category.last_post_at) != (
            totals["topics"],
            totals["topics"] + (totals["replies"] or 0),
            totals["last"],
        ):
            wrong.append(f"category {category.slug}")
    return wrong


def _drain():
    """Run every queued task as the database worker would, until none is left."""
    started = time.perf_counter()
    with override_settings(TASKS=DATABASE_TASKS):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "default")
    return time.perf_counter() - started


def _check_after_tasks(first_new_pk, topic_ids):
    """Each new visible reply indexed, and each member watching its topic told once (none doubled)."""
    new = list(
        Post.objects.filter(_visible(), pk__gte=first_new_pk).values_list("pk", "topic_id", "author_id")
    )
    indexed = set(
        IndexEntry.objects.filter(kind=POST_KIND, key__in=[str(pk) for pk, _t, _a in new]).values_list(
            "key", flat=True
        )
    )
    watchers = {}
    for topic in Topic.objects.filter(pk__in=topic_ids).select_related("category"):
        levels = watch_levels(topic)
        watchers[topic.pk] = {user for user, level in levels.items() if level == WatchLevel.WATCHING}
    told = defaultdict(Counter)
    for post_id, user_id in Notification.objects.filter(post_id__gte=first_new_pk).values_list(
        "post_id", "user_id"
    ):
        told[post_id][user_id] += 1
    missed = doubled = 0
    for pk, topic_id, author_id in new:
        missed += len(watchers[topic_id] - {author_id} - set(told[pk]))
        doubled += sum(count - 1 for count in told[pk].values() if count > 1)
    return {
        "replies not in the search index after the tasks ran": len(new) - len(indexed),
        "watchers not notified": missed,
        "notifications doubled": doubled,
        "notifications of the new replies": sum(sum(c.values()) for c in told.values()),
    }


def run(smoke: bool) -> dict:
    sizes = SMOKE if smoke else FULL
    figures = {}
    started = time.perf_counter()
    data = forum_data.generate(smoke, sizes=None if smoke else DATA_SIZES)
    figures["generate (s)"] = time.perf_counter() - started
    figures.update(data.counts)
    return measure(data, sizes, figures)


def measure(data, sizes, figures) -> dict:
    open_topics = (
        Topic.objects.exclude(category__slug="bench-prosecutors")
        .filter(is_deleted=False, is_locked=False, is_closed=False, awaiting_approval=False)
        .exclude(pk=data.big_topic_id)
        .order_by("pk")
    )
    topic_ids = list(open_topics.values_list("pk", flat=True)[: sizes["topics"]])
    users = list(
        User.objects.filter(email__startswith=forum_data.EMAIL_PREFIX).order_by("pk")[: sizes["members"]]
    )
    use_gunicorn = forum_load.shareable_database()
    clients = sizes["clients"] if use_gunicorn else 1
    figures["load server"] = "gunicorn, 2 sync workers" if use_gunicorn else "in-process test server"
    figures["clients"] = clients
    figures["members posting"] = len(users)
    figures["topics posted to"] = len(topic_ids)
    started = time.perf_counter()
    posters = _sign_in(users, topic_ids)
    figures["sign-ins (s)"] = time.perf_counter() - started
    bodies = [body.markdown for body in data.bodies]
    random.Random(18).shuffle(bodies)
    first_new_pk = (Post.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    server_cm = forum_load.gunicorn(BENCH_VAR) if use_gunicorn else forum_load.in_process_server()
    with override_settings(TASKS=DATABASE_TASKS), server_cm as server:
        started = time.perf_counter()
        # In-process, the one shared connection takes one request at a time.
        with ThreadPoolExecutor(max_workers=8 if use_gunicorn else 1) as pool:
            list(pool.map(lambda poster: _open_form(server, poster), posters))
        figures["reply forms opened (s)"] = time.perf_counter() - started
        forum_load.load(
            server.host, server.port, "/bench-bare/", cookie=None, seconds=sizes["warm_up_seconds"], threads=2
        )
        run = Run(server, posters, clients, bodies)
        posting = forum_load.load(
            server.host,
            server.port,
            None,
            cookie=None,
            seconds=sizes["seconds"],
            threads=clients,
            expect=302,
            server_pid=server.pid,
            make_request=run.make_request,
            answered=run.answered,
        )
        bare = forum_load.load(
            server.host,
            server.port,
            "/bench-bare/",
            cookie=None,
            seconds=sizes["seconds"],
            threads=clients,
            server_pid=server.pid,
        )
        log = server.log_text()
    figures.update(posting.figures("posting replies"))
    figures.update(bare.figures("bare 10 KB view"))
    share = posting.per_second / bare.per_second if bare.per_second else 0.0
    figures["posting / bare"] = share
    figures["posting statuses"] = ", ".join(f"{k}: {v}" for k, v in sorted(posting.statuses.items(), key=str))
    figures["server log: 'database is locked'"] = log.count("database is locked")
    figures["server log: tracebacks"] = log.count("Traceback")

    figures.update(_check_posts(run, first_new_pk))
    wrong = _check_counters(topic_ids)
    figures["counters wrong"] = len(wrong)
    figures["counters wrong (which)"] = "; ".join(wrong[:10]) or "none"
    figures["tasks queued"] = _queued()
    figures["task queue drained in (s)"] = _drain()
    figures.update(_check_after_tasks(first_new_pk, topic_ids))

    problems = sum(figures[name] for name in PROBLEMS)
    figures["problems"] = problems
    missed = [] if share >= TARGET_SHARE else [f"posting {share:.1%} of the bare view < {TARGET_SHARE:.0%}"]
    figures["targets missed"] = "; ".join(missed + (["problems found"] if problems else [])) or "none"
    return figures


def _queued():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="READY").count()

"""TTA matching at scale: 100 task forces, 10,000 members, 5,000 resources and practices.

Full mode builds 100 task forces, each with a submitted needs assessment in an
open cycle (every practice area and phase rated), 10,000 approved members
spread over them with one to three areas of declared expertise, and 5,000
resource and practice entries in the site search index tagged with one to
three areas and up to two audiences (smoke: 5 task forces, 100 members, 100
entries), and a forum of 10,000 questions (smoke: 50) in eight categories,
two of them restricted to prosecutors, each tagged with one to three areas,
with an accepted answer by a random member on three in five. It then times
tta.matching for one request and for one assessment need: wall-clock
milliseconds, median and 95th percentile over repeated runs, after one warm-up
call. Rows go in with bulk_create (and index_documents for the index): the
bench measures matching, not loading.

It times the matcher twice: straight after the bulk load, when PostgreSQL has
no planner statistics for the new rows, and after ANALYZE, which is what a live
database has (autovacuum analyzes a table once enough of it has changed). The
target applies to the second.
"""

import datetime
import random
import statistics
import time

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from forum.access import PROSECUTORS
from forum.models import Category, CategoryPermission, Post, Topic, fill_root_categories
from members.models import FederalRegion, TaskForce, User
from members.roles import MEMBER
from search.documents import IndexDocument
from search.index import index_documents, optimize_index
from search.models import IndexEntry
from taxonomy.models import Facet, Term
from tta.matching import match_need, match_request, needs_of
from tta.models import RATED_FACETS, AreaRating, Cycle, Match, NeedsAssessment, TTARequest
from tta.services.matches import store_proposals

FULL = {"task_forces": 100, "members": 10_000, "entries": 5_000, "questions": 10_000, "repeats": 50}
SMOKE = {"task_forces": 5, "members": 100, "entries": 100, "questions": 50, "repeats": 5}
TARGET_P95_MS = 100
UNUSABLE_PASSWORD = make_password(None)
TOPIC_SLUG = "coordination"
STATES = "OH TX FL GA AZ NV OR MI IL VA KS UT CA NY WA".split()


def _percentile_95(samples):
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def _time_ms(fn, repeats):
    fn()  # warm-up, as a live site would be
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), _percentile_95(samples)


def _task_forces(count):
    regions = [value for value, _ in FederalRegion.choices]
    TaskForce.objects.bulk_create(
        TaskForce(
            name=f"Bench Task Force {n:03d}", state=STATES[n % len(STATES)], region=regions[n % len(regions)]
        )
        for n in range(count)
    )
    return list(TaskForce.objects.filter(name__startswith="Bench Task Force ").order_by("pk"))


def _members(count, task_forces, areas, rng):
    User.objects.bulk_create(
        User(
            email=f"bench-{n}@example.org",
            full_name=f"Bench Member {n:05d}",
            agency="Bench Agency",
            password=UNUSABLE_PASSWORD,  # nobody signs in as these people
            status=User.Status.APPROVED,
            task_force=task_forces[n % len(task_forces)],
        )
        for n in range(count)
    )
    ids = list(User.objects.filter(email__startswith="bench-").values_list("pk", flat=True))
    member_group = Group.objects.get(name=MEMBER)
    User.groups.through.objects.bulk_create(
        (User.groups.through(user_id=pk, group_id=member_group.pk) for pk in ids), batch_size=2000
    )
    User.expertise.through.objects.bulk_create(
        (
            User.expertise.through(user_id=pk, term_id=term.pk)
            for pk in ids
            for term in rng.sample(areas, rng.randint(1, 3))
        ),
        batch_size=2000,
    )
    return len(ids)


def _entries(count, areas, audiences, rng):
    def documents():
        for n in range(count):
            kind = "resource" if n % 3 else "practice"
            topics = [t.slug for t in rng.sample(areas, rng.randint(1, 3))]
            topics += [t.slug for t in rng.sample(audiences, rng.randint(0, 2))]
            yield IndexDocument(
                kind=kind,
                key=f"bench-{n}",
                title=f"Bench {kind} {n:05d}",
                text=f"A {kind} on {', '.join(topics)} for task forces.",
                url=f"/{kind}s/bench-{n}/",
                scope="public" if n % 2 else "members",
                topics=tuple(topics),
            )

    loaded = index_documents(documents())
    optimize_index()
    return loaded


def _forum(count, areas, rng):
    """Questions in open and prosecutors-only categories; three in five have an accepted answer."""
    prosecutors = Group.objects.get(name=PROSECUTORS)
    categories = []
    for n in range(8):
        restricted = n >= 6  # a prosecutors-only category and a sub-category of it
        parent = categories[6] if n == 7 else None
        category = Category.objects.create(name=f"Bench category {n}", slug=f"bench-{n}", parent=parent)
        if restricted and parent is None:
            CategoryPermission.objects.create(category=category, group=prosecutors)
        categories.append(category)
    people = list(User.objects.filter(email__startswith="bench-").values_list("pk", "full_name"))
    asked = [rng.choice(people) for _ in range(count)]
    Topic.objects.bulk_create(
        (
            Topic(
                kind=Topic.Kind.QUESTION,
                title=f"Bench question {n:05d}",
                category=categories[n % len(categories)],
                author_id=asked[n][0],
                author_name=asked[n][1],
                last_post_number=2,
                reply_count=1,
            )
            for n in range(count)
        ),
        batch_size=2000,
    )
    topics = list(Topic.objects.filter(title__startswith="Bench question ").order_by("pk"))
    # bulk_create skips Topic.save, which keeps the stored top-level category.
    fill_root_categories(Topic.objects.filter(title__startswith="Bench question "))
    Topic.tags.through.objects.bulk_create(
        (
            Topic.tags.through(topic_id=topic.pk, term_id=term.pk)
            for topic in topics
            for term in rng.sample(areas, rng.randint(1, 3))
        ),
        batch_size=2000,
    )
    answerers = [rng.choice(people) for _ in topics]
    Post.objects.bulk_create(
        (
            Post(
                topic=topic,
                number=number,
                author_id=author[0],
                author_name=author[1],
                body_markdown="Bench text.",
                body_html="<p>Bench text.</p>",
            )
            for topic, answerer, asker in zip(topics, answerers, asked, strict=True)
            for number, author in ((1, asker), (2, answerer))
        ),
        batch_size=2000,
    )
    answers = dict(Post.objects.filter(topic__in=topics, number=2).values_list("topic_id", "pk"))
    accepted = [t for t in topics if rng.random() < 0.6]
    for topic in accepted:
        topic.accepted_post_id = answers[topic.pk]
    Topic.objects.bulk_update(accepted, ["accepted_post"], batch_size=2000)
    return len(accepted)


def _analyze():
    """Refresh the planner's statistics, as autovacuum does on a live PostgreSQL database."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _assessments(cycle, task_forces, areas, audiences, rng):
    now = timezone.now()
    NeedsAssessment.objects.bulk_create(
        NeedsAssessment(
            task_force=tf,
            cycle=cycle,
            status=NeedsAssessment.Status.SUBMITTED,
            preferred_delivery=["virtual"],
            submitted_at=now,
        )
        for tf in task_forces
    )
    assessments = list(NeedsAssessment.objects.filter(cycle=cycle).order_by("pk"))
    AreaRating.objects.bulk_create(
        (
            AreaRating(assessment=a, term=t, capacity=rng.randint(1, 5), priority=rng.randint(1, 5))
            for a in assessments
            for t in areas
        ),
        batch_size=2000,
    )
    NeedsAssessment.audiences.through.objects.bulk_create(
        NeedsAssessment.audiences.through(needsassessment_id=a.pk, term_id=t.pk)
        for a in assessments
        for t in rng.sample(audiences, 2)
    )
    return assessments


def run(smoke: bool) -> dict:
    sizes = SMOKE if smoke else FULL
    rng = random.Random(20261127)
    areas = list(Term.objects.current().filter(facet__in=RATED_FACETS).order_by("pk"))
    audiences = list(Term.objects.current().of_facet(Facet.AUDIENCE).order_by("pk"))
    topic = Term.objects.get(slug=TOPIC_SLUG)
    figures = {}

    started = time.perf_counter()
    task_forces = _task_forces(sizes["task_forces"])
    figures["members loaded"] = _members(sizes["members"], task_forces, areas, rng)
    figures["index entries loaded"] = _entries(sizes["entries"], areas, audiences, rng)
    today = timezone.localdate()
    cycle = Cycle.objects.create(
        name="Bench cycle",
        opens=today - datetime.timedelta(days=30),
        closes=today + datetime.timedelta(days=300),
        is_open=True,
    )
    assessments = _assessments(cycle, task_forces, areas, audiences, rng)
    figures["task forces with submitted assessments"] = len(assessments)
    figures["forum questions"] = sizes["questions"]
    figures["forum accepted answers"] = _forum(sizes["questions"], areas, rng)
    figures["area ratings"] = AreaRating.objects.filter(assessment__cycle=cycle).count()
    figures["setup (s)"] = time.perf_counter() - started

    tta_request = TTARequest.objects.create(
        task_force=task_forces[0],
        topic=topic,
        audience=audiences[0],
        description="Help standing up a multidisciplinary case review.",
    )
    candidates = match_request(tta_request)
    figures["request: candidates proposed"] = len(candidates)
    figures["request: peer members with a forum record"] = sum("forum" in c.reason for c in candidates)
    figures["request: content entries on the topic"] = _entries_on(topic)
    # The need with the widest gap in an assessment that has one; every rating is random, so some do.
    assessment, need = next((a, needs[0].term) for a in assessments if (needs := needs_of(a)))
    figures["need: candidates proposed"] = len(match_need(assessment, need))

    for label in ("before ANALYZE", "after ANALYZE"):
        if label == "after ANALYZE":
            _analyze()
        median, p95 = _time_ms(lambda: match_request(tta_request), sizes["repeats"])
        figures[f"match_request {label}: median ms"] = median
        figures[f"match_request {label}: p95 ms"] = p95
        median, p95 = _time_ms(lambda: match_need(assessment, need), sizes["repeats"])
        figures[f"match_need {label}: median ms"] = median
        figures[f"match_need {label}: p95 ms"] = p95

    # What a staff member waits for on "Find matches": the matcher plus storing the proposals.
    median, _ = _time_ms(lambda: _store(tta_request), max(3, sizes["repeats"] // 5))
    figures["store proposals for the request: median ms"] = median
    figures["p95 target (ms), after ANALYZE"] = TARGET_P95_MS
    figures["within target"] = (
        "yes"
        if max(figures["match_request after ANALYZE: p95 ms"], figures["match_need after ANALYZE: p95 ms"])
        <= TARGET_P95_MS
        else "NO"
    )
    return figures


def _entries_on(topic):
    return IndexEntry.objects.filter(
        kind__in=["resource", "practice"], topics__contains=f" {topic.slug} "
    ).count()


def _store(tta_request):
    Match.objects.filter(request=tta_request).delete()
    store_proposals(tta_request, match_request(tta_request))

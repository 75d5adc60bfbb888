"""Search at scale: bulk-load profile-like entries, then time one- and two-word searches.

Full mode loads 200,000 entries (smoke: 500) through index_documents, three in
four in the "members" scope (kind "profile") and one in four "public" (kind
"practice", same text shape), then times search() as a member and as an
anonymous visitor. Figures are wall-clock milliseconds: median and 95th
percentile over repeated runs of each query.
"""

import functools
import operator
import random
import statistics
import time

from django.contrib.auth.models import AnonymousUser, Group

from bench.names import FIRST, LAST
from bench.timing import percentile_95
from members.models import User
from members.roles import MEMBER
from search.documents import IndexDocument
from search.index import index_changed, index_document, index_documents, optimize_index, search
from taxonomy.vocabulary import AUDIENCES, PRACTICE_AREAS, TRAFFICKING_TYPES

FULL_ENTRIES = 200_000
SMOKE_ENTRIES = 500
QUERIES = [
    "trafficking",  # in most entries: the worst case for ranking
    "hospitality",  # in some
    "quintanilla",  # a rare surname: a few dozen entries
    "labor trafficking",
    "victim services",
    "financial investig",  # the last word matches as a prefix
]

RARE_LAST = "Quintanilla"
STATES = "Ohio Texas Florida Georgia Arizona Nevada Oregon Michigan Illinois Virginia Kansas Utah".split()
AGENCY_KINDS = [
    "County Sheriff's Office",
    "Police Department",
    "District Attorney's Office",
    "Victim Services Center",
    "Legal Aid Society",
    "State Bureau of Investigation",
    "U.S. Attorney's Office",
    "Department of Labor",
]
ROLES = ["Law enforcement", "Prosecutor", "Victim services", "Task force coordinator", "Researcher", "Other"]
EXPERTISE = [
    *PRACTICE_AREAS,
    *AUDIENCES,
    *TRAFFICKING_TYPES,
    *functools.reduce(operator.iadd, TRAFFICKING_TYPES.values(), []),
]
SENTENCES = [
    "Works hotel and motel outreach with hospitality staff.",
    "Leads multidisciplinary case review with prosecutors.",
    "Coordinates victim services and shelter referrals.",
    "Trains patrol officers to recognise indicators of labor trafficking.",
    "Builds financial investigations from bank records and money transfers.",
    "Interviews survivors using trauma-informed practice.",
    "Runs the regional tip line and follows up on leads.",
    "Works with agricultural employers and farmworker advocates.",
    "Analyses incident data for the quarterly performance report.",
    "Partners with schools on prevention for minors.",
    "Handles digital evidence from online advertisements.",
    "Supports construction-site inspections with the labor department.",
]


def _slug(name):
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


def generate(count, seed=20240601):
    """Profile-like documents, the same every run for a given count."""
    rng = random.Random(seed)
    task_forces = [
        f"{state} {place} Human Trafficking Task Force" for state in STATES for place in ("North", "Metro")
    ]
    for n in range(count):
        last = RARE_LAST if n % 2501 == 17 else rng.choice(LAST)
        expertise = rng.sample(EXPERTISE, rng.randint(1, 4))
        public = n % 4 == 3
        text = " · ".join(
            [
                f"{rng.choice(STATES)} {rng.choice(AGENCY_KINDS)}",
                rng.choice(ROLES),
                rng.choice(task_forces) if rng.random() < 0.8 else "Regional anti-exploitation coalition",
                ", ".join(expertise),
                " ".join(rng.sample(SENTENCES, rng.randint(1, 3))),
            ]
        )
        yield IndexDocument(
            kind="practice" if public else "profile",
            key=f"bench-{n}",
            title=f"{rng.choice(FIRST)} {last}",
            text=text,
            url=f"/members/{n}/",
            scope="public" if public else "members",
            topics=tuple(_slug(name) for name in expertise),
        )


def _member():
    user = User.objects.create_user(
        email="bench-member@example.org",
        full_name="Bench Member",
        agency="Bench",
        status=User.Status.APPROVED,
    )
    user.groups.add(Group.objects.get(name=MEMBER))
    return user


def _time_ms(fn, repeats, before=None):
    samples = []
    for _ in range(repeats):
        if before:
            before()
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), percentile_95(samples)


def run(smoke: bool) -> dict:
    entries = SMOKE_ENTRIES if smoke else FULL_ENTRIES
    repeats = 3 if smoke else 15
    figures = {}

    started = time.perf_counter()
    loaded = index_documents(generate(entries))
    load_s = time.perf_counter() - started
    figures["entries loaded"] = loaded
    figures["bulk load (s)"] = load_s
    figures["bulk load (entries/s)"] = loaded / load_s
    started = time.perf_counter()
    optimize_index()  # as rebuild_search_index does after a full reindex
    figures["optimize_index after load (s)"] = time.perf_counter() - started

    docs = list(generate(50, seed=7))
    updates = iter(docs)
    median, _ = _time_ms(lambda: index_document(next(updates)), len(docs))
    figures["index_document one upsert: median ms"] = median

    visitors = {"member": _member(), "anonymous": AnonymousUser()}
    for query in QUERIES:
        for who, user in visitors.items():
            hits = search(query, user=user).total  # also warms caches, as a live site would be
            # The query itself is timed, not search()'s result cache: it is emptied before each run.
            median, p95 = _time_ms(lambda q=query, u=user: search(q, user=u), repeats, before=index_changed)
            figures[f"{query!r} as {who}: hits"] = hits
            figures[f"{query!r} as {who}: median ms"] = median
            figures[f"{query!r} as {who}: p95 ms"] = p95
    return figures

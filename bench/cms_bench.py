"""Knowledge base at 5,000 pages: server time of home, a filtered index, an article and search.

Full mode seeds the demo site (``cms.demo.seed``), then adds 5,000 pages under
it (smoke: 30): three in five best practices spread across every phase,
practice area, trafficking type, audience and evidence level, three in ten
resources, one in ten evidence briefs. One page in ten is members-only (its own
GROUPS restriction, as the page form makes it). Practice bodies are the demo
articles' StreamFields with a few generated paragraphs (4 to 12 KB of JSON,
like the real ones). Pages are created with ``add_child`` and indexed for the
site search the way a full reindex does; the setup is not what is measured.

It then requests each page through Django's test client, in-process, with the
cache warm as on a live site (one warm-up round first): the home page, the
practices index filtered on two facets, an article and a search, each as an
anonymous visitor and as an approved member, ``REPEATS`` times (smoke: 5).
Figures are wall-clock milliseconds for the whole request (middleware, views,
templates), median and 95th percentile, plus the queries each request makes
and the home page's weight: its HTML and the CSS and JS it links, in bytes,
uncompressed, images excluded. Target from issue 3: every p95 at most 60 ms,
the home page at most 100 KB.

Repeating one URL measures the warm path: the home page's lists, index result
pages, facet counts and search result pages are cached until the next publish.
So each page is also timed right after a publish (the content and index
versions bumped before every request), median and p95 of a few such requests;
the home page and the index also right after a privacy change (the structure
version bumped as well, so the page restrictions reload); and search is timed
with a different two-word query each time (nothing bumped): what a query nobody
asked before costs.
"""

import io
import random
import re
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.test import Client, override_settings
from django.utils import timezone
from wagtail.models import PageViewRestriction

from bench.database import analyse_after_seeding
from bench.timing import get_ok, percentile_95, time_page_ms
from cms import demo, freshness, privacy
from cms.demo_practices import PRACTICES
from cms.models import (
    BriefIndexPage,
    EvidenceBriefPage,
    EvidenceLevel,
    PracticeIndexPage,
    PracticePage,
    ResourceIndexPage,
    ResourcePage,
)
from config.compat.allauth import TOTP, generate_totp_secret
from members.models import User
from members.roles import MEMBER
from search.index import index_changed, optimize_index, replace_kind
from search.registry import providers
from taxonomy.models import Facet, Term

FULL = {"pages": 5_000, "repeats": 250, "cold_repeats": 40}
SMOKE = {"pages": 30, "repeats": 5, "cold_repeats": 2}
TARGET_P95_MS = 60
TARGET_HOME_BYTES = 100 * 1024
MEMBERS_ONLY_EVERY = 10
FILTER = ("forming-a-task-force", "coordination")  # phase, practice area: the two-facet filter
QUERY = "victim services"

WORDS = (
    "task force partners share case lists before each operation and agree who leads victim services "
    "interviews trauma-informed prosecutors investigators hotline referrals shelter labor trafficking "
    "agriculture construction hospitality financial records subpoena deconfliction coordinator training "
    "data quarterly performance measures survivors advocates interpreters screening indicators outreach"
).split()


# PostgreSQL's English configuration drops these: a query of them would search for nothing.
STOP_WORDS = {"and", "who", "each", "before"}


def _sentence(rng, words=18):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng):
    return {
        "type": "paragraph",
        "value": "".join(f"<p>{_sentence(rng)} {_sentence(rng)} {_sentence(rng)}</p>" for _ in range(2)),
    }


def _practice_body(n, rng):
    # A demo article's blocks (headings, call-outs, quotes, tables), minus any document or
    # image (assets must match the page's privacy), plus a few generated paragraphs.
    template = PRACTICES[n % len(PRACTICES)]["body"]
    body = [block for block in template if block["type"] not in {"document", "image"}]
    body.extend(_paragraph(rng) for _ in range(rng.randint(1, 4)))
    return body


class _Pages:
    """Adds generated practices, resources and briefs under the demo site's index pages."""

    def __init__(self, rng):
        self.rng = rng
        terms = Term.objects.filter(retired=False)
        self.by_facet = {facet: [t for t in terms if t.facet == facet] for facet in Facet.values}
        self.now = timezone.now()
        self.today = timezone.localdate()

    def _tags(self, page):
        rng = self.rng
        topics = [
            rng.choice(self.by_facet[Facet.PHASE]),
            *rng.sample(self.by_facet[Facet.PRACTICE_AREA], rng.randint(1, 2)),
            rng.choice(self.by_facet[Facet.TRAFFICKING_TYPE]),
        ]
        page.topics.set(topics)
        page.audiences.set(rng.sample(self.by_facet[Facet.AUDIENCE], rng.randint(1, 3)))

    def _add(self, parent, page, n, members_only):
        published = self.now - timedelta(minutes=n)
        page.live = True
        page.first_published_at = page.last_published_at = published
        self._tags(page)
        parent.add_child(instance=page)
        if members_only:
            privacy.apply_visibility(page, privacy.MEMBERS)

    def add(self, count):
        rng = self.rng
        practices = PracticeIndexPage.objects.get()
        resources = ResourceIndexPage.objects.get()
        briefs = BriefIndexPage.objects.get()
        levels = EvidenceLevel.values
        for n in range(count):
            members_only = n % MEMBERS_ONLY_EVERY == MEMBERS_ONLY_EVERY - 1
            summary = f"{_sentence(rng, 25)} {_sentence(rng, 15)}"
            review = {
                "last_reviewed": self.today - timedelta(days=rng.randint(30, 400)),
                "next_review_due": self.today + timedelta(days=rng.randint(-20, 300)),
            }
            if n % 10 < 6:
                page = PracticePage(
                    title=f"Practice {n:05d}: {_sentence(rng, 6)[:-1]}",
                    slug=f"bench-practice-{n:05d}",
                    summary=summary,
                    body=_practice_body(n, rng),
                    evidence_level=levels[n % len(levels)],
                    **review,
                )
                self._add(practices, page, n, members_only)
            elif n % 10 < 9:
                page = ResourcePage(
                    title=f"Resource {n:05d}: {_sentence(rng, 5)[:-1]}",
                    slug=f"bench-resource-{n:05d}",
                    summary=summary,
                    resource_type=rng.choice(self.by_facet[Facet.RESOURCE_TYPE]),
                    publisher=rng.choice(["IACP", "OVC TTAC", "BJA", "AEquitas"]),
                    link_url=f"https://example.org/resources/{n}",
                    description="".join(f"<p>{_sentence(rng)}</p>" for _ in range(3)),
                    **review,
                )
                self._add(resources, page, n, members_only)
            else:
                page = EvidenceBriefPage(
                    title=f"Brief {n:05d}: {_sentence(rng, 6)[:-1]}",
                    slug=f"bench-brief-{n:05d}",
                    summary=summary,
                    narrative=[_paragraph(rng) for _ in range(4)],
                    method=f"<p>{_sentence(rng, 30)}</p>",
                    limitations=f"<p>{_sentence(rng, 30)}</p>",
                )
                self._add(briefs, page, n, members_only)


def _reindex():
    for kind in ("practice", "resource", "brief", "page"):
        replace_kind(kind, providers()[kind].documents())
    optimize_index()


def _member():
    user = User.objects.create_user(
        email="bench-kb-member@example.org",
        full_name="Bench Member",
        agency="Bench",
        status=User.Status.APPROVED,
    )
    user.groups.add(Group.objects.get(name=MEMBER))
    TOTP.activate(user, generate_totp_secret())  # members without a second factor are sent to set one up
    return user


def _cold_ms(client, url, repeats, bump=freshness.bump):
    """Median and p95 ms right after a publish: every cached list, count and result page missed.

    A publish raises the content version (``freshness.bump``); the page
    restrictions are cached under the structure version, which a publish
    leaves alone. With ``bump=freshness.bump_structure`` the request comes
    right after a privacy change (or a page created, moved or deleted), so
    the restrictions reload too.
    """
    samples = []
    for _ in range(repeats):
        bump()
        index_changed()
        started = time.perf_counter()
        get_ok(client, url)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), percentile_95(samples)


def _distinct_queries(count):
    """Two-word searches nobody asked before in this run, each a different pair of the bench's words."""
    words = [word for word in dict.fromkeys(WORDS) if word not in STOP_WORDS]
    pairs = [(a, b) for i, a in enumerate(words) for b in words[i + 1 :]]
    random.Random(count).shuffle(pairs)
    return [f"{a} {b}" for a, b in pairs[:count]]


def _distinct_search_ms(client, queries):
    """Median and p95 ms of searches each asked once: the result cache cannot answer any of them.

    Nothing is bumped: the site's other caches stay warm, as between two
    publishes, so this is the price of a new query, not of a publish.
    """
    samples = []
    for query in queries:
        started = time.perf_counter()
        get_ok(client, f"/search/?q={query.replace(' ', '+')}")
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), percentile_95(samples)


def _page_weight(client):
    """Bytes of the home page's HTML plus every stylesheet and script it links, images excluded."""
    html = get_ok(client, "/").content
    total = len(html)
    assets = re.findall(rb'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    assets += re.findall(rb'<script[^>]+src="([^"]+)"', html)
    for url in assets:
        path = url.decode().split("?")[0].removeprefix(settings.STATIC_URL)
        found = finders.find(path)
        if found is None:
            raise RuntimeError(f"the home page links {url.decode()}, which is not a static file")
        with open(found, "rb") as handle:
            total += len(handle.read())
    return len(html), total, len(assets)


def run(smoke: bool) -> dict:
    sizes = SMOKE if smoke else FULL
    figures = {}
    # A Path, as in settings, and put back afterwards: the next bench migrates a fresh database.
    with (
        tempfile.TemporaryDirectory(prefix="cms-bench-media-") as media,
        override_settings(PROTECTED_MEDIA_ROOT=Path(media)),
    ):
        # Demo images and documents go to a throwaway store, never var/protected-media.
        started = time.perf_counter()
        demo.seed(io.StringIO())
        _Pages(random.Random(20261128)).add(sizes["pages"])
        _reindex()
        analyse_after_seeding()
        figures["setup: pages seeded and indexed (s)"] = time.perf_counter() - started
        figures["pages"] = PracticePage.objects.count() + ResourcePage.objects.count()
        figures["pages"] += EvidenceBriefPage.objects.count()
        figures["members-only pages"] = PageViewRestriction.objects.filter(
            page__slug__startswith="bench-"
        ).count()

        article = PracticePage.objects.filter(slug__startswith="bench-practice-").order_by("pk")[1]
        urls = {
            "home": "/",
            "practices, two facets": f"/practices/?phase={FILTER[0]}&practice_area={FILTER[1]}",
            "article": article.url,
            "search": f"/search/?q={QUERY.replace(' ', '+')}",
        }
        anonymous, member = Client(), Client()
        member.force_login(_member())
        for who, client in (("anonymous", anonymous), ("member", member)):
            for name, url in urls.items():
                median, p95, queries = time_page_ms(client, url, sizes["repeats"])
                figures[f"{name} as {who}: median ms"] = median
                figures[f"{name} as {who}: p95 ms"] = p95
                figures[f"{name} as {who}: queries"] = queries
                cold_median, cold_p95 = _cold_ms(client, url, sizes["cold_repeats"])
                figures[f"{name} as {who}: median ms after a publish (caches missed)"] = cold_median
                figures[f"{name} as {who}: p95 ms after a publish (caches missed)"] = cold_p95
                if name in ("home", "practices, two facets"):
                    cold_median, cold_p95 = _cold_ms(
                        client, url, sizes["cold_repeats"], bump=freshness.bump_structure
                    )
                    figures[f"{name} as {who}: median ms after a privacy change"] = cold_median
                    figures[f"{name} as {who}: p95 ms after a privacy change"] = cold_p95
            # Distinct queries per visitor: a member's first search must not hit the anonymous one's.
            queries = _distinct_queries(2 * sizes["cold_repeats"])
            mine = (
                queries[: sizes["cold_repeats"]] if who == "anonymous" else queries[sizes["cold_repeats"] :]
            )
            median, p95 = _distinct_search_ms(client, mine)
            figures[f"search, a new query each time, as {who}: median ms"] = median
            figures[f"search, a new query each time, as {who}: p95 ms"] = p95
        html, total, assets = _page_weight(anonymous)
        figures["home page HTML bytes"] = html
        figures["home page HTML + CSS + JS bytes"] = total
        figures["home page CSS and JS files"] = assets
    return figures

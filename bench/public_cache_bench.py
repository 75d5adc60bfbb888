"""Public pages from the shared cache under load: the home page and a practice article, beside the bare view.

Seeds the demo site plus generated pages (cms_bench's generator: full 1,000,
smoke 30; one in ten members-only, a brief), then starts gunicorn with two sync
workers on the bench database (bench.forum_load, bench.forum_settings: the
site plus a bare 10 KB view, DEBUG off) and loads, each in turn, from
``threads`` client threads for ``seconds``, all anonymous:

- the home page and a public practice article, served from the cache
  (cms.public_cache; one warm-up request per worker first);
- the same article with a query string too long to be stored, rendered on
  every request: what the cache saves;
- the bare view, in the same run, as the yardstick.

Target (issue 18): the cached pages at least 50% of the bare view's requests
per second. Every answer must be a 200; a sample of the cached ones must say
``X-Public-Cache: hit``, and a members-only brief must never answer 200.
"""

import http.client
import io
import random
import tempfile
import time
from pathlib import Path

from django.test import override_settings
from wagtail.models import Page, PageViewRestriction

from bench import cms_bench, forum_load
from cms import demo, public_cache
from cms.models import PracticePage

BENCH_VAR = Path(__file__).resolve().parent.parent / "var" / "bench"
FULL = {"pages": 1_000, "seconds": 15, "threads": 8}
SMOKE = {"pages": 30, "seconds": 0.5, "threads": 2}
TARGET_SHARE_OF_BARE = 0.5
UNSTORED_QUERY = "?uncached=" + "x" * public_cache.MAX_QUERY_STRING


def _seed(pages):
    demo.seed(io.StringIO())
    cms_bench._Pages(random.Random(20261207)).add(pages)
    articles = PracticePage.objects.filter(slug__startswith="bench-practice-").order_by("pk")
    restricted = set(PageViewRestriction.objects.values_list("page_id", flat=True))
    public = next(page for page in articles if page.pk not in restricted)
    # cms_bench makes every tenth generated page members-only: those are briefs.
    members_only = Page.objects.filter(pk__in=restricted, slug__startswith="bench-").order_by("pk").first()
    return public.url, members_only.url


def _get(server, path):
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader(public_cache.STATUS_HEADER)
    finally:
        conn.close()


def run(smoke: bool) -> dict:
    sizes = SMOKE if smoke else FULL
    figures = {}
    with (
        tempfile.TemporaryDirectory(prefix="public-cache-bench-media-") as media,
        override_settings(PROTECTED_MEDIA_ROOT=Path(media)),
    ):
        started = time.perf_counter()
        article, members_only = _seed(sizes["pages"])
        figures["setup: pages seeded (s)"] = time.perf_counter() - started
        figures["pages"] = sizes["pages"]

        use_gunicorn = forum_load.shareable_database()
        BENCH_VAR.mkdir(parents=True, exist_ok=True)
        server_cm = forum_load.gunicorn(BENCH_VAR) if use_gunicorn else forum_load.in_process_server()
        figures["load server"] = "gunicorn, 2 sync workers" if use_gunicorn else "in-process test server"
        runs = [
            ("bare 10 KB view", "/bench-bare/"),
            ("home, anonymous, cached", "/"),
            ("article, anonymous, cached", article),
            ("article, anonymous, not stored (long query)", article + UNSTORED_QUERY),
        ]
        missed = []
        with server_cm as server:
            for name, path in runs:
                result = forum_load.warm_then_load(
                    server, path, cookie=None, seconds=sizes["seconds"], threads=sizes["threads"]
                )
                figures.update(result.figures(f"load {name}"))
            hits = [_get(server, path)[1] for path in ("/", article) for _ in range(4)]
            figures["cached pages answered from the cache (of 8 asked)"] = hits.count("hit")
            status, how = _get(server, members_only)
            figures["members-only brief, anonymous: status"] = status
            figures["members-only brief, anonymous: served from the cache"] = how == "hit"
            figures["server log: tracebacks"] = server.log_text().count("Traceback")

    bare = figures["load bare 10 KB view: req/s"]
    for name in ("home, anonymous, cached", "article, anonymous, cached"):
        share = figures[f"load {name}: req/s"] / bare if bare else 0.0
        figures[f"{name}: share of the bare view's req/s"] = share
        if share < TARGET_SHARE_OF_BARE:
            missed.append(f"{name}: {share:.0%} of the bare view")
    figures["targets missed"] = "; ".join(missed) or "none"
    return figures

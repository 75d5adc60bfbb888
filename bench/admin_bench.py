"""Wagtail admin at 5,000 pages: dashboard, page listing and page editor, as an editor and a reviewer.

Full mode seeds the demo site (``cms.demo.seed``) and adds 5,000 pages under
its real index pages with the knowledge-base bench's generator
(``bench.cms_bench._Pages``: three in five practices, three in ten resources,
one in ten evidence briefs, one in ten members-only). Then, as the admin would
leave them: one page in twenty gets a draft revision by the editor, and one in
twenty-five is submitted to the "Best-practice review" workflow by the editor
(a revision, then ``Workflow.start``), so the reviewer has a queue and the
dashboard's workflow panels have rows. Smoke: 30 pages, the same proportions.

It then requests, through Django's test client in-process, as an editor
(Member + Editor) and as a reviewer (Member + Reviewer), each with an
authenticator enrolled as the MFA gate requires:

- the dashboard, ``/admin/``;
- the page listing of the practices index (3,000 children at full size, the
  largest listing) and of the home page;
- the page editor of a published practice, of a members-only brief and of a
  page in review (the reviewer's approve and request-changes actions).

On PostgreSQL the bench runs ``ANALYZE`` after seeding, as autovacuum would on
a live server (the bench server runs without autovacuum). Each URL is
requested once to warm the caches, as on a live admin, then
``REPEATS`` times. Figures are wall-clock milliseconds for the whole request
(middleware, views, templates), median and 95th percentile, and the queries one
request makes. Targets from issue 14: p95 at most 300 ms for the dashboard and
listings, at most 500 ms for the editor.
"""

import io
import random
import tempfile
import time
from pathlib import Path

from django.contrib.auth.models import Group
from django.test import Client, override_settings
from wagtail.models import Page, PageViewRestriction, Workflow, WorkflowState

from bench.cms_bench import _Pages
from bench.database import analyse_after_seeding
from bench.timing import time_page_ms
from cms import demo
from cms.models import HomePage, PracticeIndexPage, PracticePage
from config.compat.allauth import TOTP, generate_totp_secret
from members.models import User
from members.roles import EDITOR, MEMBER, REVIEWER

FULL = {"pages": 5_000, "repeats": 40}
SMOKE = {"pages": 30, "repeats": 3}
DRAFT_EVERY = 20
IN_REVIEW_EVERY = 25
TARGET_P95_MS = {"dashboard": 300, "listing": 300, "editor": 500}
WORKFLOW = "Best-practice review"


def _staff(email, name, groups):
    user = User.objects.create_user(
        email=email, full_name=name, agency="Bench", status=User.Status.APPROVED, is_staff=True
    )
    user.groups.add(*Group.objects.filter(name__in=groups))
    TOTP.activate(user, generate_totp_secret())  # the membership gate sends staff without one to set it up
    return user


def _drafts_and_reviews(editor):
    """Draft revisions and workflow submissions on the generated pages, as editors leave them."""
    workflow = Workflow.objects.get(name=WORKFLOW)
    pages = Page.objects.filter(slug__startswith="bench-").order_by("pk").specific()
    drafts = in_review = 0
    for n, page in enumerate(pages.iterator(chunk_size=200)):
        if n % IN_REVIEW_EVERY == IN_REVIEW_EVERY - 1:
            page.title = f"{page.title} (revised)"
            page.save_revision(user=editor)
            workflow.start(page, editor)
            in_review += 1
        elif n % DRAFT_EVERY == DRAFT_EVERY - 1:
            page.title = f"{page.title} (draft)"
            page.save_revision(user=editor)
            drafts += 1
    return drafts, in_review


def _sign_in(user):
    client = Client()
    client.force_login(user)
    return client


def urls():
    """The admin pages the bench times, by name, with the target each must meet."""
    practices = PracticeIndexPage.objects.get()
    home = HomePage.objects.get()
    generated = PracticePage.objects.filter(slug__startswith="bench-practice-").order_by("pk")
    restricted = set(
        PageViewRestriction.objects.filter(page__slug__startswith="bench-").values_list("page", flat=True)
    )
    # WorkflowState points at its page by a text object_id (it serves snippets too).
    in_review = {
        int(pk)
        for pk in WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS).values_list(
            "object_id", flat=True
        )
    }
    ids = list(generated.values_list("pk", flat=True))
    published = next(pk for pk in ids if pk not in restricted and pk not in in_review)
    # Every tenth generated page is members-only, and with this generator those are all briefs.
    members_only = min(restricted)
    reviewed = min(in_review)
    return {
        "dashboard": ("/admin/", "dashboard"),
        "listing, practices index": (f"/admin/pages/{practices.pk}/", "listing"),
        "listing, home": (f"/admin/pages/{home.pk}/", "listing"),
        "editor, published practice": (f"/admin/pages/{published}/edit/", "editor"),
        "editor, members-only brief": (f"/admin/pages/{members_only}/edit/", "editor"),
        "editor, page in review": (f"/admin/pages/{reviewed}/edit/", "editor"),
    }


def time_pages(editor, reviewer, repeats) -> dict:
    """Median, p95 and queries of every admin page for both people; the worst p95 of each kind."""
    figures = {}
    pages = urls()
    worst = {kind: 0.0 for kind in TARGET_P95_MS}
    for who, user in (("editor", editor), ("reviewer", reviewer)):
        client = _sign_in(user)
        for name, (url, kind) in pages.items():
            median, p95, queries = time_page_ms(client, url, repeats)
            figures[f"{name} as {who}: median ms"] = median
            figures[f"{name} as {who}: p95 ms"] = p95
            figures[f"{name} as {who}: queries"] = queries
            worst[kind] = max(worst[kind], p95)
    for kind, target in TARGET_P95_MS.items():
        figures[f"{kind}: worst p95 ms (target {target})"] = worst[kind]
    figures["within target"] = (
        "yes" if all(worst[kind] <= target for kind, target in TARGET_P95_MS.items()) else "NO"
    )
    return figures


def run(smoke: bool) -> dict:
    sizes = SMOKE if smoke else FULL
    figures = {}
    # A Path, as in settings, and put back afterwards: the next bench migrates a fresh database.
    with (
        tempfile.TemporaryDirectory(prefix="admin-bench-media-") as media,
        # Demo images and documents go to a throwaway store; workflow emails stay in memory.
        override_settings(
            PROTECTED_MEDIA_ROOT=Path(media), EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
        ),
    ):
        started = time.perf_counter()
        demo.seed(io.StringIO())
        _Pages(random.Random(20261207)).add(sizes["pages"])
        editor = _staff("bench-editor@example.org", "Bench Editor", [MEMBER, EDITOR])
        reviewer = _staff("bench-reviewer@example.org", "Bench Reviewer", [MEMBER, REVIEWER])
        drafts, in_review = _drafts_and_reviews(editor)
        figures["setup: pages seeded (s)"] = time.perf_counter() - started
        figures["pages in the tree"] = Page.objects.count()
        figures["pages with a draft"] = drafts
        figures["pages in review"] = in_review
        figures["members-only pages"] = PageViewRestriction.objects.filter(
            page__slug__startswith="bench-"
        ).count()

        # Without statistics PostgreSQL expected one page where there are 3,000: 8 to 12 s a listing.
        analyse_after_seeding()
        figures.update(time_pages(editor, reviewer, sizes["repeats"]))
    return figures

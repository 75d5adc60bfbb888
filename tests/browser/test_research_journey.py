"""Research in the browser: a researcher runs a tiny notebook, sees it succeed and creates a brief draft."""

import pytest
from playwright.sync_api import expect

from research.models import Run
from tests.browser.journeys import shot, sign_in, totp_secret
from tests.cms import factories as cms
from tests.research import conftest as research_fixtures

# The research tests' notebook fixtures, registered here under their own names.
make_notebook = research_fixtures.make_notebook
research_dirs = research_fixtures.research_dirs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RECORD = (
    "import json, os\nos.makedirs(results_dir, exist_ok=True)\n"
    "json.dump({'version': 1, 'sensitive': sensitive, 'numbers': [{'name': 'cases', 'value': n, "
    "'display': str(n), 'unit': 'cases', 'sentence': 'Cases counted.', 'suppressed': False}], "
    "'tables': [], 'figures': []}, open(os.path.join(results_dir, 'results.json'), 'w'))"
)


def test_researcher_runs_a_notebook_and_drafts_its_brief(page, role_user, request, migration_data):
    cms.index_pages()
    request.getfixturevalue("make_notebook")(
        "journey",
        [RECORD],
        parameters="n = 3  # How many cases\n",
        brief="journey-brief",
        title="Journey analysis",
        markdown=("## Question\n\nHow many cases?",),
    )
    researcher = role_user("researcher")
    sign_in(page, researcher.email, secret=totp_secret(researcher))
    page.wait_for_url(lambda url: "/accounts/" not in url)

    page.goto("/research/")
    page.get_by_role("link", name="Journey analysis").click()
    expect(page.get_by_text("How many cases")).to_be_visible()
    shot(page, "notebook", also_phone=True)
    page.get_by_label("n", exact=True).fill("42")
    page.get_by_role("button", name="Queue the run").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Journey analysis")
    expect(page.locator(".run-summary")).to_contain_text("Succeeded", timeout=60_000)
    expect(page.get_by_text("Cases counted.")).to_be_visible()
    shot(page, "run", also_phone=True)
    run = Run.objects.get()
    assert run.parameters == {"n": 42}

    page.get_by_role("button", name="Create brief draft").click()
    expect(page.get_by_text("submitted for review")).to_be_visible()

    page.get_by_role("link", name="View the executed notebook").click()
    expect(page.get_by_text("How many cases?")).to_be_visible()
    shot(page, "executed-notebook", also_phone=True)

    from research import datasets
    from research.models import Dataset

    needs = Dataset.objects.create(
        name="needs-2025", schema_name="tta_needs", source="Spring cycle", licence="Internal", sensitive=True
    )
    version = datasets.store_version(
        needs, research_fixtures.TTA_NEEDS_CSV, researcher, original_name="needs.csv", validate_now=True
    )
    page.goto("/research/datasets/")
    page.get_by_role("link", name="needs-2025").first.click()
    expect(page.get_by_text(version.sha256)).to_be_visible()
    expect(page.get_by_text("2 rows", exact=False)).to_be_visible()
    shot(page, "dataset", also_phone=True)

    paths = ("/research/", "/research/runs/", "/research/datasets/", "/research/datasets/upload/")
    for path in paths:
        page.goto(path)
        shot(page, path.strip("/").replace("/", "-"), also_phone=True)
    from cms.models.briefs import EvidenceBriefPage

    brief = EvidenceBriefPage.objects.get(slug="journey-brief")
    assert not brief.live
    assert brief.get_latest_revision_as_object().provenance_run_id == str(run.pk)

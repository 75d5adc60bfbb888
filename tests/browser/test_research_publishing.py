"""What a visitor sees of a brief made from a run: its charts only once published, no small counts,
and its data versions as a table."""

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect
from wagtail.images import get_image_model
from wagtail.models import WorkflowState

from research import publishing
from research.storage import research_storage
from tests.cms import factories as cms
from tests.research import conftest as research_fixtures

make_notebook = research_fixtures.make_notebook
research_dirs = research_fixtures.research_dirs
finished_run = research_fixtures.finished_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RESULTS = {
    "version": 1,
    "sensitive": True,
    "numbers": [
        {
            "name": "victims",
            "display": "2,000",
            "unit": "victims",
            "sentence": "Victims.",
            "suppressed": False,
        },
        {"name": "minors", "display": "<5", "unit": "victims", "sentence": "Minors.", "suppressed": True},
    ],
    "tables": [
        {
            "name": "by-year",
            "caption": "Victims by year and form of exploitation.",
            "columns": ["year", "sexual exploitation", "forced labour"],
            "rows": [["2019", "812", "<5"], ["2020", "790", "suppressed"]],
            "count_columns": ["sexual exploitation", "forced labour"],
        }
    ],
    "figures": [
        {
            "name": "by-year-chart",
            "caption": "Victims by year.",
            "alt": "Bars of victims by year; hidden small counts are left out.",
            "file": "by-year-chart.png",
            "data": {"columns": ["year", "victims"], "rows": [["2019", "812"], ["2020", "790"]]},
            "count_columns": ["victims"],
        }
    ],
}


LOADED = """img => img.complete && img.naturalWidth > 0 ? true : new Promise((done) => {
  img.addEventListener("load", () => done(img.naturalWidth > 0));
  img.addEventListener("error", () => done(false));
  if (img.complete) { done(img.naturalWidth > 0); }
})"""


def test_a_visitor_sees_a_briefs_chart_only_once_published_and_its_data_versions_as_a_table(
    page, request, finished_run, role_user, migration_data
):
    cms.index_pages()
    request.getfixturevalue("make_notebook")(
        "cases", ["print(1)"], brief="case-characteristics", title="Cases"
    )
    run = finished_run(
        notebook="cases",
        results=RESULTS,
        data_versions={
            "ctdc": {
                "dataset": "ctdc-2024",
                "version": 2,
                "version_id": 1,
                "sha256": "d" * 64,
                "sensitive": True,
            }
        },
    )
    research_storage().save(run.figure_path("by-year-chart"), ContentFile(cms.png_bytes(120, 80)))
    brief = publishing.create_brief_draft(run, role_user("researcher"))
    image = get_image_model().objects.get()

    # Before review: the chart's original and its rendition are not there for anyone outside.
    for url in (image.file.url, image.get_rendition("width-60").url):
        assert page.request.get(url).status == 404, url
    assert page.request.get(f"/assets/original_images/run-{run.pk}-by-year-chart.png").status == 404

    WorkflowState.objects.filter(status="in_progress").update(status="approved")
    brief.get_latest_revision().publish()
    page.goto(brief.url)
    chart = page.get_by_role("img", name="Bars of victims by year; hidden small counts are left out.")
    expect(chart).to_be_visible()
    chart.scroll_into_view_if_needed()  # a lazily loaded image loads once near the screen
    # Waits for the image to finish loading (it may still be on its way), then checks it decoded.
    assert chart.evaluate(LOADED)

    # Small counts show as "<5" and "suppressed", never as the number.
    by_year = page.locator("section[aria-labelledby=tables-heading] table").first
    expect(by_year).to_contain_text("<5")
    expect(by_year).to_contain_text("suppressed")
    expect(page.locator(".key-figures")).to_contain_text("<5")

    versions = page.get_by_role("table", name="Data versions")
    expect(versions).to_be_visible()
    expect(versions.get_by_role("columnheader", name="Dataset")).to_be_visible()
    expect(versions.get_by_role("rowheader", name="ctdc")).to_be_visible()
    expect(versions.get_by_role("cell", name="ctdc-2024")).to_be_visible()
    expect(versions.get_by_role("cell", name="v2")).to_be_visible()
    assert "{" not in page.locator(".provenance").inner_text()

    brief.refresh_from_db()
    brief.unpublish()
    assert page.request.get(image.file.url).status == 404

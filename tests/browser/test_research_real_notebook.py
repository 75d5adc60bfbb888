"""The real case-characteristics analysis in the browser, on synthetic data: labelled, charted, explained.

A researcher with no CTDC file yet runs the shipped notebook; the run page must
say the data are synthetic, show the tables and charts with their alt text,
and name the CTDC columns the file lacked. With SCREENSHOTS set, the
pages are also saved for review by eye (desktop and phone width).
"""

import pytest
from playwright.sync_api import expect

from research.models import Run
from tests.browser.journeys import shot, sign_in, totp_secret

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def work_dir(settings, tmp_path_factory):
    import shutil
    import tempfile
    from pathlib import Path

    # Short, for the kernel's IPC socket paths; the real notebooks/ folder is used as it is.
    work = Path(tempfile.mkdtemp(prefix="rw", dir="/tmp"))
    settings.RESEARCH_WORK_DIR = work
    yield work
    shutil.rmtree(work, ignore_errors=True)


def test_researcher_runs_the_case_characteristics_analysis_on_synthetic_data(page, role_user, work_dir):
    researcher = role_user("researcher")
    sign_in(page, researcher.email, secret=totp_secret(researcher))
    page.wait_for_url(lambda url: "/accounts/" not in url)

    page.goto("/research/")
    page.get_by_role("link", name="Case characteristics").click()
    expect(page.get_by_text("Seed for the synthetic records")).to_be_visible()
    page.get_by_label("synthetic_rows").fill("400")
    page.get_by_role("button", name="Queue the run").click()

    expect(page.locator(".run-summary")).to_contain_text("Succeeded", timeout=90_000)
    run = Run.objects.get()
    assert run.data_versions == {"ctdc": {"synthetic": True}} and run.parameters["synthetic_rows"] == 400
    expect(page.locator(".research-synthetic")).to_contain_text("generated records, not real cases")
    charts = page.locator("figure.research-chart img")
    expect(charts.first).to_be_visible()
    for alt in charts.evaluate_all("images => images.map(i => i.alt)"):
        assert alt.startswith("SYNTHETIC DATA:") and len(alt) > 30
    # Every chart image loaded through the permission-checked figure view.
    # (Each is waited for: an image may still be on its way when the page shows.)
    assert charts.evaluate_all(
        """images => Promise.all(images.map((img) => {
          img.loading = "eager";
          return img.complete && img.naturalWidth > 0 ? true : new Promise((done) => {
            img.addEventListener("load", () => done(img.naturalWidth > 0));
            img.addEventListener("error", () => done(false));
            if (img.complete) { done(img.naturalWidth > 0); }
          });
        })).then((loaded) => loaded.every(Boolean))"""
    )
    expect(page.locator("table.research-table caption").first).to_be_visible()
    expect(page.locator(".research-notes")).to_contain_text("SYNTHETIC DATA.")
    shot(page, "real-run", also_phone=True)

    page.get_by_role("link", name="View the executed notebook").click()
    expect(page.get_by_role("heading", name="Limitations")).to_be_visible()
    expect(page.locator(".executed-notebook .input_area").first).to_be_visible()
    shot(page, "real-executed-notebook", also_phone=True)

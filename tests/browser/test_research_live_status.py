"""A run's page follows the run without reloading on a timer: JavaScript updates it, the reader can
pause the updates, and without JavaScript a "Check again" link does it by hand (WCAG 2.2.1, 2.2.2)."""

import pytest
from playwright.sync_api import expect

from research.models import Run
from tests.browser.journeys import signed_in
from tests.research import conftest as research_fixtures

finished_run = research_fixtures.finished_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_running_run_updates_in_place_can_be_paused_and_ends_on_its_result(
    browser, live_server, role_user, finished_run
):
    researcher = role_user("researcher")
    run = finished_run(status=Run.Status.RUNNING, cells_done=1, requested_by=researcher)
    context, page = signed_in(browser, live_server, researcher)
    page.goto(f"/research/runs/{run.pk}/")
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    pause = page.get_by_role("button", name="Pause updates")
    expect(pause).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("Updating every few seconds")

    # Paused: the run moves on, the page stays as it was.
    pause.click()
    expect(page.get_by_role("button", name="Resume updates")).to_be_visible()
    Run.objects.filter(pk=run.pk).update(cells_done=3)
    page.wait_for_timeout(4_000)
    expect(page.get_by_text("Progress: 1 of 4 cells")).to_be_visible()

    # Resumed: the progress follows, then the result replaces the progress, with no reload.
    page.get_by_role("button", name="Resume updates").click()
    expect(page.get_by_text("Progress: 3 of 4 cells")).to_be_visible(timeout=10_000)
    page.evaluate("window.notReloaded = true")
    Run.objects.filter(pk=run.pk).update(status=Run.Status.SUCCEEDED, cells_done=4)
    expect(page.locator(".run-summary")).to_contain_text("Succeeded", timeout=10_000)
    assert page.evaluate("window.notReloaded") is True
    expect(page.get_by_role("button", name="Pause updates")).to_have_count(0)
    context.close()


def test_without_javascript_the_reader_checks_again_by_hand(browser, live_server, role_user, finished_run):
    researcher = role_user("researcher")
    run = finished_run(status=Run.Status.RUNNING, cells_done=1, requested_by=researcher)
    context, page = signed_in(browser, live_server, researcher, java_script_enabled=False)
    page.goto(f"/research/runs/{run.pk}/")
    expect(page.get_by_text("This page shows the state when it was loaded.")).to_be_visible()
    Run.objects.filter(pk=run.pk).update(status=Run.Status.SUCCEEDED, cells_done=4)
    page.get_by_role("link", name="Check again").click()
    expect(page.locator(".run-summary")).to_contain_text("Succeeded")
    expect(page.get_by_role("link", name="Check again")).to_have_count(0)
    context.close()

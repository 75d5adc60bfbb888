"""The staff screens for reporting periods and measure-set versions in the browser: TTA staff
open a quarter from the staff grid, fix a due date typed before the quarter ends (the message by
the field, the rest kept), set the change factor, and create a new measure-set version; on a
desk and on a 390 px phone, where nothing may be wider than the screen."""

import datetime

import pytest
from playwright.sync_api import expect

from measures.models import MeasureSet, ReportingPeriod
from tests.browser.journeys import shot, signed_in
from tests.measures.factories import period

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def _overflowing(page) -> list[str]:
    """Elements whose right edge is past the screen's (outside scrolling table regions, which
    scroll on purpose): an empty list when the page fits."""
    return page.evaluate(
        """() => {
            const limit = document.documentElement.clientWidth;
            const out = [];
            for (const el of document.querySelectorAll('body *')) {
                if (el.closest('.table-scroll')) continue;
                const box = el.getBoundingClientRect();
                if (box.width && box.right > limit + 1) out.push(el.tagName + '#' + el.id);
            }
            return out.slice(0, 10);
        }"""
    )


@pytest.mark.parametrize("viewport,label", [(DESK, "desktop"), (PHONE, "phone")])
def test_staff_open_a_period_set_its_due_date_and_factor_and_create_a_version(
    browser, live_server, role_user, migration_data, viewport, label
):
    period(2026, 4)
    staff = role_user("tta_staff")
    context, page = signed_in(browser, live_server, staff, viewport=viewport)
    page.goto("/measures/staff/")
    page.locator("#main").get_by_role("link", name="Reporting periods").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reporting periods")

    page.get_by_label("Year", exact=True).fill("2027")
    page.get_by_label("Quarter", exact=True).select_option("Q1")
    page.get_by_label("Due date", exact=True).fill("2027-03-15")  # before the quarter ends
    page.get_by_label("Change factor", exact=True).fill("2.5")
    page.get_by_role("button", name="Open the quarter").click()
    expect(page.locator("#id_due_on_problems")).to_contain_text("must come after the quarter ends")
    expect(page.get_by_label("Year", exact=True)).to_have_value("2027")
    expect(page.get_by_label("Change factor", exact=True)).to_have_value("2.5")
    assert _overflowing(page) == []
    shot(page, f"periods-refused-{label}")

    page.get_by_label("Due date", exact=True).fill("2027-04-30")
    page.get_by_role("button", name="Open the quarter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2027 Q1 reporting period")
    created = ReportingPeriod.objects.get(year=2027, quarter=1)
    assert created.due_on == datetime.date(2027, 4, 30)

    page.get_by_label("Due date", exact=True).fill("2027-05-15")
    page.get_by_label("Change factor", exact=True).fill("4")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved the due date and change factor")
    created.refresh_from_db()
    assert (created.due_on, str(created.change_factor)) == (datetime.date(2027, 5, 15), "4.00")
    assert _overflowing(page) == []
    shot(page, f"period-{label}")

    page.get_by_role("link", name="version 1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("version 1")
    page.get_by_role("link", name="Create a new version from this one").click()
    page.get_by_label("Title of the new version", exact=True).fill("Task force measures, 2027")
    page.get_by_label("Retire Trainings delivered", exact=True).check()
    page.get_by_label("Code", exact=True).fill("hotline-tips")
    page.get_by_label("Name", exact=True).fill("Hotline tips followed up")
    page.get_by_label("Plain-language definition", exact=True).fill(
        "Tips from the national hotline the task force followed up."
    )
    assert _overflowing(page) == []
    shot(page, f"new-version-{label}")
    page.get_by_role("button", name="Create version 2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Task force measures, 2027: version 2")
    expect(page.get_by_text("Hotline tips followed up")).to_be_visible()
    version = MeasureSet.objects.get(version=2)
    assert not version.measures.filter(code="trainings").exists()
    created.refresh_from_db()
    assert created.measure_set.version == 1  # the quarter keeps the version it was opened with
    assert _overflowing(page) == []
    shot(page, f"version-{label}")
    context.close()

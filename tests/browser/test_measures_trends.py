"""The trend chart updating: a member on a phone sees their quarter as not yet accepted; staff accept
it; the member's trend chart and table now show it, beside the peer median (six peers reported),
with no peer named; the staff totals and suggestions pages fit and read at both widths."""

import pytest
from playwright.sync_api import expect

from measures.models import ReportStatus
from tests.browser.journeys import fits, shot, signed_in
from tests.factories import TaskForceFactory
from tests.measures.factories import accepted_report, period, submitted_report
from tests.measures.test_trends import accepted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


def test_the_trend_chart_shows_a_quarter_once_staff_accept_it(
    browser, live_server, role_user, migration_data
):
    coordinator, member, staff = role_user("coordinator"), role_user("member"), role_user("tta_staff")
    q2, q3 = period(2026, 2), period(2026, 3)
    accepted_report(
        coordinator, staff, q2, arrests="3", **{"investigations-labor": "0", "investigations-sex": "10"}
    )
    for i, arrests in enumerate([2, 4, 6, 8, 10, 12]):
        tf = TaskForceFactory(name=f"Peer {i} Secret Name", region=i % 3 + 4)
        accepted(tf, q2, arrests=arrests)
        accepted(tf, q3, arrests=arrests + 1)
    quiet = TaskForceFactory(name="Quiet Valley Task Force", region=8)
    for year, quarter in ((2025, 4), (2026, 1), (2026, 2), (2026, 3)):
        accepted(quiet, period(year, quarter), investigations_labor=0, trainings=1)
    report = submitted_report(coordinator, q3, arrests="9")
    assert report.status == ReportStatus.SUBMITTED

    context, phone = signed_in(browser, live_server, member, viewport=PHONE)
    phone.goto("/measures/")
    phone.get_by_role("link", name="Our figures over time").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Our figures over time")
    arrests = phone.get_by_role("table", name="Arrests, by quarter")
    chart = phone.locator('section[aria-labelledby="trend-arrests"] svg')
    expect(arrests.get_by_role("row", name="2026 Q2")).to_have_text(
        "2026 Q2 3 7"
    )  # ours, then the peers' median
    expect(arrests.get_by_role("row", name="2026 Q3")).to_contain_text("Not accepted")
    expect(chart.locator("title", has_text="Q3 ’26, Your task force")).to_have_count(0)
    assert fits(phone)
    shot(phone, "trends-before-phone")

    staff_context, desk = signed_in(browser, live_server, staff)
    desk.goto(f"/measures/staff/reports/{report.pk}/")
    desk.get_by_role("button", name="Accept").click()
    expect(desk.get_by_text("Accepted").first).to_be_visible()

    phone.reload()
    expect(arrests.get_by_role("row", name="2026 Q3")).to_contain_text("9")
    expect(arrests.get_by_role("row", name="2026 Q3")).not_to_contain_text("Not accepted")
    expect(chart.locator("title", has_text="Q3 ’26, Your task force: 9")).to_have_count(1)
    expect(chart.locator("title", has_text="Q3 ’26, Median of peer task forces: 8")).to_have_count(1)
    assert "Secret Name" not in phone.content()
    assert fits(phone)
    shot(phone, "trends-after-phone")

    desk.goto("/measures/trends/")
    shot(desk, "trends-desktop")
    desk.goto("/measures/staff/totals/?measure=arrests")
    expect(desk.get_by_role("table", name="Arrests, by federal region and quarter")).to_be_visible()
    shot(desk, "totals-desktop")
    desk.goto("/measures/staff/signals/")
    expect(desk.get_by_role("heading", name="Quiet Valley Task Force")).to_be_visible()
    expect(desk.get_by_text("2025 Q4, 2026 Q1, 2026 Q2 and 2026 Q3").first).to_be_visible()
    shot(desk, "signals-desktop")
    desk.set_viewport_size(PHONE)
    for url, name in (
        ("/measures/staff/totals/", "totals-phone"),
        ("/measures/staff/signals/", "signals-phone"),
    ):
        desk.goto(url)
        assert fits(desk), url
        shot(desk, name)
    context.close()
    staff_context.close()

"""Performance measures in the browser: a reporter on a phone fills in a quarter, is shown the figure
that does not add up next to its field with what they typed kept, fixes it and submits; staff
return the report with a comment, the reporter sees it and submits again, and staff accept it."""

import pytest
from playwright.sync_api import expect

from measures.models import Report, ReportStatus
from tests.browser.journeys import fits, shot, signed_in
from tests.measures.factories import period, plausible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_reporter_submits_a_quarter_and_staff_return_then_accept_it(
    browser, live_server, role_user, migration_data
):
    coordinator, staff = role_user("coordinator"), role_user("tta_staff")
    quarter = period(2026, 3)
    context, phone = signed_in(browser, live_server, coordinator, viewport={"width": 390, "height": 844})
    phone.goto("/measures/")
    phone.get_by_role("link", name="2026 Q3").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("2026 Q3 performance report")
    for code, value in plausible(quarter, **{"investigations-sex": "9"}).items():
        phone.locator(f"#figure-{code}").fill(value)
    phone.get_by_role("button", name="Save and submit").click()
    expect(phone.get_by_role("alert")).to_contain_text("Fix the figures")
    problem = phone.locator("#problem-investigations-sex")
    expect(problem).to_contain_text("is more than investigations opened (10)")
    expect(phone.locator("#figure-investigations-sex")).to_have_value("9")
    expect(phone.locator("#figure-arrests")).to_have_value("5")  # nothing typed is lost
    assert fits(phone)
    shot(phone, "report-flagged-phone")
    phone.locator("#figure-investigations-sex").fill("7")
    phone.get_by_role("button", name="Save and submit").click()
    expect(phone.get_by_role("status").first).to_contain_text("Submitted")
    assert Report.objects.get().status == ReportStatus.SUBMITTED

    staff_context, desk = signed_in(browser, live_server, staff)
    desk.goto("/measures/staff/")
    shot(desk, "staff-grid")
    desk.get_by_role("link", name="Submitted").click()
    desk.get_by_label("What needs to change").fill(
        "Arrests look doubled: please check with the sheriff's office."
    )
    desk.get_by_role("button", name="Return to the task force").click()
    expect(desk.get_by_text("Returned for changes").first).to_be_visible()

    phone.reload()
    expect(phone.get_by_role("note")).to_contain_text("Arrests look doubled")
    phone.locator("#figure-arrests").fill("3")
    phone.get_by_role("button", name="Save and submit").click()
    expect(phone.get_by_role("status").first).to_contain_text("Submitted")

    desk.reload()
    desk.get_by_role("button", name="Accept").click()
    expect(desk.get_by_text("Accepted").first).to_be_visible()
    shot(desk, "staff-report")
    report = Report.objects.get()
    assert report.status == ReportStatus.ACCEPTED
    assert report.figures.get(measure__code="arrests").value == 3
    context.close()
    staff_context.close()

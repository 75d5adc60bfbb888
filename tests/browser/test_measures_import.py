"""Importing a quarter from a spreadsheet in the browser, on a phone: a bad file is refused with its
rows named and the typed draft kept; the fixed file fills the draft, which is not submitted."""

import pytest
from playwright.sync_api import expect

from measures.models import Report, ReportStatus
from tests.browser.journeys import fits, shot, signed_in
from tests.measures.factories import period, plausible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _file(rows):
    text = "code,name,value,explanation\n" + "".join(f"{code},,{value},\n" for code, value in rows)
    return {"name": "figures.csv", "mimeType": "text/csv", "buffer": text.encode()}


def test_a_reporter_imports_a_spreadsheet_after_fixing_the_rows_it_names(
    browser, live_server, role_user, migration_data
):
    coordinator = role_user("coordinator")
    quarter = period(2026, 3)
    context, phone = signed_in(browser, live_server, coordinator, viewport={"width": 390, "height": 844})
    phone.goto("/measures/2026/q3/")
    phone.locator("#figure-arrests").fill("4")
    phone.get_by_role("button", name="Save", exact=True).click()
    phone.goto("/measures/2026/q3/import/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Import the 2026 Q3 report from a spreadsheet")
    assert fits(phone)
    shot(phone, "import-phone")

    bad = [("investigations", "ten"), ("murders", "1"), ("referrals", "=A1*2")]
    phone.get_by_label("Spreadsheet").set_input_files(_file(bad))
    phone.get_by_role("button", name="Import into my draft").click()
    alert = phone.get_by_role("alert")
    expect(alert).to_contain_text("The file was not imported")
    expect(alert).to_contain_text("Row 2")
    expect(alert).to_contain_text("Row 3")
    expect(alert).to_contain_text("Row 4")
    assert fits(phone)
    shot(phone, "import-refused-phone")

    good = [(code, value) for code, value in plausible(quarter).items() if code != "arrests"]
    phone.get_by_label("Spreadsheet").set_input_files(_file(good))
    phone.get_by_role("button", name="Import into my draft").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("2026 Q3 performance report")
    expect(phone.get_by_role("status").first).to_contain_text("Imported")
    expect(phone.locator("#figure-arrests")).to_have_value("4")  # the typed figure stays
    expect(phone.locator("#figure-investigations")).to_have_value("10")
    assert Report.objects.get().status == ReportStatus.DRAFT
    # The same person at a desk (a second sign-in would reuse the same one-time code).
    phone.set_viewport_size({"width": 1280, "height": 900})
    phone.goto("/measures/2026/q3/import/")
    shot(phone, "import-desktop")
    context.close()

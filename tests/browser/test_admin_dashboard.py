"""A reviewer with a long queue opens the admin dashboard on a phone: the newest pages, then the rest."""

import pytest
from wagtail.models import Workflow

from tests.browser.journeys import sign_in, totp_secret
from tests.cms import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_reviewer_sees_the_newest_of_a_long_queue_and_finds_the_rest(phone, role_user, migration_data):
    from cms.admin_dashboard import DASHBOARD_ROWS

    editor, reviewer = role_user("editor"), role_user("reviewer")
    index = factories.index_pages()["practices"]
    workflow = Workflow.objects.get(name="Best-practice review")
    for n in range(DASHBOARD_ROWS + 3):
        page = factories.practice(index, title=f"Queued practice {n:02d}", live=False, owner=editor)
        page.save_revision(user=editor)
        workflow.start(page, editor)

    sign_in(phone, reviewer.email, secret=totp_secret(reviewer))
    phone.wait_for_url(lambda url: "/accounts/" not in url)
    phone.goto("/admin/")

    panel = phone.locator("#awaiting-review-section, #awaiting-review").first
    assert panel.get_by_text("Queued practice", exact=False).count() == DASHBOARD_ROWS
    assert phone.get_by_text(f"3 more not shown here ({DASHBOARD_ROWS + 3} in all)").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_role("link", name="See them all in the workflow report").click()
    phone.wait_for_url("**/admin/reports/workflow/**")
    assert phone.get_by_text("Queued practice 00").count() >= 1

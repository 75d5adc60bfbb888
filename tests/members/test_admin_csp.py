"""The admin's pages carry no inline script, so its CSP can refuse inline script.

Server-side half of tests/browser/test_admin_csp.py: the HTML of the admin pages Wagtail used
to start with inline <script> tags (inline panels, date pickers, choosers) and of the pages
that show text typed by anonymous people. members.admin_csp rewrites Wagtail's chooser start-up.
"""

import pytest

from members.admin_csp import call_as_attributes
from tests.cms import factories
from tests.test_config import inline_script

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(db):
    factories.index_pages()
    return {"home": factories.home(), "contact": factories.contact_page()}


def test_admin_pages_have_no_inline_script(pages, role_user, client_for):
    client = client_for(role_user("superuser"))
    home, contact = pages["home"], pages["contact"]
    for path in [
        "/admin/",
        f"/admin/pages/{home.pk}/",
        f"/admin/pages/{home.pk}/edit/",  # an inline panel of page choosers
        f"/admin/pages/{contact.pk}/edit/",  # an inline panel, and date-and-time pickers
        f"/admin/pages/add/cms/standardpage/{home.pk}/",
        "/admin/users/",  # a date filter
        "/admin/membership/applications/",
        "/admin/membership/locks/",
        "/admin/membership/audit-log/",
        f"/admin/forms/submissions/{contact.pk}/",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert inline_script(response.content.decode()) == [], path


def test_choosers_start_from_data_attributes():
    tag = call_as_attributes('new PageChooser("id_page", {"modalUrl": "/admin/choose-page/"});')
    assert 'data-function="PageChooser"' in tag and 'data-new="true"' in tag
    assert 'data-arguments="[&quot;id_page&quot;, {&quot;modalUrl&quot;' in tag
    assert 'data-function="createTaskChooser" data-new="false"' in call_as_attributes(
        'createTaskChooser("id_t");'
    )
    # Anything of another shape is left to Wagtail (and the browser test reports it).
    assert call_as_attributes("window.x = 1; alert(2);") is None
    assert call_as_attributes("new X(notjson);") is None


def test_a_chooser_renders_wagtails_widget_with_its_start_up_as_data_attributes(pages):
    from wagtail.admin.widgets import AdminPageChooser

    html = AdminPageChooser().render("page", pages["home"].pk, attrs={"id": "id_page"})
    assert inline_script(html) == []
    assert 'data-init="call" data-function="PageChooser"' in html
    assert 'name="page"' in html and "&quot;id_page&quot;" in html


def test_a_start_up_of_another_shape_is_left_as_wagtail_wrote_it():
    from members.admin_csp import without_inline_script

    html = '<div class="chooser"></div><script>window.x = 1; alert(2);</script>'
    assert without_inline_script(html) == html
    assert without_inline_script("<div></div>") == "<div></div>"

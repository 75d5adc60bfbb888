"""The main navigation and the footer come from Site settings, and show only live public pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from cms import demo, privacy
from cms.models import SiteSettings, StandardPage
from cms.models.site_settings import LinkBlock
from tests.cms import factories

pytestmark = pytest.mark.django_db


def site_settings():
    return SiteSettings.for_site(Site.objects.get(is_default_site=True))


def set_links(name, *links):
    settings = site_settings()
    setattr(
        settings,
        name,
        [("link", {"label": label, "page": page, "path": path}) for label, page, path in links],
    )
    settings.save()


def header_and_footer(client, url="/"):
    html = client.get(url).content.decode()
    nav = html[html.index('aria-label="Main"') : html.index("</nav>")]
    start = html.index('<p class="footer-links">')
    footer = html[start : html.index("</p>", start)]
    return nav, footer


def standard(parent, slug, title, **fields):
    fields.setdefault("summary", f"About {title}.")
    return factories.add_page(parent, StandardPage(title=title, slug=slug, **fields))


def test_a_fresh_site_shows_the_default_links(client, indexes):
    nav, footer = header_and_footer(client)
    for label, path in (
        ("Practices", "/practices/"),
        ("Resources", "/resources/"),
        ("Evidence briefs", "/briefs/"),
    ):
        assert f'<a href="{path}">{label}</a>' in nav
    for label, path in (("Report trafficking", "/report/"), ("Privacy", "/privacy/"), ("Topics", "/topics/")):
        assert f'<a href="{path}">{label}</a>' in footer


def test_a_page_link_follows_its_page_when_it_moves(client, indexes):
    guide = standard(factories.home(), "guide", "Guide")
    set_links("main_links", ("Field guide", guide, ""))
    assert '<a href="/guide/">Field guide</a>' in header_and_footer(client)[0]

    guide.slug = "field-guide"
    factories.publish(guide)
    nav, _ = header_and_footer(client)
    assert '<a href="/field-guide/">Field guide</a>' in nav
    assert "/practices/" not in nav  # the setting replaced the defaults


def test_members_only_and_unpublished_pages_never_appear_in_the_header_or_footer(
    client, client_for, role_user, indexes
):
    secret = standard(factories.home(), "operations", "Operations room")
    privacy.apply_visibility(secret, privacy.MEMBERS)
    draft = standard(factories.home(), "draft-plan", "Draft plan")
    draft.unpublish()
    set_links("main_links", ("Operations room", secret, ""), ("Draft plan", draft, ""))
    set_links("footer_links", ("Operations room", secret, ""), ("About", None, "/about/"))

    for visitor in (client, client_for(role_user("pending")), client_for(role_user("member"))):
        nav, footer = header_and_footer(visitor)
        assert "Operations room" not in nav + footer
        assert "/operations/" not in nav + footer
        assert "Draft plan" not in nav
        assert '<a href="/about/">About</a>' in footer


def test_a_settings_change_shows_on_the_next_request(client, indexes):
    header_and_footer(client)
    set_links("footer_links", ("Accessibility", None, "/accessibility/"))
    assert header_and_footer(client)[1].count("<a ") == 1
    assert '<a href="/accessibility/">Accessibility</a>' in header_and_footer(client)[1]


def test_a_hostile_label_is_escaped(client, indexes):
    set_links("footer_links", ('<script>alert("x")</script>', None, "/about/"))
    _, footer = header_and_footer(client)
    assert "<script>" not in footer
    assert "&lt;script&gt;" in footer


@pytest.mark.parametrize(
    "page, path, message",
    [
        (False, "", "not both"),
        (True, "/about/", "not both"),
        (False, "https://evil.example/", "starting with one /"),
        (False, "//evil.example/", "starting with one /"),
        (False, "javascript:alert(1)", "starting with one /"),
    ],
)
def test_a_link_is_one_page_or_one_path_on_this_site(indexes, page, path, message):
    block = LinkBlock()
    value = block.to_python({"label": "Link", "page": factories.home().pk if page else None, "path": path})
    with pytest.raises(Exception) as refused:
        block.clean(value)
    assert message in str(refused.value.block_errors["path"])


def test_the_navigation_costs_no_query_once_loaded(client, indexes):
    guide = standard(factories.home(), "guide", "Guide")
    set_links("main_links", ("Guide", guide, ""))
    client.get("/practices/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/practices/")
    assert '<a href="/guide/">Guide</a>' in response.content.decode()
    assert not [query for query in queries if "sitesettings" in query["sql"]]


def test_the_demo_seed_links_the_navigation_to_its_pages(indexes):
    about = standard(factories.home(), "about", "About")
    demo.link_navigation_to_pages(factories.home())
    settings = site_settings()
    main = {link.value["label"]: link.value for link in settings.main_links}
    footer = {link.value["label"]: link.value for link in settings.footer_links}
    assert main["Practices"]["page"].pk == indexes["practices"].pk and not main["Practices"]["path"]
    assert footer["About"]["page"].pk == about.pk
    assert footer["Report trafficking"]["path"] == "/report/"  # a view, not a page

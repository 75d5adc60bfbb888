"""The base layout on every foundation page: site name, navigation, the help link, landmarks,
a skip link, labelled fields, the grant notice from Wagtail's site settings, and nothing
loaded from another host.

The responsive and no-JavaScript side is driven in Chromium (tests/browser/test_layout.py).
"""

from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Site

from cms.models.site_settings import SiteSettings
from tests.foundation_pages import FOUNDATION_PAGES

pytestmark = pytest.mark.django_db

# (path, role): the pages this issue builds, each as someone who can see it.
PAGES = FOUNDATION_PAGES
FIELD_TYPES_WITHOUT_LABEL = {"hidden", "submit", "button"}


def page_soup(client_for, role_users, path, role):
    response = client_for(role_users[role]).get(path)
    assert response.status_code == 200, f"{role} GET {path}: {response.status_code}"
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.parametrize("path,role", PAGES)
def test_every_page_has_the_site_header_help_link_landmarks_and_footer(path, role, role_users, client_for):
    soup = page_soup(client_for, role_users, path, role)
    skip = soup.find("a")
    assert skip is not None and skip.get("href") == "#main" and "skip-link" in skip.get("class", [])
    header = soup.find("header")
    assert header.find("a", class_="brand").get_text(strip=True) == "Task Force Commons"
    help_link = header.find("a", string="Report trafficking / Get help")
    assert help_link is not None and help_link["href"] == "/report/"
    assert header.find("nav", attrs={"aria-label": True}) is not None
    assert len(soup.find_all("main")) == 1 and soup.find("main")["id"] == "main"
    assert soup.find("footer").find(class_="grant-notice").get_text(strip=True)
    assert soup.find("h1") is not None, "every page says what it is"
    assert soup.html.get("lang") == "en"


@pytest.mark.parametrize("path,role", PAGES)
def test_every_form_field_has_a_label(path, role, role_users, client_for):
    soup = page_soup(client_for, role_users, path, role)
    labelled_ids = {label.get("for") for label in soup.find_all("label") if label.get("for")}
    unlabelled = []
    for field in soup.find_all(["input", "select", "textarea"]):
        if field.name == "input" and field.get("type", "text") in FIELD_TYPES_WITHOUT_LABEL:
            continue
        if field.get("id") in labelled_ids or field.get("aria-label") or field.get("aria-labelledby"):
            continue
        if field.find_parent("label") is not None:
            continue
        unlabelled.append(str(field)[:120])
    assert unlabelled == []


@pytest.mark.parametrize("path,role", PAGES)
def test_nothing_is_loaded_from_another_host(path, role, role_users, client_for):
    soup = page_soup(client_for, role_users, path, role)
    loaded = [
        tag.get("src") for tag in soup.find_all(["script", "img", "iframe", "source", "video", "audio"])
    ]
    loaded += [link.get("href") for link in soup.find_all("link") if link.get("rel") != ["canonical"]]
    foreign = [url for url in loaded if url and (urlparse(url).netloc or url.startswith("//"))]
    # A canonical or alternate link names our own public URL; the rest must be relative.
    assert [url for url in foreign if not url.startswith("http://testserver/")] == []


def test_the_footer_shows_the_grant_notice_kept_in_wagtail_site_settings(client):
    site = Site.objects.get(is_default_site=True)
    site_settings = SiteSettings.for_site(site)
    site_settings.footer_notice = "Supported by Grant No. 2026-XX-0001 from the Office for Victims of Crime."
    site_settings.save()
    for path in ["/", "/accounts/login/", "/accounts/signup/"]:
        soup = BeautifulSoup(client.get(path).content, "html.parser")
        assert soup.find(class_="grant-notice").get_text(strip=True) == site_settings.footer_notice, path


def test_the_focus_ring_and_skip_link_are_styled_to_show(settings):
    css = (settings.BASE_DIR / "site" / "static" / "css" / "site.css").read_text()
    assert ":focus-visible { outline: 3px solid" in css
    assert ".skip-link:focus" in css

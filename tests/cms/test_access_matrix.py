"""Every CMS URL, requested as every role, with the status each must get (as tests/test_access_matrix.py).

Pages and media are built once for the module, like the role fixtures.
"""

import pytest
from django.db import transaction
from django.test import override_settings

from members.roles import RESEARCHER
from tests import access_rules as rules
from tests.cms import factories
from tests.factories import ROLES

NOT_FOUND_UNLESS_MEMBER = {**dict.fromkeys(ROLES, 200), "anonymous": 404, "pending": 404}
RESEARCHERS_ONLY_PAGE = {
    **dict.fromkeys(ROLES, 403),
    "anonymous": rules.LOGIN,
    "pending": rules.PENDING,
    "researcher": 200,
    "superuser": 200,
}
# Editors and reviewers hold page permissions; other staff are turned back by
# Wagtail, members without admin access get a plain 403.
PAGE_STAFF_REPORT = {
    **dict.fromkeys(ROLES, 403),
    "anonymous": 302,
    "pending": 302,
    "moderator": 302,
    "tta_staff": 302,
    "membership_admin": 302,
    "editor": 200,
    "reviewer": 200,
    "superuser": 200,
}

ROUTES = [
    ("practices index", "/practices/", rules.PUBLIC),
    ("filtered practices", "/practices/?phase=operating-a-task-force&evidence=promising", rules.PUBLIC),
    ("public practice", "/practices/public-practice/", rules.PUBLIC),
    ("members-only practice", "/practices/members-practice/", rules.MEMBERS),
    ("researchers-only practice", "/practices/researchers-practice/", RESEARCHERS_ONLY_PAGE),
    ("draft practice", "/practices/draft-practice/", dict.fromkeys(ROLES, 404)),
    ("resources index", "/resources/", rules.PUBLIC),
    ("resource", "/resources/e-guide/", rules.PUBLIC),
    ("briefs index", "/briefs/", rules.PUBLIC),
    ("brief", "/briefs/incidents/", rules.PUBLIC),
    ("members-only brief", "/briefs/members-brief/", rules.MEMBERS),
    ("about", "/about/", rules.PUBLIC),
    ("contact", "/contact/", rules.PUBLIC),
    ("report", "/report/", rules.PUBLIC),
    ("topics", "/topics/", rules.PUBLIC),
    ("topic", "/topics/coordination/", rules.PUBLIC),
    ("unknown topic", "/topics/no-such-topic/", dict.fromkeys(ROLES, 404)),
    ("practices feed", "/feeds/practices/", rules.PUBLIC),
    ("briefs feed", "/feeds/briefs/", rules.PUBLIC),
    ("sitemap", "/sitemap.xml", rules.PUBLIC),
    ("robots", "/robots.txt", rules.PUBLIC),
    ("api pages", "/api/v2/pages/", rules.PUBLIC),
    (
        "api members-only page",
        lambda site: f"/api/v2/pages/{site['members_practice'].pk}/",
        dict.fromkeys(ROLES, 404),
    ),
    ("public document", lambda site: site["public_document"].url, rules.PUBLIC),
    ("members-only document", lambda site: site["members_document"].url, rules.MEMBERS),
    ("public image", lambda site: site["public_image"].file.url, rules.PUBLIC),
    ("members-only image", lambda site: site["members_image"].file.url, NOT_FOUND_UNLESS_MEMBER),
    ("members-only rendition", lambda site: site["members_rendition"].url, NOT_FOUND_UNLESS_MEMBER),
    ("guessed image", "/assets/original_images/guess.png", dict.fromkeys(ROLES, 404)),
    ("due for review report", "/admin/reports/due-for-review/", PAGE_STAFF_REPORT),
]


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("protected-media")


@pytest.fixture(autouse=True)
def _protected_media(media_root):
    # Overrides the per-test directory of tests/cms/conftest.py: the files are built once per module.
    with override_settings(PROTECTED_MEDIA_ROOT=media_root):
        yield


@pytest.fixture(scope="module")
def cms_site(role_users, django_db_blocker, media_root):
    with django_db_blocker.unblock(), override_settings(PROTECTED_MEDIA_ROOT=media_root):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            indexes = factories.index_pages()
            practices, briefs = indexes["practices"], indexes["briefs"]
            factories.practice(
                practices, title="Public practice", slug="public-practice", topics=["coordination"]
            )
            members_practice = factories.make_members_only(
                factories.practice(practices, title="Members practice", slug="members-practice")
            )
            researchers = factories.practice(
                practices, title="Researchers practice", slug="researchers-practice"
            )
            factories.restrict_to(researchers, RESEARCHER)
            factories.practice(practices, title="Draft practice", slug="draft-practice", live=False)
            factories.resource(indexes["resources"], title="e-Guide", slug="e-guide")
            factories.brief(briefs, title="Incidents", slug="incidents")
            factories.make_members_only(factories.brief(briefs, title="Members brief", slug="members-brief"))
            factories.standard(factories.home(), title="About", slug="about")
            factories.contact_page()
            members_image = factories.image(
                "Members chart", collection=factories.members_collection(), name="m.png"
            )
            yield {
                "members_practice": members_practice,
                "public_document": factories.document("Public", name="public.pdf"),
                "members_document": factories.document(
                    "Members", collection=factories.members_collection(), name="members.pdf"
                ),
                "public_image": factories.image("Public chart", name="p.png"),
                "members_image": members_image,
                "members_rendition": members_image.get_rendition("width-20"),
            }
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _cases():
    for name, url, expected in ROUTES:
        for role in ROLES:
            yield pytest.param(name, url, role, expected[role], id=f"{name}-{role}")


@pytest.mark.django_db
@pytest.mark.parametrize("name,url,role,status", list(_cases()))
def test_cms_access(name, url, role, status, role_users, cms_site, db, client_for):
    target = url(cms_site) if callable(url) else url
    response = client_for(role_users[role]).get(target)
    assert response.status_code == status, f"{role} GET {target}: {response.status_code}, expected {status}"
    if status == 302 and role == "anonymous" and not target.startswith("/admin/"):
        assert response["Location"].startswith("/accounts/login/"), response["Location"]
    if status == 302 and role == "pending" and not target.startswith("/admin/"):
        assert response["Location"] == "/members/pending/"


@pytest.mark.django_db
def test_report_page_gives_exact_numbers_as_links(client):
    html = client.get("/report/").content.decode()
    for link in (
        'href="tel:+18663472423"',
        'href="tel:+18028726199"',
        'href="https://www.ice.gov/tips"',
        'href="https://tips.fbi.gov"',
        'href="tel:+18883737888"',
        'href="sms:233733?body=BeFree"',
        'href="http://www.missingkids.com/cybertipline"',
        'href="tel:+18008435678"',
    ):
        assert link in html
    assert "1-800-THE-LOST" in html

"""Every URL the project has, requested as every role, with the status each must get.

The data is built once per module (``role_users``); every app adds its routes
to ROUTES. A route is (name, url or callable(users) -> url, expected map).
"""

import pytest

from tests import access_rules as rules
from tests.factories import ROLES
from tests.forum import access_rules as forum_rules
from tests.forum.factories import matrix_url as forum_url

ROUTES = [
    # Public pages and probes.
    ("home", "/", rules.PUBLIC),
    ("report", "/report/", rules.PUBLIC),
    ("healthz", "/healthz", rules.PUBLIC),
    ("search", "/search/?q=task+force", rules.PUBLIC),
    # Accounts (allauth).
    ("login", "/accounts/login/", rules.ANONYMOUS_ONLY),
    ("signup", "/accounts/signup/", rules.ANONYMOUS_ONLY),
    ("password reset", "/accounts/password/reset/", rules.PUBLIC),
    ("email settings", "/accounts/email/", rules.SIGNED_IN),
    ("two-factor settings", "/accounts/2fa/", rules.SIGNED_IN),
    ("sessions", "/accounts/sessions/", rules.SIGNED_IN),
    # Members.
    (
        "pending notice",
        "/members/pending/",
        {**rules.PUBLIC, "anonymous": 302, **{r: 302 for r in ROLES[2:]}},
    ),
    ("directory", "/members/", rules.MEMBERS),
    ("profile", lambda users: f"/members/{users['member'].pk}/", rules.MEMBERS),
    (
        "pending person's profile",
        lambda users: f"/members/{users['pending'].pk}/",
        {**rules.MEMBERS, **{r: 404 for r in ROLES[2:]}},
    ),
    ("edit own profile", "/members/me/edit/", rules.MEMBERS),
    # Apps filled by later issues.
    ("forum", "/forum/", rules.MEMBERS),
    ("forum latest", "/forum/latest/", rules.MEMBERS),
    ("forum search", "/forum/search/?q=interview", rules.MEMBERS),
    ("forum unanswered", "/forum/unanswered/", rules.MEMBERS),
    ("forum my topics", "/forum/mine/", rules.MEMBERS),
    ("forum watched", "/forum/watched/", rules.MEMBERS),
    ("forum new topic", "/forum/new/", rules.MEMBERS),
    ("forum tag", forum_url("/forum/tags/{tag}/"), rules.MEMBERS),
    ("forum category", forum_url("/forum/c/{category}/"), rules.MEMBERS),
    ("forum topic", forum_url("/forum/t/{topic}/"), rules.MEMBERS),
    ("forum post link", forum_url("/forum/t/{topic}/p/1/"), dict.fromkeys(ROLES, 302)),
    ("forum reply", forum_url("/forum/t/{topic}/reply/"), rules.MEMBERS),
    ("forum edit own post", forum_url("/forum/posts/{post}/edit/"), forum_rules.AUTHOR_OR_MODERATOR),
    ("forum privacy confirmations", "/forum/moderation/privacy/", forum_rules.MODERATORS),
    ("forum reports queue", "/forum/moderation/reports/", forum_rules.MODERATORS),
    ("forum report a post", forum_url("/forum/posts/{post}/report/"), rules.MEMBERS),
    (
        "forum post history",
        forum_url("/forum/posts/{post}/history/"),
        forum_rules.AUTHOR_OR_MODERATOR_ELSE_404,
    ),
    ("forum notifications", "/forum/notifications/", rules.MEMBERS),
    ("forum mark notifications read (POST only)", "/forum/notifications/read/", forum_rules.POST_ONLY),
    *(
        (f"forum {action} (POST only)", forum_url(path), forum_rules.POST_ONLY)
        for action, path in (
            ("accept", "/forum/posts/{post}/accept/"),
            ("helpful", "/forum/posts/{post}/helpful/"),
            ("unaccept", "/forum/t/{topic}/unaccept/"),
            ("watch", "/forum/t/{topic}/watch/"),
            ("moderate", "/forum/t/{topic}/moderate/"),
            ("moderate post", "/forum/posts/{post}/moderate/"),
        )
    ),
    (
        "forum prosecutors' topic",
        forum_url("/forum/t/{topic}/", prosecutors_only=True),
        forum_rules.PROSECUTORS_ONLY,
    ),
    (
        "forum prosecutors' category",
        forum_url("/forum/c/{category}/", prosecutors_only=True),
        forum_rules.PROSECUTORS_ONLY,
    ),
    ("tta", "/tta/", rules.MEMBERS),
    ("tta request form", "/tta/requests/new/", {**rules.MEMBERS, "superuser": 200}),
    (
        "tta staff dashboard",
        "/tta/staff/",
        {**dict.fromkeys(ROLES, 403), "anonymous": 302, "pending": 302, "tta_staff": 200, "superuser": 200},
    ),
    (
        "tta cycles and targets",
        "/tta/staff/settings/",
        {**dict.fromkeys(ROLES, 403), "anonymous": 302, "pending": 302, "tta_staff": 200, "superuser": 200},
    ),
    (
        "tta assessment form",
        "/tta/assessment/",
        {**rules.MEMBERS, **dict.fromkeys(ROLES[2:], 302)},
    ),
    ("research", "/research/", rules.RESEARCH),
    # Wagtail admin and its closed doors.
    ("admin", "/admin/", rules.ADMIN),
    ("admin login", "/admin/login/", dict.fromkeys(ROLES, 302)),
    ("admin password reset", "/admin/password_reset/", dict.fromkeys(ROLES, 302)),
]


def _cases():
    for name, url, expected in ROUTES:
        for role in ROLES:
            yield pytest.param(name, url, role, expected[role], id=f"{name}-{role}")


@pytest.mark.django_db
@pytest.mark.parametrize("name,url,role,status", list(_cases()))
def test_access(name, url, role, status, role_users, db, client_for):
    client = client_for(role_users[role])
    target = url(role_users) if callable(url) else url
    response = client.get(target)
    assert response.status_code == status, f"{role} GET {target}: {response.status_code}, expected {status}"
    if status == 302 and role == "anonymous" and not target.startswith("/admin/"):
        location = response["Location"]
        assert location.startswith("/accounts/login/") or location == "/", location
    if (
        status == 302
        and role == "pending"
        and target.startswith(("/members/", "/forum/", "/tta/", "/research/"))
    ):
        assert response["Location"] in ("/members/pending/",) or response["Location"].startswith("/accounts/")

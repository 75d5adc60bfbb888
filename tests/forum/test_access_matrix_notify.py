"""The access matrix for the forum pages of preferences, drafts, category watching and finding peers.

Same shape as tests/test_access_matrix.py (every URL × every role in
tests.factories.ROLES); kept here so the forum's newer routes live with their tests.
"""

import pytest

from tests import access_rules as rules
from tests.factories import ROLES
from tests.forum import access_rules as forum_rules
from tests.forum.factories import matrix_url as forum_url

# Anyone holding a genuine link may unsubscribe; a made-up token is a 404 for everybody.
EVERYONE_404 = dict.fromkeys(ROLES, 404)

ROUTES = [
    ("forum preferences", "/forum/preferences/", rules.MEMBERS),
    ("forum save expertise (POST only)", "/forum/preferences/expertise/", forum_rules.POST_ONLY),
    ("forum find a peer", "/forum/peers/", rules.MEMBERS),
    ("forum find a peer by tag", forum_url("/forum/peers/?tag={tag}"), rules.MEMBERS),
    ("forum new topic draft (POST only)", "/forum/new/draft/", forum_rules.POST_ONLY),
    ("forum reply draft (POST only)", forum_url("/forum/t/{topic}/draft/"), forum_rules.POST_ONLY),
    ("forum watch category (POST only)", forum_url("/forum/c/{category}/watch/"), forum_rules.POST_ONLY),
    (
        "forum search in a category",
        forum_url("/forum/search/?q=interview&category={category}"),
        rules.MEMBERS,
    ),
    ("forum unsubscribe with a forged token", "/forum/email/unsubscribe/1:forged:token/", EVERYONE_404),
    (
        "forum unsubscribe with the member's own link",
        lambda users: f"/forum/email/unsubscribe/{_token(users['member'])}/",
        rules.PUBLIC,
    ),
]


def _token(user):
    from forum.notifications.services import unsubscribe_token

    return unsubscribe_token(user)


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
    if status == 302 and role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    if status == 302 and role == "pending":
        assert response["Location"] == "/members/pending/"

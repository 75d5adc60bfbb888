"""The TTA access matrix: every TTA URL that needs an object (an assessment, a request, an exchange,
a figure) × every role in tests.factories.ROLES. The object-free TTA pages, and a GET of every
POST-only staff action, are in tests/test_access_matrix.py.

The objects belong to the Central Ohio task force (every role's but "other_task_force_member");
the exchange is between it and the Southern Arizona task force (tests.tta.factories.matrix_objects).
"""

import pytest

from tests import access_rules as rules
from tests.factories import ROLES
from tests.tta.factories import matrix_objects

STAFF_ONLY = {
    **dict.fromkeys(ROLES, 403),
    "anonymous": 302,
    "pending": 302,
    "tta_staff": 200,
    "superuser": 200,
}
OWN_TASK_FORCE = {**rules.MEMBERS, "other_task_force_member": 404}
COORDINATORS = {**dict.fromkeys(ROLES, 403), "anonymous": 302, "pending": 302, "coordinator": 200}
POST_ONLY = dict.fromkeys(ROLES, 405)


ROUTES = [
    ("assessment", "/tta/assessments/{assessment}/", OWN_TASK_FORCE),
    ("request", "/tta/requests/{request}/", OWN_TASK_FORCE),
    ("staff request", "/tta/staff/requests/{request}/", STAFF_ONLY),
    ("staff need matches", "/tta/staff/assessments/{assessment}/", STAFF_ONLY),
    ("staff CSV export", "/tta/staff/export/requests-by-status.csv", STAFF_ONLY),
    ("staff request list CSV", "/tta/staff/requests.csv", STAFF_ONLY),
    ("decline exchange", "/tta/exchanges/{exchange}/decline/", COORDINATORS),
    ("accept exchange", "/tta/exchanges/{exchange}/accept/", POST_ONLY),
    ("mark figure public", "/tta/staff/figures/gaps/public/", POST_ONLY),
    ("open a cycle", "/tta/staff/settings/cycles/open/", POST_ONLY),
    ("close a cycle", "/tta/staff/settings/cycles/{cycle}/close/", POST_ONLY),
    ("set a service target", "/tta/staff/settings/targets/", POST_ONLY),
    ("public figures", "/tta/figures/", rules.PUBLIC),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url,role,status",
    [
        pytest.param(url, role, expected[role], id=f"{name}-{role}")
        for name, url, expected in ROUTES
        for role in ROLES
    ],
)
def test_access(url, role, status, role_users, db, client_for):
    target = url.format(**matrix_objects(role_users))
    response = client_for(role_users[role]).get(target)
    assert response.status_code == status, f"{role} GET {target}: {response.status_code}, expected {status}"


REQUEST = "/tta/staff/requests/{request}/"
NEEDS = "/tta/staff/assessments/{assessment}/"

# (name, url, who may, what the form posts): each posts what the page's own form would, so an
# allowed POST succeeds and redirects back.
POST_ROUTES = [
    ("mark figure public", "/tta/staff/figures/gaps/public/", STAFF_ONLY, {"public": "1"}),
    (
        "open a cycle",
        "/tta/staff/settings/cycles/open/",
        STAFF_ONLY,
        {"name": "Matrix 2031", "opens": "2031-01-01", "closes": "2031-03-31"},
    ),
    ("close a cycle", "/tta/staff/settings/cycles/{cycle}/close/", STAFF_ONLY, {}),
    ("set a service target", "/tta/staff/settings/targets/", STAFF_ONLY, {"status": "received", "days": "4"}),
    # Everyone in either task force may look at the exchange; only a coordinator answers it.
    ("accept exchange", "/tta/exchanges/{exchange}/accept/", COORDINATORS, {}),
    (
        "request status",
        REQUEST + "status/",
        STAFF_ONLY,
        {"status": "assigned", "reason": "", "expected_status": "received"},
    ),
    ("request assign", REQUEST + "assign/", STAFF_ONLY, {"assignee": "", "due_date": "2030-01-31"}),
    ("request note", REQUEST + "notes/", STAFF_ONLY, {"text": "Called the coordinator."}),
    ("request find matches", REQUEST + "matches/find/", STAFF_ONLY, {}),
    ("request add match", REQUEST + "matches/add/", STAFF_ONLY, {"kind": "resource", "title": "MDT guide"}),
    ("request accept match", REQUEST + "matches/{match}/accept/", STAFF_ONLY, {}),
    ("request reject match", REQUEST + "matches/{match}/reject/", STAFF_ONLY, {}),
    ("request propose exchange", REQUEST + "matches/{match}/exchange/", STAFF_ONLY, {}),
    ("need find matches", NEEDS + "matches/find/", STAFF_ONLY, {"need": "{need}"}),
    ("need add match", NEEDS + "matches/add/", STAFF_ONLY, {"need": "{need}", "title": "MDT guide"}),
    ("need accept match", NEEDS + "matches/{need_match}/accept/", STAFF_ONLY, {}),
    ("need reject match", NEEDS + "matches/{need_match}/reject/", STAFF_ONLY, {}),
    ("need propose exchange", NEEDS + "matches/{need_match}/exchange/", STAFF_ONLY, {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url,data,role,status",
    [
        pytest.param(url, data, role, expected[role], id=f"{name}-{role}")
        for name, url, expected, data in POST_ROUTES
        for role in ROLES
    ],
)
def test_post_access(url, data, role, status, role_users, db, client_for):
    objects = matrix_objects(role_users)
    target = url.format(**objects)
    posted = {key: value.format(**objects) for key, value in data.items()}
    response = client_for(role_users[role]).post(target, posted)
    expected = 302 if status == 200 else status  # an allowed POST redirects back
    assert response.status_code == expected, (
        f"{role} POST {target}: {response.status_code}, expected {expected}"
    )
    if expected == 302 and status == 200:
        assert not response["Location"].startswith("/accounts/"), response["Location"]

"""The TTA access matrix: every TTA URL that needs an object (an assessment, a request, an exchange,
a figure) × every role in tests.factories.ROLES. The object-free TTA pages are in tests/test_access_matrix.py.

The objects belong to the Central Ohio task force (every role's but "other_task_force_member");
the exchange is between it and the Southern Arizona task force.
"""

import pytest

from tests import access_rules as rules
from tests.factories import ROLES
from tests.tta.factories import AssessmentFactory, CycleFactory, RequestFactory, rate
from tta.models import Match, PeerExchange

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


def build(users):
    tf, other = users["_task_force"], users["_other_task_force"]
    assessment = AssessmentFactory(task_force=tf, cycle=CycleFactory(name="Matrix"), status="submitted")
    rate(assessment, "coordination", 1, 5)
    tta_request = RequestFactory(task_force=tf, requester=users["member"])
    match = Match.objects.create(
        request=tta_request,
        kind=Match.Kind.PEER_TASK_FORCE,
        target_key=f"task_force:{other.pk}",
        title=other.name,
        peer_task_force=other,
        reason="strong",
    )
    exchange = PeerExchange.objects.create(match=match, seeking=tf, host=other, topic=tta_request.topic)
    return {"assessment": assessment.pk, "request": tta_request.pk, "exchange": exchange.pk}


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
    target = url.format(**build(role_users))
    response = client_for(role_users[role]).get(target)
    assert response.status_code == status, f"{role} GET {target}: {response.status_code}, expected {status}"


POST_ROUTES = [
    ("mark figure public", "/tta/staff/figures/gaps/public/", STAFF_ONLY),
    # Everyone in either task force may look at the exchange; only a coordinator answers it.
    ("accept exchange", "/tta/exchanges/{exchange}/accept/", COORDINATORS),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url,role,status",
    [
        pytest.param(url, role, expected[role], id=f"{name}-{role}")
        for name, url, expected in POST_ROUTES
        for role in ROLES
    ],
)
def test_post_access(url, role, status, role_users, db, client_for):
    target = url.format(**build(role_users))
    response = client_for(role_users[role]).post(target, {"public": "1"})
    expected = 302 if status == 200 else status  # an allowed POST redirects back
    assert response.status_code == expected, (
        f"{role} POST {target}: {response.status_code}, expected {expected}"
    )

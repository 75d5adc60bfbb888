"""Each staff action on a request or an assessment's needs at its own URL, tried as an attacker would:
anonymous, a member of another task force, a member or coordinator who is not staff, a GET, a
forged form without the CSRF token, a double click, and a form left open while someone else acted.
Refused attempts change nothing; the staff page's own forms post to these URLs and work without
JavaScript."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.tta.factories import matrix_objects
from tta.models import InternalNote, Match, PeerExchange, RequestEvent, TTARequest

pytestmark = pytest.mark.django_db

REQUEST = "/tta/staff/requests/{request}/"
NEEDS = "/tta/staff/assessments/{assessment}/"
# (url, what the page's form posts): each would succeed for TTA staff.
ACTIONS = [
    (REQUEST + "status/", {"status": "assigned", "reason": "", "expected_status": "received"}),
    (REQUEST + "assign/", {"assignee": "", "due_date": "2030-01-31"}),
    (REQUEST + "notes/", {"text": "Called the coordinator."}),
    (REQUEST + "matches/find/", {}),
    (REQUEST + "matches/add/", {"kind": "resource", "title": "MDT guide"}),
    (REQUEST + "matches/{match}/accept/", {}),
    (REQUEST + "matches/{match}/reject/", {}),
    (REQUEST + "matches/{match}/exchange/", {}),
    (NEEDS + "matches/find/", {"need": "{need}"}),
    (NEEDS + "matches/add/", {"need": "{need}", "title": "MDT guide"}),
    (NEEDS + "matches/{need_match}/accept/", {}),
    (NEEDS + "matches/{need_match}/reject/", {}),
    (NEEDS + "matches/{need_match}/exchange/", {}),
]
IDS = [url.split("}/", 1)[0].strip("/{").split("/")[-1] + " " + url.split("}/", 1)[1] for url, _ in ACTIONS]


def _filled(objects, url, data):
    return url.format(**objects), {key: value.format(**objects) for key, value in data.items()}


def _state(objects):
    """Everything a staff action could change, to compare before and after."""
    r = TTARequest.objects.get(pk=objects["request"])
    return (
        r.status,
        r.assignee_id,
        r.due_date,
        RequestEvent.objects.count(),
        InternalNote.objects.count(),
        sorted(Match.objects.values_list("pk", "state", "title")),
        PeerExchange.objects.count(),
    )


@pytest.mark.parametrize("url,data", ACTIONS, ids=IDS)
@pytest.mark.parametrize("role", ["anonymous", "other_task_force_member", "member", "coordinator", "pending"])
def test_people_who_are_not_staff_change_nothing(url, data, role, role_users, db, client_for):
    objects = matrix_objects(role_users)
    target, posted = _filled(objects, url, data)
    before = _state(objects)
    response = client_for(role_users[role]).post(target, posted)
    if role in ("anonymous", "pending"):
        assert response.status_code == 302
        assert response["Location"].startswith(("/accounts/login/", "/members/pending/")), response[
            "Location"
        ]
    else:
        assert response.status_code == 403
    assert _state(objects) == before


@pytest.mark.parametrize("url,data", ACTIONS, ids=IDS)
def test_a_get_is_refused_and_changes_nothing(url, data, role_users, db, client_for):
    objects = matrix_objects(role_users)
    target, _ = _filled(objects, url, data)
    before = _state(objects)
    response = client_for(role_users["tta_staff"]).get(target)
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert _state(objects) == before


@pytest.mark.parametrize("url,data", ACTIONS, ids=IDS)
def test_a_forged_form_without_the_csrf_token_is_refused(url, data, role_users, db):
    objects = matrix_objects(role_users)
    target, posted = _filled(objects, url, data)
    before = _state(objects)
    client = Client(enforce_csrf_checks=True)
    client.force_login(role_users["tta_staff"])
    assert client.post(target, posted).status_code == 403
    assert _state(objects) == before


@pytest.mark.parametrize("url,data", ACTIONS, ids=IDS)
def test_a_double_click_applies_once(url, data, role_users, db, client_for):
    objects = matrix_objects(role_users)
    target, posted = _filled(objects, url, data)
    client = client_for(role_users["tta_staff"])
    assert client.post(target, posted).status_code == 302
    once = _state(objects)
    second = client.post(target, posted)
    # The second click either changes nothing and says so (400), or finds it already done (302).
    assert second.status_code in (302, 400)
    if url.endswith("matches/find/"):
        # Running the matcher again finds nothing new; it only notes the run on the timeline.
        assert _state(objects)[:3] + _state(objects)[4:] == once[:3] + once[4:]
    else:
        assert _state(objects) == once


def test_the_second_status_click_is_told_what_happened(role_users, db, client_for):
    objects = matrix_objects(role_users)
    target, posted = _filled(objects, *ACTIONS[0])
    client = client_for(role_users["tta_staff"])
    client.post(target, posted)
    second = client.post(target, posted)
    assert second.status_code == 400
    assert "Someone changed this request to Assigned while you were looking" in second.content.decode()
    assert RequestEvent.objects.filter(request_id=objects["request"], kind="status").count() == 1


def test_a_form_left_open_while_someone_else_acted_is_refused(role_users, db, client_for):
    objects = matrix_objects(role_users)
    url = REQUEST.format(**objects)
    staff = client_for(role_users["tta_staff"])
    staff.post(
        url + "status/", {"status": "declined", "reason": "Out of scope", "expected_status": "received"}
    )
    before = _state(objects)
    # This form was loaded while the request was still Received.
    stale = staff.post(url + "status/", {"status": "matched", "reason": "", "expected_status": "received"})
    html = stale.content.decode()
    assert stale.status_code == 400
    assert "Someone changed this request to Declined while you were looking; check it and try again." in html
    assert _state(objects) == before
    assert TTARequest.objects.get(pk=objects["request"]).status == "declined"


def test_an_action_on_a_request_that_does_not_exist_is_not_found(role_users, db, client_for):
    client = client_for(role_users["tta_staff"])
    for action in ("notes/", "matches/find/", "matches/add/", "assign/"):
        response = client.post(f"/tta/staff/requests/999999/{action}", {"text": "x", "title": "x"})
        assert response.status_code == 404, action


def _forms(html):
    """(action, {hidden name: value}) of every POST form on a page but the site header's (log out)."""
    forms = []
    for attrs, body in re.findall(r'<form method="post"([^>]*)>(.*?)</form>', html, re.S):
        action = re.search(r'action="([^"]+)"', attrs)
        hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', body))
        hidden.pop("csrfmiddlewaretoken", None)
        if action is None or action.group(1) != "/accounts/logout/":
            forms.append((action.group(1) if action else None, hidden))
    return forms


def test_the_request_page_forms_post_to_their_own_urls_without_javascript(role_users, db, client_for):
    objects = matrix_objects(role_users)
    Match.objects.filter(pk=objects["match"]).update(state="proposed")
    url = REQUEST.format(**objects)
    client = client_for(role_users["tta_staff"])
    forms = _forms(client.get(url).content.decode())
    match = objects["match"]
    assert {action for action, _ in forms} == {
        f"{url}status/",
        f"{url}assign/",
        f"{url}notes/",
        f"{url}matches/find/",
        f"{url}matches/add/",
        f"{url}matches/{match}/accept/",
        f"{url}matches/{match}/reject/",
    }
    # The status form carries the status staff saw, so a change made meanwhile is caught.
    assert dict(forms)[f"{url}status/"] == {"expected_status": "received"}
    # Posting a form as a browser without JavaScript does: its fields, to its action.
    response = client.post(f"{url}matches/{match}/accept/", dict(forms)[f"{url}matches/{match}/accept/"])
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "Saved." in page and Match.objects.get(pk=match).state == "accepted"
    # Its exchange is already proposed (matrix_objects), so none is offered a second time.
    assert "Peer exchange proposed: waiting for both coordinators." in page
    assert f"{url}matches/{match}/exchange/" not in page


def test_the_need_page_forms_post_to_their_own_urls_without_javascript(role_users, db, client_for):
    objects = matrix_objects(role_users)
    url = NEEDS.format(**objects)
    client = client_for(role_users["tta_staff"])
    forms = _forms(client.get(url).content.decode())
    need_match = objects["need_match"]
    actions = {action for action, _ in forms}
    assert {f"{url}matches/find/", f"{url}matches/add/", f"{url}matches/{need_match}/accept/"} <= actions
    assert all(action and action.startswith(url) for action in actions)
    find = next(hidden for action, hidden in forms if action == f"{url}matches/find/")
    assert find == {"need": str(objects["need"])}
    response = client.post(f"{url}matches/{need_match}/reject/")
    assert response.status_code == 302 and response["Location"] == url
    assert Match.objects.get(pk=need_match).state == "rejected"


def test_a_refused_action_shows_the_page_with_the_reason(role_users, db, client_for):
    objects = matrix_objects(role_users)
    url = REQUEST.format(**objects)
    client = client_for(role_users["tta_staff"])
    empty_note = client.post(url + "notes/", {"text": ""})
    assert (
        empty_note.status_code == 400
        and "Write a note of up to 5,000 characters." in empty_note.content.decode()
    )
    declined = client.post(
        url + "status/", {"status": "declined", "reason": "", "expected_status": "received"}
    )
    html = declined.content.decode()
    assert declined.status_code == 400 and "Give the requester a reason for declining." in html
    assert f"Triage request #{objects['request']}" in html  # the whole page, its forms included
    assert TTARequest.objects.get(pk=objects["request"]).status == "received"


def test_each_action_runs_in_constant_queries(role_users, db, client_for, django_assert_max_num_queries):
    """An action's queries do not grow with the request's timeline or notes."""
    objects = matrix_objects(role_users)
    url = REQUEST.format(**objects)
    client = client_for(role_users["tta_staff"])
    client.get(url)  # the first request of a session does one-off work (MFA check, session save)
    counts = []
    for n in (1, 8):
        for i in range(n):
            client.post(url + "notes/", {"text": f"note {n}-{i}"})
        with CaptureQueriesContext(connection) as ctx:
            assert client.post(url + "notes/", {"text": f"the note after {n}"}).status_code == 302
        counts.append(len(ctx))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[1]):
        client.post(url + "notes/", {"text": "one more"})

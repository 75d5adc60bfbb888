"""TTA triage as staff meet it: the queue's order, being told of new requests (email and a count
on the queue link), the status drop-down's allowed steps, and the request list as CSV."""

import csv
import datetime
import io
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.errors import ServiceError
from taxonomy.models import Term
from tests.factories import TaskForceFactory
from tests.tta.factories import RequestFactory
from tta.models import RequestEvent, TTARequest
from tta.services.requests import file_request

pytestmark = pytest.mark.django_db


def queue_ids(html):
    return [int(pk) for pk in re.findall(r'href="/tta/staff/requests/(\d+)/"', html)]


def filed(days_ago, **fields):
    when = timezone.now() - datetime.timedelta(days=days_ago)
    fields.setdefault("requester", None)
    return RequestFactory(
        task_force=fields.pop("task_force"), created_at=when, status_changed_at=when, **fields
    )


def test_the_queue_puts_open_requests_first_most_urgent_and_oldest_first_and_finished_last(
    role_user, client_for, task_force
):
    closed_recently = filed(1, task_force=task_force, status="closed", urgency="high")
    normal_old = filed(40, task_force=task_force, status="assigned")
    low_oldest = filed(90, task_force=task_force, urgency="low")
    high_new = filed(2, task_force=task_force, urgency="high")
    normal_new = filed(3, task_force=task_force, status="scheduled")
    declined_long_ago = filed(80, task_force=task_force, status="declined")
    high_old = filed(20, task_force=task_force, urgency="high", status="matched")
    html = client_for(role_user("tta_staff")).get("/tta/staff/").content.decode()
    assert queue_ids(html) == [
        high_old.pk,
        high_new.pk,
        normal_old.pk,
        normal_new.pk,
        low_oldest.pk,
        closed_recently.pk,
        declined_long_ago.pk,
    ]
    assert "open ones first, the most urgent and then the oldest first" in html
    assert '<th scope="col">Urgency</th>' in html and "<strong>High</strong>" in html


@pytest.fixture
def staff_pair(role_user):
    first = role_user("tta_staff", full_name="Robin Okafor", email="robin@tta.example.org")
    second = role_user("tta_staff", full_name="Kim Lee", email="kim@tta.example.org")
    gone = role_user("tta_staff", full_name="Former Staff", email="former@tta.example.org")
    gone.is_active = False
    gone.save()
    return first, second


def test_a_new_request_emails_every_member_of_tta_staff_with_a_link_on_the_site_url(
    role_user, staff_pair, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://commons.example.org"
    member = role_user("member", full_name="Jo Requester")
    with django_capture_on_commit_callbacks(execute=True):
        tta_request = file_request(
            member,
            member.task_force,
            topic=Term.objects.get(slug="coordination"),
            description="Help us run a case review.",
            urgency="high",
        )
    to_staff = [m for m in mail.outbox if m.subject.startswith("New TTA request")]
    assert sorted(m.to[0] for m in to_staff) == ["kim@tta.example.org", "robin@tta.example.org"]
    assert all(len(m.to) == 1 for m in to_staff)  # nobody sees the others' addresses
    message = to_staff[0]
    assert message.subject == f"New TTA request #{tta_request.pk}: Coordination"
    assert f"https://commons.example.org/tta/staff/requests/{tta_request.pk}/" in message.body
    assert "https://commons.example.org/tta/staff/" in message.body
    assert "Jo Requester of Central Ohio Human Trafficking Task Force" in message.body
    assert "Urgency: High" in message.body
    assert member.email not in [m.to[0] for m in to_staff]


def test_a_request_that_fails_to_file_emails_nobody(
    role_user, staff_pair, django_capture_on_commit_callbacks
):
    member = role_user("member")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ServiceError):
        file_request(member, member.task_force, topic=Term.objects.get(slug="coordination"), description="")
    assert mail.outbox == []


def test_staff_see_a_count_of_new_requests_on_the_queue_link_until_they_open_the_queue(
    role_user, client_for, staff_pair, task_force
):
    robin, kim = staff_pair
    member = role_user("member")
    client = client_for(robin)
    client.get("/tta/staff/")  # Robin has looked at the queue before
    for _ in range(2):
        file_request(
            member, member.task_force, topic=Term.objects.get(slug="coordination"), description="Help."
        )
    page = client.get("/tta/").content.decode()
    assert (
        'Staff dashboard <span class="tta-count">2<span class="visually-hidden"> new requests</span>' in page
    )
    assert "2 new requests since you last opened the queue." in page
    queue = client.get("/tta/staff/").content.decode()
    assert queue.count('<span class="tta-new">New</span>') == 2
    # Opened: nothing is new to Robin any more, but Kim has not looked yet.
    assert "tta-count" not in client.get("/tta/").content.decode()
    assert client.get("/tta/staff/").content.decode().count('class="tta-new"') == 0
    assert "2 new requests since" in client_for(kim).get("/tta/").content.decode()
    # Members never see the count or the link.
    assert "tta-count" not in client_for(member).get("/tta/").content.decode()


def test_the_staff_tta_page_runs_constant_queries(role_user, client_for, task_force):
    staff = role_user("tta_staff")
    client = client_for(staff)
    client.get("/tta/")
    counts = []
    for n in (1, 5):
        for _ in range(n):
            RequestFactory(task_force=TaskForceFactory(), requester=None)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/tta/").status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "status,offered,chosen",
    [
        ("received", ["assigned", "matched", "declined"], "assigned"),
        ("assigned", ["matched", "scheduled", "declined"], "matched"),
        ("matched", ["scheduled", "assigned", "declined"], "scheduled"),
        ("scheduled", ["delivered", "matched", "declined"], "delivered"),
        ("delivered", ["closed"], "closed"),
    ],
)
def test_the_status_drop_down_offers_only_allowed_steps_the_next_one_chosen(
    role_user, client_for, task_force, status, offered, chosen
):
    tta_request = RequestFactory(task_force=task_force, requester=None, status=status)
    html = client_for(role_user("tta_staff")).get(f"/tta/staff/requests/{tta_request.pk}/").content.decode()
    select = html.split('<select id="id_status" name="status"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="(\w+)"', select) == offered
    assert re.findall(r'<option value="(\w+)" selected>', select) == [chosen]


@pytest.mark.parametrize("status", ["closed", "declined"])
def test_a_finished_request_offers_no_status_change(role_user, client_for, task_force, status):
    tta_request = RequestFactory(task_force=task_force, requester=None, status=status, decline_reason="x")
    html = client_for(role_user("tta_staff")).get(f"/tta/staff/requests/{tta_request.pk}/").content.decode()
    assert 'id="id_status"' not in html and "Change status" not in html


def test_a_forged_transition_is_refused_with_a_clear_message_and_changes_nothing(
    role_user, client_for, task_force
):
    tta_request = RequestFactory(task_force=task_force, requester=None, status="matched")
    events = RequestEvent.objects.count()
    response = client_for(role_user("tta_staff")).post(
        f"/tta/staff/requests/{tta_request.pk}/status/",
        {"status": "closed", "expected_status": "matched"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        "A request cannot go from Matched to Closed; from Matched it can go to Scheduled, Assigned, "
        "Declined. Nothing was changed."
    ) in html
    tta_request.refresh_from_db()
    assert tta_request.status == "matched" and RequestEvent.objects.count() == events


def test_the_request_list_downloads_as_csv_with_formula_cells_neutralised(role_user, client_for, task_force):
    staff, member = (
        role_user("tta_staff", full_name="Robin Okafor"),
        role_user("member", full_name="Jo Member"),
    )
    first = filed(10, task_force=task_force, requester=member, urgency="high", assignee=staff)
    second = filed(
        5, task_force=task_force, requester=member, description='=HYPERLINK("http://evil","click")'
    )
    done = filed(30, task_force=task_force, requester=member, status="closed")
    client = client_for(staff)
    assert "/tta/staff/requests.csv" in client.get("/tta/staff/").content.decode()
    response = client.get("/tta/staff/requests.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="tta-requests.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:7] == ["Request", "Filed", "Task force", "Requester", "Topic", "Audience", "Urgency"]
    assert [int(r[0]) for r in rows[1:]] == [first.pk, second.pk, done.pk]  # the queue's order
    by_pk = {int(r[0]): dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_pk[first.pk]["Assignee"] == "Robin Okafor"
    assert by_pk[first.pk]["Requester"] == "Jo Member"
    assert by_pk[first.pk]["Urgency"] == "High: within two weeks"
    assert by_pk[second.pk]["Description"] == '\'=HYPERLINK("http://evil","click")'
    assert by_pk[done.pk]["Status"] == "Closed"
    # The dashboard's filters apply to the download.
    only_closed = client.get("/tta/staff/requests.csv?status=closed").content.decode()
    assert [int(r[0]) for r in list(csv.reader(io.StringIO(only_closed)))[1:]] == [done.pk]
    assert client_for(member).get("/tta/staff/requests.csv").status_code == 403


def test_the_csv_download_runs_constant_queries(role_user, client_for, task_force):
    client = client_for(role_user("tta_staff"))
    client.get("/tta/staff/requests.csv")
    counts = []
    for n in (1, 6):
        for _ in range(n):
            RequestFactory(task_force=TaskForceFactory(), requester=None)
        with CaptureQueriesContext(connection) as ctx:
            client.get("/tta/staff/requests.csv")
        counts.append(len(ctx))
    assert counts[0] == counts[1]
    assert TTARequest.objects.count() == 7

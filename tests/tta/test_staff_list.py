"""The staff request list pages through any number of requests with page links (no JavaScript),
keeps its filters on every page, and runs the same number of queries on every page."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from taxonomy.models import Term
from tests.factories import TaskForceFactory
from tta.models import TTARequest

pytestmark = pytest.mark.django_db

TOTAL = 230  # more than the 200 the list used to stop at


@pytest.fixture
def many_requests():
    task_forces = [TaskForceFactory(name=f"Paged Task Force {n}") for n in range(3)]
    topic = Term.objects.get(slug="coordination")
    start = timezone.now() - datetime.timedelta(days=400)
    TTARequest.objects.bulk_create(
        TTARequest(
            task_force=task_forces[n % 3],
            topic=topic,
            description=f"Request {n}",
            status="received" if n % 2 else "assigned",
            status_changed_at=start + datetime.timedelta(hours=n),
        )
        for n in range(TOTAL)
    )
    return TTARequest.objects.in_queue_order()


def request_ids(html):
    return [int(pk) for pk in re.findall(r'href="/tta/staff/requests/(\d+)/"', html)]


def test_every_request_is_on_exactly_one_page(role_user, client_for, many_requests):
    client = client_for(role_user("tta_staff"))
    first = client.get("/tta/staff/").content.decode()
    assert f"{TOTAL} requests; showing 1 to 50" in first
    assert 'href="?page=2"' in first and 'href="?page=5"' in first and 'aria-current="page">1<' in first
    seen = []
    for number in range(1, 6):
        seen += request_ids(client.get(f"/tta/staff/?page={number}").content.decode())
    assert seen == list(many_requests.values_list("pk", flat=True))


@pytest.mark.parametrize(
    "page,expected", [("abc", 1), ("0", 5), ("-1", 5), ("999", 5), ("1 OR 1=1", 1), ("2.5", 1), ("", 1)]
)
def test_a_malformed_or_out_of_range_page_shows_a_real_page(
    role_user, client_for, many_requests, page, expected
):
    response = client_for(role_user("tta_staff")).get("/tta/staff/", {"page": page})
    assert response.status_code == 200
    assert f'aria-current="page">{expected}<' in response.content.decode()


def test_filters_stay_on_every_page_link(role_user, client_for, many_requests):
    html = client_for(role_user("tta_staff")).get("/tta/staff/?status=received&page=2").content.decode()
    assert f"{TOTAL // 2} requests; showing 51 to 100" in html
    assert 'href="?status=received&amp;page=3"' in html and 'href="?status=received&amp;page=1"' in html
    ids = request_ids(html)
    assert len(ids) == 50 and set(TTARequest.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "received"
    }


def test_first_and_last_page_run_the_same_number_of_queries(
    role_user, client_for, many_requests, django_assert_num_queries
):
    client = client_for(role_user("tta_staff"))
    client.get("/tta/staff/")  # the session's first request does one-off work
    with CaptureQueriesContext(connection) as first:
        client.get("/tta/staff/?page=1")
    with django_assert_num_queries(len(first)):
        response = client.get("/tta/staff/?page=5")
    assert len(request_ids(response.content.decode())) == TOTAL - 200

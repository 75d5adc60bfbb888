"""Peer exchanges: either coordinator may decline one that is waiting, with a reason; the other side and
staff are told by email, and both task forces see it on their TTA page."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from config.errors import Conflict, ServiceError
from tests.factories import TaskForceFactory, UserFactory, enrol_totp
from tests.tta.factories import RequestFactory
from tta.models import Match, PeerExchange, RequestEvent
from tta.services.exchanges import accept_exchange, decline_exchange, propose_exchange

pytestmark = pytest.mark.django_db


@pytest.fixture
def exchange(role_user, other_task_force):
    """A request from the Central Ohio task force matched with the Southern Arizona one, and an
    exchange proposed by staff; the request is assigned to a member of staff."""
    staff = role_user("tta_staff", email="staff@example.org")
    role_user("coordinator", email="seeking-coordinator@example.org")
    host = UserFactory(
        full_name="Hana Host",
        email="host-coordinator@example.org",
        task_force=other_task_force,
        is_coordinator=True,
        groups=["Member"],
    )
    enrol_totp(host)  # members-only pages need a second factor
    requester = role_user("member")
    tta_request = RequestFactory(task_force=requester.task_force, requester=requester, assignee=staff)
    match = Match.objects.create(
        request=tta_request,
        kind=Match.Kind.PEER_TASK_FORCE,
        target_key=f"task_force:{other_task_force.pk}",
        title=other_task_force.name,
        peer_task_force=other_task_force,
        reason="rated its capacity 5 of 5",
    )
    return propose_exchange(staff, match.pk)


def host_coordinator():
    return UserFactory._meta.model.objects.get(email="host-coordinator@example.org")


def seeking_coordinator():
    return UserFactory._meta.model.objects.get(email="seeking-coordinator@example.org")


def test_host_declines_with_a_reason_and_the_other_side_and_staff_are_told(
    exchange, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decline_exchange(host_coordinator(), exchange.pk, "  We are mid-reorganisation until spring.  ")
    exchange.refresh_from_db()
    assert exchange.state == PeerExchange.State.DECLINED
    assert exchange.decline_reason == "We are mid-reorganisation until spring."
    assert (exchange.declined_side, exchange.declined_by_name) == ("host", "Hana Host")
    recipients = sorted(address for message in mail.outbox for address in message.to)
    # The seeking coordinator and the request's assignee; never the person who declined.
    assert recipients == ["seeking-coordinator@example.org", "staff@example.org"]
    assert all("We are mid-reorganisation until spring." in m.body for m in mail.outbox)
    assert "Peer exchange declined" in mail.outbox[0].subject
    timeline = list(RequestEvent.objects.filter(kind=RequestEvent.Kind.EXCHANGE).order_by("pk"))
    host = "Southern Arizona Anti-Trafficking Unified Response"
    assert [e.detail.split(":")[0] for e in timeline] == [
        f"Peer exchange with {host} proposed",
        f"Peer exchange with {host} declined by {host}",
    ]
    assert not any(e.internal for e in timeline)


def test_each_coordinator_accepting_is_on_the_request_timeline(exchange):
    accept_exchange(seeking_coordinator(), exchange.pk)
    accept_exchange(host_coordinator(), exchange.pk)
    details = list(
        RequestEvent.objects.filter(kind=RequestEvent.Kind.EXCHANGE)
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert details[1:] == [
        "Peer exchange accepted by the task force asking",
        "Peer exchange accepted by the host task force; both have agreed",
    ]


def test_seeking_coordinator_may_decline_even_after_accepting(exchange, django_capture_on_commit_callbacks):
    accept_exchange(seeking_coordinator(), exchange.pk)
    with django_capture_on_commit_callbacks(execute=True):
        decline_exchange(seeking_coordinator(), exchange.pk, "Our lead investigator left.")
    exchange.refresh_from_db()
    assert exchange.state == "declined" and exchange.declined_side == "seeking"
    assert [m.to for m in mail.outbox] == [["host-coordinator@example.org"], ["staff@example.org"]]


def test_without_an_assignee_every_tta_staff_member_is_told(
    exchange, role_user, django_capture_on_commit_callbacks
):
    exchange.match.request.assignee = None
    exchange.match.request.save()
    UserFactory(email="second-staff@example.org", groups=["Member", "TTA staff"])
    with django_capture_on_commit_callbacks(execute=True):
        decline_exchange(host_coordinator(), exchange.pk, "Not this year.")
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["second-staff@example.org", "seeking-coordinator@example.org", "staff@example.org"]


@pytest.mark.parametrize("reason", ["", "   ", "\x00"])
def test_a_reason_is_required(exchange, reason):
    with pytest.raises(ServiceError, match="cannot be empty"):
        decline_exchange(host_coordinator(), exchange.pk, reason)
    exchange.refresh_from_db()
    assert exchange.state == "proposed" and not mail.outbox


def test_a_reason_over_2000_characters_is_refused(exchange):
    with pytest.raises(ServiceError, match="2,000 characters"):
        decline_exchange(host_coordinator(), exchange.pk, "x" * 2001)


def test_only_the_two_coordinators_decline(exchange, role_user):
    third = UserFactory(task_force=TaskForceFactory(name="Third"), is_coordinator=True, groups=["Member"])
    for user in (role_user("member"), role_user("tta_staff"), third):
        with pytest.raises(PermissionDenied):
            decline_exchange(user, exchange.pk, "No.")
    exchange.refresh_from_db()
    assert exchange.state == "proposed"


def test_an_agreed_or_declined_exchange_cannot_be_declined(exchange):
    accept_exchange(seeking_coordinator(), exchange.pk)
    accept_exchange(host_coordinator(), exchange.pk)
    with pytest.raises(Conflict, match="no longer waiting"):
        decline_exchange(host_coordinator(), exchange.pk, "Changed our minds.")
    assert PeerExchange.objects.get(pk=exchange.pk).state == "agreed"


def test_decline_page_keeps_the_reason_when_it_fails_and_works_without_javascript(
    exchange, client_for, django_assert_max_num_queries
):
    client = client_for(host_coordinator())
    url = f"/tta/exchanges/{exchange.pk}/decline/"
    client.get(url)  # the first request of a session does one-off work (MFA check, session save)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200 and "Why are you declining?" in page.content.decode()
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400 and "Give the other task force a reason" in empty.content.decode()
    too_long = client.post(url, {"reason": "y" * 2001})
    assert too_long.status_code == 400 and "y" * 2001 in too_long.content.decode()
    hostile = '<script>alert("x")</script> We are fully booked'
    done = client.post(url, {"reason": hostile})
    assert done.status_code == 302
    # The seeking side reads the reason on its TTA page, escaped.
    seeking = client_for(seeking_coordinator())
    seeking.get("/tta/")
    with django_assert_max_num_queries(14):
        index = seeking.get("/tta/")
    html = index.content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; We are fully booked" in html
    assert "<script>alert" not in html and "Declined by Hana Host" in html
    # Declined: no more Accept or Decline on it.
    assert f"/tta/exchanges/{exchange.pk}/decline/" not in html
    again = client.get(url)
    assert "no longer waiting" in again.content.decode()


@pytest.mark.parametrize(
    "role,status",
    [
        ("anonymous", 302),
        ("pending", 302),
        ("member", 403),
        ("coordinator", 200),
        ("tta_staff", 403),
        ("other_task_force_member", 403),
        ("moderator", 403),
    ],
)
def test_decline_page_access(exchange, role_user, client_for, role, status):
    user = role_user(role) if role != "coordinator" else seeking_coordinator()
    response = client_for(user).get(f"/tta/exchanges/{exchange.pk}/decline/")
    assert response.status_code == status


def test_decline_page_is_not_found_for_another_task_force(exchange, client_for):
    third = UserFactory(task_force=TaskForceFactory(name="Third"), is_coordinator=True, groups=["Member"])
    enrol_totp(third)
    assert client_for(third).get(f"/tta/exchanges/{exchange.pk}/decline/").status_code == 404
    assert client_for(third).get("/tta/exchanges/999999/decline/").status_code == 404

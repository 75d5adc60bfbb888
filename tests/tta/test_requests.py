"""TTA requests: filing, triage through the transitions table, concurrency, notes and emails."""

import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, connection

from config.errors import ServiceError
from taxonomy.models import Term
from tta.models import RequestEvent, RequestStatus, TTARequest
from tta.services.requests import file_request
from tta.services.status import ChangedMeanwhile, InvalidTransition, change_status
from tta.services.triage import add_note, assign

S = RequestStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def member(role_user):
    return role_user("member")


@pytest.fixture
def staff(role_user):
    return role_user("tta_staff")


def file(member, **extra):
    return file_request(
        member, member.task_force, topic=Term.objects.get(slug="coordination"), description="Help us", **extra
    )


def test_member_files_a_request_for_own_task_force(member):
    r = file(member)
    assert (r.status, r.task_force, r.requester) == (S.RECEIVED, member.task_force, member)
    assert list(r.events.values_list("kind", flat=True)) == ["filed"]


def test_member_cannot_file_for_another_task_force(member, role_user):
    other = role_user("other_task_force_member")
    with pytest.raises(PermissionDenied):
        file_request(member, other.task_force, topic=Term.objects.get(slug="coordination"), description="x")


def test_request_for_a_retired_topic_is_refused(member):
    topic = Term.objects.get(slug="coordination")
    Term.objects.filter(pk=topic.pk).update(retired=True)
    with pytest.raises(ServiceError, match="retired"):
        file_request(member, member.task_force, topic=topic, description="x")
    assert not TTARequest.objects.exists()


@pytest.mark.parametrize(
    "extra,message",
    [
        ({"description": "   "}, "empty"),
        ({"description": "x" * 5001}, "5,000"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"fmt": "carrier pigeon"}, "format"),
    ],
)
def test_bad_request_input_is_refused(member, extra, message):
    kwargs = {"topic": Term.objects.get(slug="coordination"), "description": "Help", **extra}
    with pytest.raises(ServiceError, match=message):
        file_request(member, member.task_force, **kwargs)


def test_requester_is_emailed_at_each_status_change(member, staff, django_capture_on_commit_callbacks):
    r = file(member)
    for to in (S.ASSIGNED, S.MATCHED, S.SCHEDULED, S.DELIVERED, S.CLOSED):
        with django_capture_on_commit_callbacks(execute=True):
            change_status(staff, r.pk, to)
    assert [m.to for m in mail.outbox] == [[member.email]] * 5
    assert "Closed" in mail.outbox[-1].subject
    assert f"/tta/requests/{r.pk}/" in mail.outbox[-1].body
    statuses = list(r.events.filter(kind="status").values_list("from_status", "to_status"))
    assert statuses[0] == (S.RECEIVED, S.ASSIGNED) and statuses[-1] == (S.DELIVERED, S.CLOSED)


def test_invalid_transition_closed_to_assigned_is_refused(member, staff):
    r = file(member)
    for to in (S.ASSIGNED, S.SCHEDULED, S.DELIVERED, S.CLOSED):
        change_status(staff, r.pk, to)
    with pytest.raises(InvalidTransition, match="Closed to Assigned"):
        change_status(staff, r.pk, S.ASSIGNED)
    r.refresh_from_db()
    assert r.status == S.CLOSED


def test_declining_needs_a_reason_the_requester_sees(member, staff, django_capture_on_commit_callbacks):
    r = file(member)
    with pytest.raises(ServiceError, match="reason"):
        change_status(staff, r.pk, S.DECLINED)
    with django_capture_on_commit_callbacks(execute=True):
        change_status(staff, r.pk, S.DECLINED, reason="Outside our grant's scope.")
    assert "Outside our grant's scope." in mail.outbox[0].body


def test_only_staff_triage(member, role_user):
    r = file(member)
    for role in ("member", "coordinator", "moderator", "other_task_force_member"):
        with pytest.raises(PermissionDenied):
            change_status(role_user(role), r.pk, S.ASSIGNED)
        with pytest.raises(PermissionDenied):
            add_note(role_user(role), r.pk, "x")


def test_a_change_made_meanwhile_is_not_overwritten(member, staff, role_user):
    r = file(member)
    second = role_user("tta_staff")
    change_status(staff, r.pk, S.MATCHED, expected_status=S.RECEIVED)
    with pytest.raises(ChangedMeanwhile):
        change_status(second, r.pk, S.DECLINED, reason="dup", expected_status=S.RECEIVED)
    r.refresh_from_db()
    assert r.status == S.MATCHED


def test_assigning_moves_a_received_request_and_records_the_timeline(member, staff):
    r = file(member)
    assign(staff, r.pk, staff)
    r.refresh_from_db()
    assert (r.status, r.assignee) == (S.ASSIGNED, staff)
    assert list(r.events.values_list("kind", flat=True)) == ["filed", "assigned", "status"]
    with pytest.raises(ServiceError, match="TTA staff"):
        assign(staff, r.pk, member)


def test_internal_notes_are_internal_events(member, staff):
    r = file(member)
    add_note(staff, r.pk, "<script>alert(1)</script> call the sheriff first")
    assert RequestEvent.objects.get(request=r, kind="note").internal is True


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_staff_changing_a_request_at_once_lose_no_update(role_user):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite locks the whole database, so there are no concurrent row updates to race.")
    member, first, second = role_user("member"), role_user("tta_staff"), role_user("tta_staff")
    r = file(member)
    change_status(first, r.pk, S.ASSIGNED)
    barrier = threading.Barrier(2)
    outcomes = []

    def move(user, to):
        barrier.wait()
        try:
            change_status(user, r.pk, to)
            outcomes.append(to)
        except ServiceError:
            outcomes.append("refused")
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=move, args=(first, S.MATCHED)),
        threading.Thread(target=move, args=(second, S.SCHEDULED)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    r.refresh_from_db()
    # Both ran in turn: matched then scheduled, or scheduled then matched; each is on the timeline.
    changes = list(r.events.filter(kind="status").values_list("from_status", "to_status"))
    assert len(changes) == 3 and set(outcomes) == {S.MATCHED, S.SCHEDULED}
    assert changes[1][1] == changes[2][0] and r.status == changes[2][1]

"""Evaluations: who may answer (attendees of an ended event, once), what staff see (aggregates only,
small counts suppressed), the invitation sent once, bad input, and the demo."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from config.errors import Conflict, NotPermitted, ServiceError
from members import demo as members_demo
from scheduler.registry import jobs
from tests.trainings.factories import EventFactory, public_event, registered
from trainings import demo
from trainings.evaluations import demo as evaluations_demo
from trainings.evaluations import invitations, results, services
from trainings.evaluations.models import (
    EvaluationAnswer,
    EvaluationInvite,
    EvaluationQuestion,
    EvaluationResponse,
)
from trainings.models import Event, RegistrationStatus

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script>\"'><img src=x onerror=alert(1)> ; DROP TABLE trainings_event; --"
QUESTIONS = (
    "What is the first step?\n* Make sure the person is safe\n- Ask for papers"
    "\n\nWho interviews?\n- Anyone\n* A trained interviewer"
)


def _ended(**extra):
    now = timezone.now()
    extra.setdefault("visibility", "public")
    return EventFactory(starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=2), **extra)


def _attendee(event, user, attended=True):
    row = registered(event, user)
    row.attended = attended
    row.save(update_fields=["attended"])
    return row


def _with_questions(event, staff):
    return services.set_questions(event, services.parse_questions(QUESTIONS), by=staff)


def _respond(event, user, reaction=4, pairs=((0, 0), (0, 1))):
    questions = list(event.evaluation_questions.all())
    answers = {q.pk: pair for q, pair in zip(questions, pairs, strict=False)}
    return services.submit(event, user, reaction, answers)


@pytest.fixture
def event(role_user):
    event = _ended()
    _with_questions(event, role_user("tta_staff"))
    return event


def _form(event, reaction="4", pairs=((0, 0), (0, 1))):
    data = {"reaction": reaction}
    for question, (before, after) in zip(event.evaluation_questions.all(), pairs, strict=False):
        data[f"q{question.pk}-before"] = str(before)
        data[f"q{question.pk}-after"] = str(after)
    return data


# --- who may evaluate: the attacker first ------------------------------------------------------------------


def test_nobody_but_an_attendee_of_the_ended_event_reaches_the_form(event, role_user, client_for):
    url = f"/trainings/{event.pk}/evaluation/"
    assert client_for(None).get(url).status_code == 302
    assert client_for(role_user("pending")).get(url)["Location"] == "/members/pending/"
    # A member who never registered, one on the waitlist, one registered but absent.
    assert client_for(role_user("member")).get(url).status_code == 403
    waiting = role_user("member")
    registered(event, waiting, status=RegistrationStatus.WAITLISTED, position=1)
    assert client_for(waiting).get(url).status_code == 403
    absent = role_user("member")
    _attendee(event, absent, attended=False)
    assert client_for(absent).get(url).status_code == 403
    # Staff manage the event but did not attend it: they see results, never the attendee's form.
    assert client_for(role_user("tta_staff")).get(url).status_code == 403
    # A guessed event, and a members-only event from a non-member's point of view.
    assert client_for(role_user("member")).get("/trainings/999999/evaluation/").status_code == 404
    hidden = _ended(visibility="members", is_published=False)
    came = role_user("member")
    _attendee(hidden, came)
    assert client_for(came).get(f"/trainings/{hidden.pk}/evaluation/").status_code == 404


def test_an_attendee_cannot_evaluate_before_the_event_ends(role_user, client_for):
    now = timezone.now()
    running = public_event(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    member = role_user("member")
    _attendee(running, member)
    assert client_for(member).get(f"/trainings/{running.pk}/evaluation/").status_code == 403
    with pytest.raises(NotPermitted):
        services.submit(running, member, 5, {})


def test_the_service_refuses_someone_who_did_not_attend(event, role_user):
    member = role_user("member")
    with pytest.raises(NotPermitted):
        _respond(event, member)
    _attendee(event, member, attended=False)
    with pytest.raises(NotPermitted):
        _respond(event, member)
    assert not EvaluationResponse.objects.exists()


# --- the attendee answers, once ----------------------------------------------------------------------------


def test_an_attendee_answers_once_and_a_double_submit_records_one_response(
    event, role_user, client_for, django_assert_max_num_queries
):
    member = role_user("member")
    _attendee(event, member)
    client = client_for(member)
    url = f"/trainings/{event.pk}/evaluation/"
    client.get(url)  # the first request of a session also loads the member's groups; the page itself:
    with django_assert_max_num_queries(8):
        page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "What is the first step?" in body and 'name="reaction"' in body
    first = client.post(url, _form(event), follow=True)
    assert "your evaluation is recorded" in first.content.decode()
    again = client.post(url, _form(event, reaction="1"), follow=True)
    assert "already evaluated" in again.content.decode()
    (response,) = EvaluationResponse.objects.all()
    assert response.reaction == 4 and response.member == member
    scores = sorted(EvaluationAnswer.objects.values_list("before_correct", "after_correct"))
    assert scores == [(False, True), (True, True)]  # Q1: right, right; Q2: wrong before, right after
    with pytest.raises(Conflict):
        _respond(event, member)
    assert EvaluationResponse.objects.count() == 1
    # Once answered, the form is gone and the event page no longer needs the link to be followed.
    assert "Your evaluation is recorded" in client.get(url).content.decode()


@pytest.mark.parametrize(
    "reaction,pairs",
    [
        ("", ((0, 0), (0, 1))),
        ("0", ((0, 0), (0, 1))),
        ("6", ((0, 0), (0, 1))),
        ("4.5", ((0, 0), (0, 1))),
        ("x" * 10000, ((0, 0), (0, 1))),
        ("' OR 1=1 --", ((0, 0), (0, 1))),
        ("4", ((0, 0),)),  # one question left out
        ("4", ((0, 0), (2, 1))),  # choice 2 does not exist
        ("4", ((0, 0), (-1, 1))),
        ("4", ((0, 0), ("<script>", 1))),
    ],
)
def test_bad_input_is_refused_and_stores_nothing(event, role_user, client_for, reaction, pairs):
    member = role_user("member")
    _attendee(event, member)
    response = client_for(member).post(f"/trainings/{event.pk}/evaluation/", _form(event, reaction, pairs))
    assert response.status_code == 400
    assert "<script>" not in response.content.decode()
    assert not EvaluationResponse.objects.exists()


def test_an_answer_for_a_question_of_another_event_is_refused(event, role_user):
    member = role_user("member")
    _attendee(event, member)
    other = _ended()
    foreign = _with_questions(other, role_user("tta_staff"))[0]
    own = list(event.evaluation_questions.all())
    with pytest.raises(ServiceError, match="every question"):
        services.submit(event, member, 4, {own[0].pk: (0, 0), own[1].pk: (0, 0), foreign.pk: (0, 0)})
    with pytest.raises(ServiceError, match="every question"):
        services.submit(event, member, 4, {own[0].pk: (0, 0)})
    with pytest.raises(ServiceError, match="rating"):
        services.submit(event, member, True, {q.pk: (0, 0) for q in own})
    # A foreign question's field in the form is ignored: the form reads only this event's questions.
    data = {**_form(event), f"q{foreign.pk}-before": "0", f"q{foreign.pk}-after": "0"}
    from django.test import Client

    client = Client()
    client.force_login(member)
    assert client.post(f"/trainings/{event.pk}/evaluation/", data).status_code == 302
    assert EvaluationAnswer.objects.filter(question=foreign).count() == 0


def test_hostile_question_text_is_shown_as_text(role_user, client_for):
    staff = role_user("tta_staff")
    event = _ended()
    services.set_questions(event, services.parse_questions(f"{HOSTILE}\n* {HOSTILE}\n- plain"), by=staff)
    member = role_user("member")
    _attendee(event, member)
    for _other in range(5):
        person = role_user("member")
        _attendee(event, person)
        services.submit(event, person, 3, {q.pk: (0, 1) for q in event.evaluation_questions.all()})
    for who, url in (
        (member, f"/trainings/{event.pk}/evaluation/"),
        (staff, f"/trainings/{event.pk}/evaluation/results/"),
        (staff, f"/trainings/{event.pk}/evaluation/questions/"),
    ):
        body = client_for(who).get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body, url
        assert "&lt;script&gt;" in body, url


# --- staff set the questions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,problem",
    [
        ("Q?\n- a\n- b", "exactly one"),
        ("Q?\n* a\n* b", "exactly one"),
        ("Q?\n* a", "2 to 6"),
        ("Q?\n* a\n- a", "the same"),
        ("Q?\n* a\nb", "starts with"),
        ("\n\n".join(f"Q{i}?\n* a\n- b" for i in range(11)), "At most 10"),
        ("x" * 20001, "too long"),
        (f"{'Q' * 301}\n* a\n- b", "at most 300"),
    ],
)
def test_malformed_questions_are_refused_with_a_reason(text, problem):
    with pytest.raises(ServiceError, match=problem):
        services.parse_questions(text)


def test_staff_set_questions_until_someone_answers(role_user, client_for):
    staff = role_user("tta_staff")
    event = _ended()
    client = client_for(staff)
    url = f"/trainings/{event.pk}/evaluation/questions/"
    assert client.post(url, {"questions": "Q?\n- a\n- b"}).status_code == 400
    assert client.post(url, {"questions": QUESTIONS}).status_code == 302
    assert list(event.evaluation_questions.values_list("correct", flat=True)) == [0, 1]
    assert services.questions_as_text(event) == QUESTIONS.replace("\n* ", "\n* ").replace("\n- ", "\n- ")
    member = role_user("member")
    _attendee(event, member)
    _respond(event, member)
    with pytest.raises(Conflict):
        services.set_questions(event, [], by=staff)
    assert "can no longer be changed" in client.get(url).content.decode()
    with pytest.raises(NotPermitted):
        services.set_questions(event, [], by=member)
    assert EvaluationQuestion.objects.filter(event=event).count() == 2


def test_an_editor_cannot_reach_a_members_only_events_evaluation_pages(role_user, client_for):
    event = _ended(visibility="members")
    editor = client_for(role_user("editor"))
    for path in ("questions", "results"):
        assert editor.get(f"/trainings/{event.pk}/evaluation/{path}/").status_code == 404
    assert (
        client_for(role_user("member")).get(f"/trainings/{event.pk}/evaluation/results/").status_code == 403
    )


# --- what staff see ----------------------------------------------------------------------------------------


def test_suppression_of_a_breakdown_with_its_total_shown():
    assert results.suppress_breakdown([6, 7, 8]) == ["6", "7", "8"]
    # One small cell alone would be the total minus the others: a second cell goes too.
    assert results.suppress_breakdown([2, 7, 8]) == ["<5", "suppressed", "8"]
    # Zeros are small counts; when every small cell is zero the smallest shown cell is hidden too.
    assert results.suppress_breakdown([0, 0, 9, 10]) == ["<5", "<5", "suppressed", "10"]
    # Two small cells summing to 1 cannot be told apart: nothing more to hide.
    assert results.suppress_breakdown([0, 1, 5, 5]) == ["<5", "<5", "5", "5"]
    # Two "<5" adding to 8 must both be 4: hidden further.
    assert results.suppress_breakdown([4, 4, 6]) == ["<5", "<5", "suppressed"]
    assert results.share(5, 10) == 50
    assert results.share(4, 10) is None and results.share(6, 10) is None and results.share(3, 3) is None


def test_fewer_than_five_responses_show_no_figures_and_five_do_without_names(
    event, role_user, client_for, django_assert_max_num_queries
):
    staff = client_for(role_user("tta_staff"))
    url = f"/trainings/{event.pk}/evaluation/results/"
    people = [role_user("member", full_name=f"Attendee Zyxwvut{i}") for i in range(10)]
    for person in people[:4]:
        _attendee(event, person)
        _respond(event, person, reaction=5)
    body = staff.get(url).content.decode()
    assert "Fewer than 5 responses" in body and "<svg" not in body and "<table" not in body
    for i, person in enumerate(people[4:]):
        _attendee(event, person)
        _respond(event, person, reaction=4, pairs=((0, 0), (0 if i < 2 else 1, 1)))
    staff.get(url)
    with django_assert_max_num_queries(9):
        page = staff.get(url)
    body = page.content.decode()
    assert "10 responses" in body and "<svg" in body and 'role="img"' in body
    main = body.split("<main", 1)[-1].split("</main>", 1)[0]
    assert "Zyxwvut" not in main and "@" not in main  # no names, no emails
    outcome = results.event_results(event)
    assert dict(outcome.reaction) == {"1 (poor)": "<5", "2": "<5", "3": "<5", "4": "6", "5 (excellent)": "<5"}
    q1, q2 = outcome.questions
    assert (q1.before, q1.after) == (None, None)  # all ten right: the remainder (0) is a small count
    assert (q2.before, q2.after) == (None, None)  # 4 of 10 right before (small), 10 of 10 after
    assert "suppressed" in body


def test_results_over_time_pool_only_what_event_pages_show(
    role_user, client_for, django_assert_max_num_queries
):
    staff = role_user("tta_staff")
    now = timezone.now()
    start = now - timedelta(days=40)
    busy = public_event(starts_at=start, ends_at=start + timedelta(hours=1))
    small = public_event(starts_at=start, ends_at=start + timedelta(hours=1))  # same month, 3 responses
    quiet = public_event(
        starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=2) + timedelta(hours=1)
    )
    for event in (busy, small, quiet):
        _with_questions(event, staff)
    reactions = [1, 2, 2, 3, 3] + [4] * 5 + [5] * 5  # scores 4 and 5 shown (5 each); 1-3 hidden, not pinned
    for i, reaction in enumerate(reactions):
        person = role_user("member")
        _attendee(busy, person)
        # Q1: 5 of 15 right before (shown), 15 of 15 after (hidden); Q2: 0 of 15 before (hidden), 10 after.
        _respond(busy, person, reaction=reaction, pairs=((0 if i < 5 else 1, 0), (0, 1 if i < 10 else 0)))
    for _ in range(3):
        person = role_user("member")
        _attendee(small, person)
        _respond(small, person, reaction=1, pairs=((1, 1), (0, 0)))
    person = role_user("member")
    _attendee(quiet, person)
    _respond(quiet, person)
    page = results.event_results(busy)
    assert [q.before for q in page.questions] == [33, None] and [q.after for q in page.questions] == [
        None,
        67,
    ]
    months = results.results_over_time(Event.objects.all())
    assert [m.events for m in months] == [2, 1]
    shown = [m for m in months if m.shown]
    # The small event and the hidden shares are left out: the month shows only what busy's page shows.
    assert len(shown) == 1 and shown[0].responses == 15 and shown[0].rated_high == 67
    assert (shown[0].before, shown[0].after) == (33, 67)
    client = client_for(staff)
    client.get("/trainings/evaluations/")
    with django_assert_max_num_queries(6):
        body = client.get("/trainings/evaluations/").content.decode()
    assert "<svg" in body and "+34" in body and "No event with 5 or more responses" in body
    # An editor sees only public events' results; a member none at all.
    assert client_for(role_user("editor")).get("/trainings/evaluations/").status_code == 200
    assert client_for(role_user("member")).get("/trainings/evaluations/").status_code == 403


# --- the invitation, once ----------------------------------------------------------------------------------


def test_attendees_are_invited_once_after_the_end_and_nobody_else(event, role_user):
    came = role_user("member")
    _attendee(event, came)
    _attendee(event, role_user("member"), attended=False)
    registered(event, role_user("member"), status=RegistrationStatus.WAITLISTED, position=1)
    answered = role_user("member")
    _attendee(event, answered)
    _respond(event, answered)
    not_over = public_event(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=1)
    )
    _attendee(not_over, role_user("member"))
    long_ago = public_event(
        starts_at=timezone.now() - timedelta(days=30), ends_at=timezone.now() - timedelta(days=30, hours=-1)
    )
    _attendee(long_ago, role_user("member"))
    assert invitations.send_due_invitations() == 1
    (message,) = mail.outbox
    assert message.to == [came.email] and event.title in message.subject
    assert f"/trainings/{event.pk}/evaluation/" in message.body
    # A second pass, as a second scheduler process would run, sends nothing more.
    assert invitations.send_due_invitations() == 0
    assert EvaluationInvite.objects.count() == 1


def test_a_claimed_invitation_is_not_sent_by_a_second_process(event, role_user):
    row = _attendee(event, role_user("member"))
    assert invitations.claim(row) is True
    assert invitations.claim(row) is False
    assert invitations.send_due_invitations() == 0 and mail.outbox == []


def test_the_invitation_job_is_registered_with_the_scheduler():
    assert jobs.get("trainings.evaluation_invitations").every == timedelta(minutes=15)


def test_an_unsent_invitation_is_not_retried(event, role_user, monkeypatch):
    _attendee(event, role_user("member"))

    def broken(registration):
        raise OSError("mail server down")

    monkeypatch.setattr(invitations, "send_invitation", broken)
    assert invitations.send_due_invitations() == 0
    monkeypatch.undo()
    assert invitations.send_due_invitations() == 0  # at most once: the marker stays


# --- the demo ----------------------------------------------------------------------------------------------


def test_the_demo_shows_figures_for_one_finished_event_and_the_suppression_message_for_another(
    role_user, client_for
):
    members_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())  # idempotent
    webinar = Event.objects.get(title=evaluations_demo.FINISHED_WEBINAR)
    few = Event.objects.get(title=evaluations_demo.FEW_RESPONSES_EVENT)
    assert webinar.evaluation_responses.count() == len(evaluations_demo.ATTENDEES) >= 5
    assert 0 < few.evaluation_responses.count() < 5
    staff = client_for(role_user("tta_staff"))
    body = staff.get(f"/trainings/{webinar.pk}/evaluation/results/").content.decode()
    assert "<svg" in body and "45%" in body and "55%" in body
    assert "Fewer than 5 responses" in staff.get(f"/trainings/{few.pk}/evaluation/results/").content.decode()

"""The attendee completing the evaluation, on a 390 px phone: from the invitation email to the thank-you,
once only; then staff reading the aggregated results (chart and table, no names) at desktop width."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.journeys import fits, shot, sign_in_as, signed_in
from tests.trainings.factories import EventFactory, registered
from trainings.evaluations import invitations, services
from trainings.evaluations.models import EvaluationResponse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

QUESTIONS = (
    "Which is the strongest indicator of labor trafficking at a work site?\n"
    "* The employer holds the workers' identity documents\n"
    "- Workers are paid in cash\n- Workers share housing"
)


def test_the_attendee_completes_the_evaluation_and_staff_see_only_totals(
    phone, browser, live_server, role_user, migration_data
):
    staff = role_user("tta_staff")
    start = timezone.now() - timedelta(days=1)
    event = EventFactory(
        title="Labor trafficking indicators for patrol officers in rural counties",
        visibility="public",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    services.set_questions(event, services.parse_questions(QUESTIONS), by=staff)
    member = role_user("member", full_name="Dana Whitfieldtest")
    row = registered(event, member)
    row.attended = True
    row.save(update_fields=["attended"])
    others = []
    for _index in range(5):
        other = role_user("member")
        other_row = registered(event, other)
        other_row.attended = True
        other_row.save(update_fields=["attended"])
        others.append(other)

    # The scheduler's job emails every attendee once, with the link.
    assert invitations.send_due_invitations() == 6
    assert invitations.send_due_invitations() == 0
    (message,) = [m for m in mail.outbox if m.to == [member.email]]
    link = re.search(r"https?://\S+/evaluation/", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    sign_in_as(phone, member)
    phone.goto(f"/trainings/{event.pk}/")
    phone.get_by_role("link", name="Evaluate this event").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Evaluate")
    assert phone.url.endswith("/" + path)
    assert fits(phone)
    shot(phone, "evaluation-form-390")

    # Sending without a rating is refused with a message; nothing is stored.
    phone.get_by_role("button", name="Send my evaluation").click()
    # (the browser's own "required" check may stop it first; either way nothing is stored)
    assert not EvaluationResponse.objects.exists()

    phone.get_by_label("4", exact=True).check()
    before = phone.get_by_role("group", name="Before the event, I would have answered")
    before.get_by_label("Workers are paid in cash").check()
    after = phone.get_by_role("group", name="Now, after the event, I answer")
    after.get_by_label("The employer holds the workers' identity documents").check()
    phone.get_by_role("button", name="Send my evaluation").click()
    expect(phone.get_by_role("status").first).to_contain_text("recorded")
    assert fits(phone)
    response = EvaluationResponse.objects.get()
    assert response.member == member and response.reaction == 4
    assert list(response.answers.values_list("before_correct", "after_correct")) == [(False, True)]

    # Back to the form and send again (a double submit): still one response.
    phone.go_back()
    phone.reload()
    expect(phone.get_by_text("Your evaluation is recorded")).to_be_visible()
    assert EvaluationResponse.objects.count() == 1

    for other in others:
        services.submit(event, other, 5, {q.pk: (0, 0) for q in event.evaluation_questions.all()})

    context, desktop = signed_in(browser, live_server, staff, viewport={"width": 1280, "height": 900})
    try:
        desktop.goto(f"/trainings/{event.pk}/")
        desktop.get_by_role("link", name="Evaluation results").click()
        expect(desktop.get_by_role("heading", level=1)).to_contain_text("Evaluation results")
        expect(desktop.get_by_role("img", name="Reaction scores")).to_be_visible()
        expect(desktop.get_by_role("table", name="Reaction scores (1 poor, 5 excellent)")).to_be_visible()
        expect(desktop.get_by_text("Dana Whitfieldtest")).to_have_count(0)
        shot(desktop, "evaluation-results-desktop")
        desktop.set_viewport_size({"width": 390, "height": 844})
        desktop.reload()
        assert fits(desktop)
        shot(desktop, "evaluation-results-390")
        desktop.goto("/trainings/evaluations/")
        assert fits(desktop)
        shot(desktop, "evaluation-over-time-390")
        desktop.set_viewport_size({"width": 1280, "height": 900})
        desktop.reload()
        shot(desktop, "evaluation-over-time-desktop")
    finally:
        context.close()
    phone.set_viewport_size({"width": 1280, "height": 900})
    phone.goto(f"/trainings/{event.pk}/evaluation/")
    shot(phone, "evaluation-done-desktop")

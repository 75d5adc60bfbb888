"""Deciding a review from the page editor or the dashboard: once, under a lock, never half-done.

A reviewer's Approve in the editor footer can reach the server twice (a
double click). The second request must change nothing and say why, and an
approval that cannot publish must leave the page, the workflow and the search
index as they were, with a message instead of a 500.
"""

import json

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from wagtail import hooks
from wagtail.models import PageLogEntry, Revision, TaskState, WorkflowState

from cms.models import EvidenceBriefPage, PracticePage
from search.index import search
from search.models import IndexEntry
from tests.cms import factories
from tests.cms.page_forms import brief_form, practice_form

pytestmark = pytest.mark.django_db

SLUG = "deconfliction-before-every-operation"


@pytest.fixture
def people(role_user):
    return {"editor": role_user("editor"), "reviewer": role_user("reviewer"), "member": role_user("member")}


def signed_in(user):
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


def submitted_practice(editor, indexes, **form):
    url = reverse("wagtailadmin_pages:add", args=["cms", "practicepage", indexes["practices"].pk])
    response = signed_in(editor).post(url, {**practice_form(**form), "action-submit": "action-submit"})
    assert response.status_code == 302
    return PracticePage.objects.get(slug=SLUG)


def editor_approve(page, form=None):
    """The POST the editor footer's "Approve" sends: the whole page form plus the workflow action."""
    data = dict(form if form is not None else practice_form())
    data.update({"action-workflow-action": "true", "workflow-action-name": "approve"})
    return reverse("wagtailadmin_pages:edit", args=[page.pk]), data


def dashboard_action(page, action="approve", task_state=None):
    state = task_state or page.current_workflow_task_state
    return reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def publish_entries(page):
    return PageLogEntry.objects.filter(page=page, action="wagtail.publish").count()


def found_by_anonymous(query):
    return [hit.url for hit in search(query, user=factories.anonymous_user()).results]


def test_approving_twice_from_the_editor_publishes_once_and_explains_the_second(people, indexes):
    page = submitted_practice(people["editor"], indexes)
    reviewer = signed_in(people["reviewer"])
    url, data = editor_approve(page)

    first = reviewer.post(url, data)
    assert first.status_code == 302
    revisions = Revision.page_revisions.filter(object_id=str(page.pk)).count()

    second = reviewer.post(url, data, follow=True)
    assert second.status_code == 200
    assert any("already" in message for message in messages_of(second)), messages_of(second)

    page.refresh_from_db()
    assert page.live and not page.has_unpublished_changes
    assert publish_entries(page) == 1
    assert Revision.page_revisions.filter(object_id=str(page.pk)).count() == revisions, "no stray draft"
    assert found_by_anonymous("deconfliction") == [f"/practices/{SLUG}/"]


def test_a_second_approve_racing_the_first_is_refused_and_leaves_the_page_live(people, indexes):
    """A double click as the server sees it: the second request loaded the page before the first ended."""
    page = submitted_practice(people["editor"], indexes)
    url, data = editor_approve(page)
    first_done = []

    def first_request_finishes_meanwhile(request, edited):
        if request.method == "POST" and not first_done:
            first_done.append("running")  # the first request passes this hook too
            first_done[0] = signed_in(people["reviewer"]).post(url, data).status_code

    with hooks.register_temporarily("before_edit_page", first_request_finishes_meanwhile):
        second = signed_in(people["reviewer"]).post(url, data, follow=True)

    assert first_done == [302]
    assert second.status_code == 200
    assert any("already" in message for message in messages_of(second)), messages_of(second)
    page.refresh_from_db()
    assert page.live, "the stale request must not save the page back as a draft"
    assert publish_entries(page) == 1
    assert found_by_anonymous("deconfliction") == [f"/practices/{SLUG}/"]


def test_approving_from_the_editor_works_as_from_the_dashboard(people, indexes):
    from django.core import mail

    page = submitted_practice(people["editor"], indexes)
    mail.outbox.clear()
    url, data = editor_approve(page, practice_form(summary="Check every target with the regional system."))
    data["workflow-action-extra-data"] = json.dumps({"comment": "Good to go."})
    assert signed_in(people["reviewer"]).post(url, data).status_code == 302
    page.refresh_from_db()
    assert page.live and page.summary == "Check every target with the regional system."
    assert page.current_workflow_state is None
    assert WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk)).status == (
        WorkflowState.STATUS_APPROVED
    )
    assert any(people["editor"].email in message.to for message in mail.outbox)
    assert IndexEntry.objects.get(kind="practice", key=str(page.pk)).text.count("regional system")


def test_a_decision_on_a_stale_task_from_the_dashboard_is_refused(people, indexes, settings):
    """With re-approval on edit, an old task state's approve URL must not approve the new one."""
    page = submitted_practice(people["editor"], indexes)
    reviewer = signed_in(people["reviewer"])
    old_state = page.current_workflow_task_state
    first = reviewer.post(dashboard_action(page), {"comment": ""})
    assert first.status_code == 302

    response = reviewer.post(dashboard_action(page, task_state=old_state), {"comment": ""}, follow=True)
    assert response.status_code == 200
    assert any("already" in message for message in messages_of(response)), messages_of(response)
    page.refresh_from_db()
    assert page.live and publish_entries(page) == 1


def test_an_editor_cannot_approve_from_the_editor_footer(people, indexes):
    page = submitted_practice(people["editor"], indexes)
    url, data = editor_approve(page)
    signed_in(people["editor"]).post(url, data)
    page.refresh_from_db()
    assert not page.live
    assert page.current_workflow_task_state.status == TaskState.STATUS_IN_PROGRESS


def suppressed_brief(editor, indexes):
    """A run's brief whose every figure is hidden as a small count, submitted for review."""
    form = brief_form()
    form["key_figures-0-value-value"] = "<5"
    url = reverse("wagtailadmin_pages:add", args=["cms", "evidencebriefpage", indexes["briefs"].pk])
    response = signed_in(editor).post(url, {**form, "action-submit": "action-submit"})
    assert response.status_code == 302, response.context["form"].errors
    page = EvidenceBriefPage.objects.get(slug="suspected-incidents-2008-to-2010")
    assert page.get_latest_revision_as_object().all_figures_suppressed
    return page


def test_dashboard_approval_of_an_all_suppressed_brief_asks_for_confirmation(people, indexes):
    from django.core import mail

    page = suppressed_brief(people["editor"], indexes)
    task_state = page.current_workflow_task_state
    mail.outbox.clear()

    response = signed_in(people["reviewer"]).post(dashboard_action(page), {"comment": ""}, follow=True)

    assert response.status_code == 200
    assert any("Every figure of this brief is suppressed" in m for m in messages_of(response))
    page.refresh_from_db()
    assert not page.live
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS, "the review is still waiting for a decision"
    assert not any(people["editor"].email in message.to for message in mail.outbox), "no 'approved' email"
    assert not IndexEntry.objects.filter(kind="brief").exists()


def test_dashboard_approval_from_the_modal_gets_json_not_a_500(people, indexes):
    page = suppressed_brief(people["editor"], indexes)
    response = signed_in(people["reviewer"]).post(
        dashboard_action(page), {"comment": ""}, headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert response.status_code == 200
    assert response.json()["step"] == "success"
    page.refresh_from_db()
    assert not page.live


def test_a_reviewer_confirms_an_all_suppressed_brief_and_approves_it_from_the_editor(people, indexes):
    page = suppressed_brief(people["editor"], indexes)
    form = brief_form()
    form["key_figures-0-value-value"] = "<5"
    url, data = editor_approve(page, form)

    refused = signed_in(people["reviewer"]).post(url, data)
    assert refused.status_code == 200, "the form names the missing confirmation"
    page.refresh_from_db()
    assert not page.live

    data["suppression_confirmed"] = "on"
    assert signed_in(people["reviewer"]).post(url, data).status_code == 302
    page.refresh_from_db()
    assert page.live and page.suppression_confirmed
    assert publish_entries(page) == 1

"""The Best-practice review, end to end: an editor submits, a reviewer requests changes or approves."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.models import TaskState, WorkflowState

from cms.models import PracticePage
from search.index import search
from tests.cms import factories
from tests.cms.page_forms import practice_form

pytestmark = pytest.mark.django_db

SLUG = "deconfliction-before-every-operation"


@pytest.fixture
def people(role_user):
    return {"editor": role_user("editor"), "reviewer": role_user("reviewer"), "member": role_user("member")}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def add_url(index):
    return reverse("wagtailadmin_pages:add", args=["cms", "practicepage", index.pk])


def workflow_action(page, action, comment=""):
    state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.pk])
    return url, {"comment": comment}


def submit_new_practice(editor, index, **form):
    response = signed_in(editor).post(
        add_url(index), {**practice_form(**form), "action-submit": "action-submit"}
    )
    assert response.status_code == 302, getattr(response, "context", {}) and response.context["form"].errors
    return PracticePage.objects.get(slug=form.get("slug", SLUG))


def emails_to(user):
    return [message for message in mail.outbox if user.email in message.to]


def test_editors_cannot_publish_practices_or_briefs(people, indexes):
    editor = people["editor"]
    for key in ("practices", "briefs"):
        assert not indexes[key].permissions_for_user(editor).can_publish_subpage()
    response = signed_in(editor).post(
        add_url(indexes["practices"]), {**practice_form(), "action-publish": "1"}
    )
    assert response.status_code in (200, 302)
    page = PracticePage.objects.filter(slug=SLUG).first()
    assert page is None or not page.live


def test_submission_reaches_reviewers_and_waits_for_them(people, indexes):
    mail.outbox.clear()
    page = submit_new_practice(people["editor"], indexes["practices"])
    assert not page.live
    state = page.current_workflow_state
    assert state.workflow.name == "Best-practice review"
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert emails_to(people["reviewer"]), "reviewers are told a page awaits them"
    assert not emails_to(people["member"])
    assert Client().get(f"/practices/{SLUG}/").status_code == 404


def test_reviewer_requests_changes_with_a_comment_then_approves(people, indexes):
    editor, reviewer = people["editor"], people["reviewer"]
    page = submit_new_practice(editor, indexes["practices"], topics=["information-sharing"])
    mail.outbox.clear()

    url, data = workflow_action(page, "reject", comment="Cite the e-Guide section on deconfliction.")
    assert signed_in(reviewer).post(url, data).status_code in (200, 302)
    page.refresh_from_db()
    assert not page.live
    rejection = emails_to(editor)
    assert rejection and "Cite the e-Guide section on deconfliction." in rejection[0].body

    # The editor revises and submits again.
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    form = practice_form(summary="Check every target with the regional deconfliction system first.")
    response = signed_in(editor).post(edit_url, {**form, "action-submit": "action-submit"})
    assert response.status_code == 302
    page.refresh_from_db()
    mail.outbox.clear()

    url, data = workflow_action(page, "approve", comment="Good to go.")
    assert signed_in(reviewer).post(url, data).status_code in (200, 302)
    page.refresh_from_db()
    assert page.live
    assert page.summary.startswith("Check every target with the regional")
    assert emails_to(editor), "the editor hears the page was approved"

    # Published: on the index, on its own URL, and in search.
    anonymous = Client()
    assert anonymous.get(f"/practices/{SLUG}/").status_code == 200
    assert "Deconfliction before every operation" in anonymous.get("/practices/").content.decode()
    hits = search("deconfliction", user=factories.anonymous_user())
    assert [hit.url for hit in hits.results] == [f"/practices/{SLUG}/"]


def test_an_edit_during_review_needs_approving_again(people, indexes, settings):
    assert settings.WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT
    editor, reviewer = people["editor"], people["reviewer"]
    page = submit_new_practice(editor, indexes["practices"])
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])

    # The page is locked for its editor while reviewers have it.
    signed_in(editor).post(edit_url, practice_form(summary="Sneaked in after submitting."))
    page.refresh_from_db()
    assert page.get_latest_revision_as_object().summary != "Sneaked in after submitting."

    # A reviewer's own fix is a new revision, so the earlier approval no longer covers it.
    first_task = page.current_workflow_task_state
    response = signed_in(reviewer).post(edit_url, practice_form(summary="Reviewer's wording."))
    assert response.status_code == 302
    url, data = workflow_action(page, "approve")
    signed_in(reviewer).post(url, data)
    page.refresh_from_db()
    assert not page.live, "approving the old revision does not publish the edited one"
    first_task.refresh_from_db()
    assert first_task.status == TaskState.STATUS_APPROVED
    second_task = page.current_workflow_task_state
    assert second_task.pk != first_task.pk and second_task.status == TaskState.STATUS_IN_PROGRESS

    url, data = workflow_action(page, "approve")
    signed_in(reviewer).post(url, data)
    page.refresh_from_db()
    assert page.live and page.summary == "Reviewer's wording."


def test_members_cannot_act_on_a_review(people, indexes):
    page = submit_new_practice(people["editor"], indexes["practices"])
    url, data = workflow_action(page, "approve")
    response = signed_in(people["member"]).post(url, data)
    assert response.status_code in (302, 403)
    page.refresh_from_db()
    assert not page.live


def test_briefs_are_reviewed_in_a_workflow_named_for_briefs(people, indexes):
    from cms.models import EvidenceBriefPage
    from tests.cms.page_forms import brief_form

    url = reverse("wagtailadmin_pages:add", args=["cms", "evidencebriefpage", indexes["briefs"].pk])
    response = signed_in(people["editor"]).post(url, {**brief_form(), "action-submit": "action-submit"})
    assert response.status_code == 302
    brief = EvidenceBriefPage.objects.get(slug="suspected-incidents-2008-to-2010")
    assert brief.current_workflow_state.workflow.name == "Evidence brief review"
    assert [task.name for task in brief.current_workflow_state.workflow.tasks] == ["Reviewer approval"]
    told = emails_to(people["reviewer"])
    assert told and not any("Best-practice" in f"{m.subject} {m.body}" for m in told), [m.body for m in told]
    practice = submit_new_practice(people["editor"], indexes["practices"])
    assert practice.current_workflow_state.workflow.name == "Best-practice review"


def test_the_migration_gives_an_existing_brief_index_the_briefs_workflow(indexes):
    import importlib

    from django.apps import apps
    from wagtail.models import Page, Workflow, WorkflowPage

    migration = importlib.import_module("cms.migrations.0008_evidence_brief_review_workflow")
    # A site from before the migration: the brief index had no workflow of its own.
    WorkflowPage.objects.filter(page=indexes["briefs"]).delete()
    Workflow.objects.filter(name="Evidence brief review").delete()
    assert indexes["briefs"].get_workflow().name == "Best-practice review"

    migration.set_up(apps, None)
    migration.set_up(apps, None)  # and again: nothing doubles

    assert Page.objects.get(pk=indexes["briefs"].pk).get_workflow().name == "Evidence brief review"
    assert Workflow.objects.filter(name="Evidence brief review").count() == 1
    assert Page.objects.get(pk=indexes["practices"].pk).get_workflow().name == "Best-practice review"

"""Deciding a review, from the page editor or from the dashboard: once, under a lock, never half-done.

Wagtail's two ways to approve or request changes act on what the request
loaded, without a lock, so two POSTs of one decision (a double click on the
editor footer's "Approve") interleave: the second saved the page row it had
loaded before the first published, turning the page back into a draft (while
the log said "wagtail.publish" and the search index still held it), then
crashed on the workflow the first had finished. And an approval whose publish
fails validation (an evidence brief whose figures are all suppressed and not
confirmed) raised a 500 after the task was approved and the emails sent.

So both views here take a row lock on the page, then check that the review
step the reviewer saw is still the one waiting. A stale decision changes
nothing and says why. An approval is validated the way publishing will
validate it (``full_clean`` with ``live`` set) before anything is decided, and
a failure on the way still rolls the whole decision back, with a message.

The views are installed through cms.admin_privacy's page viewsets, which every
CMS page type uses. They follow Wagtail 8.0's EditView and WorkflowActionView.

Evidence briefs are reviewed in their own workflow, "Evidence brief review"
(migration 0008 creates it); a brief index page created later, by the demo or
by hand, is assigned it when it is created (:func:`assign_brief_workflow`).
"""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.functional import cached_property
from wagtail.admin.views.pages.edit import EditView
from wagtail.admin.views.pages.workflow import WorkflowActionView
from wagtail.models import GroupApprovalTask, Page, TaskState, Workflow, WorkflowPage, WorkflowState

ALREADY_DECIDED = (
    "This review step was already decided, or withdrawn, before your request arrived "
    "(a second click sends the form twice). Nothing was changed: this is the page as it is now."
)
NOT_YOURS = "You cannot take that action on this page's review. Nothing was changed."
NOT_APPROVED = "Not approved, so nothing was published: {}"
BRIEF_WORKFLOW = "Evidence brief review"
REVIEW_TASK = "Reviewer approval"


def lock_page(page_id):
    """Take the page's row lock until the transaction ends (SQLite: the write lock, taken by IMMEDIATE)."""
    return Page.objects.select_for_update().filter(pk=page_id).values("live", "latest_revision_id").first()


def is_waiting(task_state_id) -> bool:
    """Whether this task state is the current, undecided step of a review in progress (read under lock)."""
    return (
        task_state_id is not None
        and TaskState.objects.filter(
            pk=task_state_id,
            status=TaskState.STATUS_IN_PROGRESS,
            workflow_state__status=WorkflowState.STATUS_IN_PROGRESS,
            workflow_state__current_task_state_id=task_state_id,
        ).exists()
    )


def publish_problems(page) -> list[str]:
    """What would stop the latest revision from publishing: the check Page.save makes when it goes live."""
    candidate = page.get_latest_revision_as_object()
    candidate.live = True
    try:
        candidate.full_clean()
    except ValidationError as error:
        return error.messages
    return []


class ReviewDecisionEditView(EditView):
    """The page editor, whose footer's workflow actions (approve, request changes) are decided once."""

    @cached_property
    def action_name_and_method(self):
        if self.request.POST.get("action-workflow-action") and not self.workflow_action_is_valid():
            # Wagtail would fall back to "save": saving a form loaded before the decision.
            return ("refuse_workflow_action", self.refuse_workflow_action)
        return super().action_name_and_method

    def post(self, request, *args, **kwargs):
        if self.action_name == "refuse_workflow_action":
            return self.refuse_workflow_action()  # whatever the form says: it is the stale copy
        return super().post(request, *args, **kwargs)

    def refuse_workflow_action(self, message=None):
        if message is None:
            message = NOT_YOURS if self.page.current_workflow_task else ALREADY_DECIDED
        messages.error(self.request, message)
        return self.redirect_and_remain()

    def _seen_task_state_id(self):
        """The review step this request loaded (in dispatch, before any lock)."""
        state = self.workflow_state
        if state is None or state.status != WorkflowState.STATUS_IN_PROGRESS:
            return None
        return state.current_task_state_id

    def perform_workflow_action(self):
        try:
            with transaction.atomic():
                current = lock_page(self.real_page_record.pk)
                seen = (self.real_page_record.live, self.real_page_record.latest_revision_id)
                if (
                    current is None
                    or (current["live"], current["latest_revision_id"]) != seen
                    or not is_waiting(self._seen_task_state_id())
                ):
                    return self.refuse_workflow_action(ALREADY_DECIDED)
                return self._decide()
        except ValidationError as error:
            return self.refuse_workflow_action(NOT_APPROVED.format(" ".join(error.messages)))

    def _decide(self):
        """Wagtail's perform_workflow_action, under the lock, with the approval checked before it counts."""
        self.page = self.form.save(commit=not self.page.live)
        self.subscription.save()
        task_state = self.page.current_workflow_task_state

        if self.has_content_changes:
            revision = self.page.save_revision(
                user=self.request.user,
                log_action=True,
                previous_revision=(self.previous_revision if self.is_reverting else None),
            )
            if self.workflow_action == "approve":
                # The reviewer approves what they just wrote, as the dashboard approves the latest
                # revision: the step they decide is for this revision, not the one before their edit
                # (which, with re-approval on edit, would start the same step over).
                TaskState.objects.filter(pk=task_state.pk).update(revision=revision)
                task_state.revision = revision
            if "comments" in self.form.formsets:
                changes = self.get_commenting_changes()
                self.log_commenting_changes(changes, revision)
                self.send_commenting_notifications(changes)

        if self.workflow_action == "approve" and (problems := publish_problems(self.page)):
            raise ValidationError(problems)

        extra = json.loads(self.request.POST.get("workflow-action-extra-data", "{}"))
        task_state.task.specific.on_action(task_state, self.request.user, self.workflow_action, **extra)

        self.add_save_confirmation_message()
        response = self.run_hook("after_edit_page", self.request, self.page)
        if response:
            return response
        return self.redirect_away()


class ReviewDecisionWorkflowActionView(WorkflowActionView):
    """The dashboard's approve and request-changes: the step in the URL must still be the one waiting."""

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST":
            return super().dispatch(request, *args, **kwargs)
        self.check_action()  # PermissionDenied before anything is said about the review
        try:
            with transaction.atomic():
                lock_page(self.object.pk)
                if not is_waiting(self.task_state.pk):
                    return self.refuse(ALREADY_DECIDED)
                self.task_state = TaskState.objects.get(pk=self.task_state.pk).specific
                if self.action_name == "approve" and (problems := publish_problems(self.object.specific)):
                    return self.refuse(NOT_APPROVED.format(" ".join(problems)))
                return super().dispatch(request, *args, **kwargs)
        except ValidationError as error:
            # Rolled back: the task is still waiting, as if the reviewer had not clicked.
            return self.refuse(NOT_APPROVED.format(" ".join(error.messages)))

    def refuse(self, message):
        messages.error(self.request, message)
        if self.request.headers.get("x-requested-with") == "XMLHttpRequest":
            # The modal closes and goes where the message is shown.
            return self.render_modal_json(self.request, {"step": "success", "redirect": self.redirect_url})
        return redirect(self.redirect_url)


def brief_workflow():
    """The briefs' workflow: migration 0008's, or the same made again if an administrator deleted it."""
    workflow, created = Workflow.objects.get_or_create(name=BRIEF_WORKFLOW, defaults={"active": True})
    if created and (task := GroupApprovalTask.objects.filter(name=REVIEW_TASK).first()) is not None:
        workflow.workflow_tasks.create(task=task, sort_order=0)
    return workflow


def assign_brief_workflow(sender, instance, created, raw=False, **kwargs):
    """post_save of BriefIndexPage: a new brief index reviews its briefs in the briefs' workflow."""
    if created and not raw:
        WorkflowPage.objects.get_or_create(page_id=instance.pk, defaults={"workflow": brief_workflow()})


def connect():
    from django.db.models.signals import post_save

    from cms.models import BriefIndexPage

    post_save.connect(assign_brief_workflow, sender=BriefIndexPage, dispatch_uid="cms_brief_workflow")

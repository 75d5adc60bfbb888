"""The admin dashboard's two workflow panels, limited to the most recent rows.

Wagtail's "Awaiting your review" and "Your pages and snippets in a workflow"
panels list every page in review, each with its workflow's tasks (two queries
per row for the first) and its own actions dialog. With a review queue of 200
pages the reviewer's dashboard took 5 to 7 s and made 430 queries, the
editor's 1.3 to 2 s (bench/admin_bench.py). Each panel here shows the
``DASHBOARD_ROWS`` most recent and says how many more there are, with a link
to Wagtail's workflow report, which pages and filters them all.
"""

from django.conf import settings
from wagtail.admin.views.home import UserObjectsInWorkflowModerationPanel, WorkflowObjectsToModeratePanel
from wagtail.models import Page, Revision, TaskState

DASHBOARD_ROWS = 10


class RecentObjectsToModeratePanel(WorkflowObjectsToModeratePanel):
    """ "Awaiting your review", the newest ``DASHBOARD_ROWS`` task states only.

    Follows Wagtail 8.0's ``WorkflowObjectsToModeratePanel.get_context_data``,
    except that the rows are sliced before each is built; tests/cms/
    test_admin_dashboard.py checks the panel still offers the review actions.
    """

    template_name = "cms/admin/dashboard_workflow_panel.html"
    inner_template_name = WorkflowObjectsToModeratePanel.template_name

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        context = super(WorkflowObjectsToModeratePanel, self).get_context_data(parent_context)
        context.update(states=[], request=request, csrf_token=parent_context["csrf_token"])
        context.update(inner_template_name=self.inner_template_name, total=0, more=0)
        if not getattr(settings, "WAGTAIL_WORKFLOW_ENABLED", True):
            return context
        states = (
            TaskState.objects.reviewable_by(request.user)
            .select_related(
                "task", "revision", "revision__user", "workflow_state", "workflow_state__workflow"
            )
            .prefetch_related("revision__content_object", "revision__content_object__latest_revision")
            .order_by("-started_at")
            .annotate(previous_revision_id=Revision.objects.previous_revision_id_subquery())
        )
        shown = list(states[:DASHBOARD_ROWS])
        context["total"] = len(shown) if len(shown) < DASHBOARD_ROWS else states.count()
        for state in shown:
            obj = state.revision.content_object
            if not obj:  # the revision's object was deleted
                continue
            is_page = isinstance(obj, Page)
            viewset = None if is_page else obj.snippet_viewset
            context["states"].append(
                {
                    "obj": obj,
                    "revision": state.revision,
                    "previous_revision_id": state.previous_revision_id,
                    "live_revision_id": obj.live_revision_id,
                    "task_state": state,
                    "actions": state.task.specific.get_actions(obj, request.user),
                    "workflow_tasks": state.workflow_state.all_tasks_with_status(),
                    "workflow_action_url_name": "wagtailadmin_pages:workflow_action"
                    if is_page
                    else viewset.get_url_name("workflow_action"),
                    "workflow_preview_url_name": (
                        (
                            "wagtailadmin_pages:workflow_preview"
                            if is_page
                            else viewset.get_url_name("workflow_preview")
                        )
                        if getattr(obj, "is_previewable", False)
                        else None
                    ),
                    "revisions_compare_url_name": "wagtailadmin_pages:revisions_compare"
                    if is_page
                    else viewset.get_url_name("revisions_compare"),
                }
            )
        context["more"] = max(0, context["total"] - len(context["states"]))
        return context


class RecentObjectsInWorkflowPanel(UserObjectsInWorkflowModerationPanel):
    """ "Your pages and snippets in a workflow", the ``DASHBOARD_ROWS`` most recent only."""

    template_name = "cms/admin/dashboard_workflow_panel.html"
    inner_template_name = UserObjectsInWorkflowModerationPanel.template_name

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        states = context["workflow_states"]
        if not isinstance(states, list):  # workflows switched off: an empty queryset
            states = list(states)
        context["workflow_states"] = states[:DASHBOARD_ROWS]
        context["total"] = len(states)
        context["more"] = len(states) - len(context["workflow_states"])
        context["inner_template_name"] = self.inner_template_name
        return context


def limit_workflow_panels(panels):
    """Swap Wagtail's two workflow panels for the limited ones, in place and in the same order."""
    replacements = {
        WorkflowObjectsToModeratePanel: RecentObjectsToModeratePanel,
        UserObjectsInWorkflowModerationPanel: RecentObjectsInWorkflowPanel,
    }
    for position, panel in enumerate(panels):
        replacement = replacements.get(type(panel))
        if replacement is not None:
            panels[position] = replacement()

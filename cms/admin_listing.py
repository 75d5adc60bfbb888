"""The Wagtail page listing's queryset, with each row's workflow task fetched in one query.

Wagtail prefetches every row's active workflow state with its task, but the
row's status then asks for ``task.specific``, one query per page in review: on
the reviewer's listing of the practices index, whose newest rows are the pages
in review, that was up to 50 of its 84 queries (bench/README.md, admin). Here
the rows' tasks come already specific, in one query, through Django's public
``Prefetch`` and the ``construct_explorer_page_queryset`` hook.
"""

from django.conf import settings
from django.db.models import Prefetch
from wagtail.models import Task, WorkflowState


def with_specific_workflow_tasks(parent_page, pages, request):
    """``pages`` with Wagtail's workflow prefetch replaced by one whose tasks are specific."""
    if not getattr(settings, "WAGTAIL_WORKFLOW_ENABLED", True) or not hasattr(pages, "is_specific"):
        return pages
    states = (
        WorkflowState.objects.active()
        .select_related("current_task_state")
        .prefetch_related(Prefetch("current_task_state__task", queryset=Task.objects.specific()))
    )
    relation = "_specific_workflow_states" if pages.is_specific else "_workflow_states"
    # Prefetches cannot be replaced one at a time (Django refuses a second queryset for the
    # same attribute), so all are cleared and the listing's are given again, in Wagtail 8's
    # order; tests/cms/test_admin_listing.py checks the listing's query count stays flat.
    lookups = ["content_type", "sites_rooted_here"]
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        lookups.append("locale")
    return pages.prefetch_related(None).prefetch_related(
        *lookups, Prefetch(relation, queryset=states, to_attr="_current_workflow_states")
    )

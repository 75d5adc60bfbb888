"""Wagtail hooks of the CMS: page privacy, privacy from the page form or dialog, review report, dashboard."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies.pages import PagePermissionPolicy

from cms import access, admin_dashboard, admin_listing, admin_privacy, hotpath, privacy
from cms.reports import DueForReviewView
from members import access as members_access
from members.roles import MEMBER


@hooks.register("before_serve_page", order=-10)
def enforce_page_privacy(page, request, serve_args, serve_kwargs):
    """Apply cms.access before Wagtail's own check, which would admit pending accounts in a group.

    Anonymous visitors are asked to sign in and pending applicants are shown
    their application's status; an approved account without the group the
    page needs gets a 403 page that says which group, instead of Wagtail's
    bounce back to the log-in page.
    """
    restrictions = access.request_restrictions(request)
    denial = access.page_denial(page, request.user, restrictions)
    if denial is None:
        hotpath.skip_wagtail_restriction_check(page, restrictions)
        return None
    if denial == access.Denial.PASSWORD:
        return None
    if denial == access.Denial.LOGIN:
        response = redirect_to_login(request.get_full_path())
    elif denial == access.Denial.PENDING:
        response = redirect("members:pending")
    else:
        response = TemplateResponse(
            request,
            "cms/forbidden.html",
            {"what": "page", "required_groups": access.required_groups(page)},
            status=403,
        )
    add_never_cache_headers(response)
    return response


@hooks.register("before_serve_document", order=-10)
def enforce_document_privacy(document, request):
    """Documents of a members-only collection go to members only, never to pending or suspended accounts."""
    if not access.collection_is_members_only(document.collection) or access.can_view_members_only(
        request.user
    ):
        return None
    if not request.user.is_authenticated:
        response = redirect_to_login(request.get_full_path())
    elif members_access.is_pending(request.user):
        response = redirect("members:pending")
    else:
        response = TemplateResponse(
            request,
            "cms/forbidden.html",
            {"what": "document", "required_groups": [MEMBER]},
            status=403,
        )
    add_never_cache_headers(response)
    return response


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def apply_requested_visibility(request, page):
    requested = getattr(page, "_requested_visibility", None)
    if requested is not None and privacy.inherited_restriction_page(page) is None:
        privacy.apply_visibility(page, requested)


@hooks.register("register_admin_viewset")
def register_privacy_checked_page_viewsets():
    return admin_privacy.viewsets()


@hooks.register("construct_homepage_panels")
def limit_the_dashboard_workflow_panels(request, panels):
    """Wagtail's workflow panels list every page in review; the dashboard shows the newest few."""
    admin_dashboard.limit_workflow_panels(panels)


class DueForReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return PagePermissionPolicy().user_has_permission(request.user, "change")


@hooks.register("register_reports_menu_item")
def register_due_for_review_menu_item():
    return DueForReviewMenuItem("Due for review", reverse("cms_due_for_review"), icon_name="date", order=150)


@hooks.register("register_admin_urls")
def register_due_for_review_urls():
    return [
        path("reports/due-for-review/", DueForReviewView.as_view(), name="cms_due_for_review"),
        path(
            "reports/due-for-review/results/",
            DueForReviewView.as_view(results_only=True),
            name="cms_due_for_review_results",
        ),
    ]


hooks.register("construct_explorer_page_queryset", admin_listing.with_specific_workflow_tasks)

"""The "Forum moderation" screens in the Wagtail admin: approval queue, open reports, privacy-guard
confirmations and the moderation log. Listings only; each row links to the place on the site where the
moderator acts (approve, hide, redact), so there is one way to do each thing.

Only forum moderators get past the door (forum.access.is_moderator): anyone
else in the admin gets a plain 403 before anything is looked up, and the menu
is not shown to them. Same shape as members.admin.gate.
"""

from functools import wraps

from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import BaseListingView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.utils.urlpatterns import decorate_urlpatterns

from forum import access
from forum.models import ModerationAction, PostReport, PrivacyConfirmation
from forum.moderation import services as moderation

PAGE_SIZE = 50


def forbidden(request):
    return TemplateResponse(
        request,
        "members/admin/forbidden.html",
        {
            "message": "Only forum moderators can use this screen.",
            "page_title": "Permission denied",
            "header_title": "Permission denied",
            "header_icon": "warning",
            "breadcrumbs_items": [],
        },
        status=403,
    )


def moderator_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not access.is_moderator(request.user):
            return forbidden(request)
        return view(request, *args, **kwargs)

    return wrapper


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return access.is_moderator(request.user)


def exact_time(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def post_link(post, text=None):
    if post is None:
        return "–"
    url = reverse("forum:post", args=[post.topic_id, post.number])
    return format_html('<a href="{}">{}</a>', url, text or f"{post.topic.title}, #{post.number}")


class ModerationListing(BaseListingView):
    paginate_by = PAGE_SIZE
    namespace = ""

    @property
    def index_url_name(self):
        return f"{self.namespace}:index"

    @property
    def index_results_url_name(self):
        return f"{self.namespace}:index_results"

    def readable(self):
        return access.forum_access(self.request.user).read


class ApprovalQueueView(ModerationListing):
    page_title = "Approval queue"
    header_icon = "tasks"
    namespace = "forum_approvals"
    verbose_name_plural = "posts waiting for approval"
    columns = [
        Column("created_at", label="Written", accessor=lambda p: exact_time(p.created_at)),
        Column("author_name", label="New member"),
        Column("topic", label="Post", accessor=lambda p: post_link(p)),
        Column("category", label="Category", accessor=lambda p: p.topic.category.name),
        Column(
            "act",
            label="Act",
            accessor=lambda p: format_html(
                '<a href="{}#held-{}">Approve or reject</a>', reverse("forum:approvals"), p.pk
            ),
        ),
    ]

    def get_base_queryset(self):
        return moderation.approval_queue().filter(topic__category_id__in=self.readable())


class OpenReportsView(ModerationListing):
    page_title = "Open reports"
    header_icon = "warning"
    namespace = "forum_reports"
    verbose_name_plural = "open reports"
    columns = [
        Column("created_at", label="Reported", accessor=lambda r: exact_time(r.created_at)),
        Column("reason", label="Reason", accessor="get_reason_display"),
        Column("note", label="Note"),
        Column("reporter_name", label="Reported by"),
        Column("post", label="Post", accessor=lambda r: post_link(r.post)),
        Column(
            "act",
            label="Act",
            accessor=lambda r: format_html('<a href="{}">Hide or dismiss</a>', reverse("forum:reports")),
        ),
    ]

    def get_base_queryset(self):
        return (
            PostReport.objects.filter(resolved_at__isnull=True, post__topic__category_id__in=self.readable())
            .select_related("post", "post__topic")
            .order_by("created_at", "id")
        )


class PrivacyConfirmationsView(ModerationListing):
    page_title = "Privacy confirmations"
    header_icon = "lock"
    namespace = "forum_privacy"
    verbose_name_plural = "privacy confirmations"
    columns = [
        Column("created_at", label="When", accessor=lambda c: exact_time(c.created_at)),
        Column("user_name", label="Member"),
        Column("kinds", label="Flagged", accessor=lambda c: ", ".join(c.kinds)),
        Column("post", label="Post", accessor=lambda c: post_link(c.post)),
        Column(
            "act",
            label="Act",
            accessor=lambda c: format_html(
                '<a href="{}">Redact</a>', reverse("forum:redact", args=[c.post_id])
            ),
        ),
    ]

    def get_base_queryset(self):
        return (
            PrivacyConfirmation.objects.filter(post__topic__category_id__in=self.readable())
            .select_related("post", "post__topic")
            .order_by("-created_at", "-id")
        )


class ModerationLogView(ModerationListing):
    page_title = "Moderation log"
    header_icon = "history"
    namespace = "forum_log"
    verbose_name_plural = "moderator actions"
    columns = [
        Column("created_at", label="When", accessor=lambda e: exact_time(e.created_at)),
        Column("moderator_name", label="Moderator"),
        Column("action", label="Action", accessor=lambda e: moderation.action_label(e.action)),
        Column("topic", label="Topic", accessor=lambda e: e.topic.title if e.topic_id else "–"),
        Column("reason", label="Reason", accessor=lambda e: getattr(getattr(e, "note", None), "reason", "")),
    ]

    def get_base_queryset(self):
        return ModerationAction.objects.select_related("topic", "note").order_by("-created_at", "-id")


def _viewset(view_class, label, icon):
    class ListingViewSet(ViewSet):
        menu_label = label
        menu_item_class = ModeratorMenuItem

        def get_urlpatterns(self):
            return decorate_urlpatterns(
                [
                    path("", view_class.as_view(), name="index"),
                    path("results/", view_class.as_view(results_only=True), name="index_results"),
                ],
                moderator_required,
            )

    ListingViewSet.icon = icon
    return ListingViewSet


class ForumModerationGroup(ViewSetGroup):
    menu_label = "Forum moderation"
    menu_icon = "group"
    menu_order = 260
    items = (
        _viewset(ApprovalQueueView, "Approval queue", "tasks")(
            "forum_approvals", url_prefix="forum/approvals"
        ),
        _viewset(OpenReportsView, "Open reports", "warning")("forum_reports", url_prefix="forum/reports"),
        _viewset(PrivacyConfirmationsView, "Privacy confirmations", "lock")(
            "forum_privacy", url_prefix="forum/privacy"
        ),
        _viewset(ModerationLogView, "Moderation log", "history")("forum_log", url_prefix="forum/log"),
    )

"""The Audit log screen: account events, newest first, filtered by action, email and date. Read-only."""

import json

import django_filters
from django.urls import path
from django.utils import timezone
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import BaseListingView
from wagtail.admin.viewsets.base import ViewSet

from members.admin.gate import MembershipMenuItem, gated
from members.models import AuditEvent

NAMESPACE = "membership_audit"
PAGE_SIZE = 50


def exact_time(moment):
    """Audit times are read as evidence: the full local time, never "3 hours ago"."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S %Z") if moment else ""


def actor_label(event):
    if event.actor_id is None:
        return "System"
    return f"{event.actor.get_full_name()} <{event.actor.email}>"


def detail_text(event):
    detail = event.detail
    if not isinstance(detail, dict):
        return json.dumps(detail)
    parts = []
    for key, value in sorted(detail.items()):
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        elif isinstance(value, dict):
            value = json.dumps(value, sort_keys=True)
        parts.append(f"{key}: {value}")
    return "; ".join(parts)


class AuditEventFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(
        choices=AuditEvent.Action.choices, label="Action", empty_label="All actions"
    )
    email = django_filters.CharFilter(
        field_name="subject_email", lookup_expr="icontains", label="Email contains", max_length=254
    )
    created_at = django_filters.DateFromToRangeFilter(label="Date", widget=DateRangePickerWidget)

    class Meta:
        model = AuditEvent
        fields = []


class AuditLogIndexView(BaseListingView):
    page_title = "Audit log"
    header_icon = "history"
    paginate_by = PAGE_SIZE
    filterset_class = AuditEventFilterSet
    default_ordering = ("-created_at", "-pk")
    verbose_name_plural = "audit events"
    index_url_name = f"{NAMESPACE}:index"
    index_results_url_name = f"{NAMESPACE}:index_results"
    columns = [
        Column("created_at", label="Time", accessor=lambda event: exact_time(event.created_at)),
        Column("action", label="Action", accessor="get_action_display"),
        Column("subject_email", label="Subject"),
        Column("actor", label="Actor", accessor=actor_label),
        Column("detail", label="Detail", accessor=detail_text),
        Column("ip_address", label="IP address"),
    ]

    def get_base_queryset(self):
        return AuditEvent.objects.select_related("actor")

    def filter_queryset(self, queryset):
        # A filter that does not validate (an over-long email, an unknown
        # action) must not silently show every event as if it matched.
        if self.filters and not self.filters.is_valid():
            return queryset.none()
        return super().filter_queryset(queryset)


class AuditLogViewSet(ViewSet):
    icon = "history"
    menu_label = "Audit log"
    menu_item_class = MembershipMenuItem

    def get_urlpatterns(self):
        return gated(
            [
                path("", AuditLogIndexView.as_view(), name="index"),
                path("results/", AuditLogIndexView.as_view(results_only=True), name="index_results"),
            ]
        )

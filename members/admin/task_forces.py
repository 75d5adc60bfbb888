"""Task force management: create and edit task forces (never delete them), and list each one's members."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, NumberColumn
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from members.admin.forms import TaskForceForm
from members.admin.gate import MembershipMenuItem, gated
from members.admin.people import MEMBER_COLUMNS, MembersIndexView, approved_members
from members.models import TaskForce, User

NAMESPACE = "membership_task_forces"


def members_url(task_force):
    return reverse(f"{NAMESPACE}:members", args=[task_force.pk])


class TaskForceIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(member_count=Count("members", filter=Q(members__status=User.Status.APPROVED)))
        )

    def get_list_more_buttons(self, instance):
        return [
            *super().get_list_more_buttons(instance),
            MenuItem("Members", url=members_url(instance), icon_name="group", priority=15),
        ]


class TaskForceEditView(EditView):
    @cached_property
    def header_buttons(self):
        return [HeaderButton("Members", url=members_url(self.object), icon_name="group")]


class TaskForceMembersView(MembersIndexView):
    """The approved members of one task force, with the same actions as the Members screen."""

    filterset_class = None
    is_searchable = False
    index_results_url_name = None
    columns = [column for column in MEMBER_COLUMNS if column.name != "task_force"]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.task_force = get_object_or_404(TaskForce, pk=kwargs["pk"])

    def get_page_title(self):
        return f"Members of {self.task_force.name}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{NAMESPACE}:index"), "label": "Task forces"},
            {"url": reverse(f"{NAMESPACE}:edit", args=[self.task_force.pk]), "label": self.task_force.name},
            {"url": "", "label": "Members"},
        ]

    def get_index_url(self):
        return members_url(self.task_force)

    def get_base_queryset(self):
        return approved_members().filter(task_force=self.task_force)


class TaskForceViewSet(ModelViewSet):
    """Task forces are retired by unticking "active"; there is no delete, so members keep their task force."""

    model = TaskForce
    icon = "site"
    menu_label = "Task forces"
    menu_item_class = MembershipMenuItem
    index_view_class = TaskForceIndexView
    edit_view_class = TaskForceEditView
    copy_view_enabled = False
    add_to_reference_index = False
    list_per_page = 50
    ordering = ("name", "pk")
    list_display = [
        "name",
        "state",
        "region",
        BooleanColumn("is_active", label="Active"),
        NumberColumn("member_count", label="Approved members"),
    ]
    list_filter = ["is_active", "region"]
    search_fields = ["name", "state", "partner_agencies"]

    def get_form_class(self, for_update=False):
        return TaskForceForm

    def get_common_view_kwargs(self, **kwargs):
        # No delete and no usage report (task forces are not in the reference index).
        return {**super().get_common_view_kwargs(**kwargs), "delete_url_name": None, "usage_url_name": None}

    def get_urlpatterns(self):
        kept = [pattern for pattern in super().get_urlpatterns() if pattern.name not in {"delete", "usage"}]
        return gated([*kept, path("<int:pk>/members/", TaskForceMembersView.as_view(), name="members")])

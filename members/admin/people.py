"""The Members screen: approved accounts with their groups; change groups, designate coordinators, reactivate.

Each change goes through members.services (permission check, transaction,
audit). The per-task-force member list in task_forces.py reuses this listing.
"""

import django_filters
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BaseColumn, BooleanColumn, Column, TitleColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic.base import BaseListingView, WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import BooleanRadioSelect

from members import services
from members.admin.applications import errors_as_text, task_force_or_other
from members.admin.audit_log import exact_time
from members.admin.forms import MemberGroupsForm
from members.admin.gate import MembershipMenuItem, gated
from members.models import TaskForce, User

NAMESPACE = "membership_members"
PAGE_SIZE = 50


def approved_members():
    return (
        User.objects.filter(status=User.Status.APPROVED)
        .select_related("task_force")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.only("id", "name").order_by("name")))
    )


def group_names(user):
    return ", ".join(group.name for group in user.groups.all())


def groups_url(user):
    return reverse(f"{NAMESPACE}:groups", args=[user.pk])


class MemberFilterSet(WagtailFilterSet):
    task_force = django_filters.ModelChoiceFilter(
        queryset=TaskForce.objects.only("id", "name"), label="Task force"
    )
    group = django_filters.ModelChoiceFilter(
        field_name="groups", queryset=Group.objects.order_by("name"), label="Group"
    )
    is_active = django_filters.BooleanFilter(label="Account active", widget=BooleanRadioSelect)
    is_coordinator = django_filters.BooleanFilter(label="Coordinator", widget=BooleanRadioSelect)

    class Meta:
        model = User
        fields = []


class MemberActionsColumn(BaseColumn):
    cell_template_name = "members/admin/people/actions_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        context["csrf_token"] = get_token(request)
        context["next_url"] = request.get_full_path()
        context["groups_url"] = groups_url(instance)
        return context


MEMBER_COLUMNS = [
    TitleColumn("full_name", label="Name", get_url=groups_url),
    Column("email", label="Email"),
    Column("task_force", label="Task force", accessor=task_force_or_other),
    Column("groups", label="Groups", accessor=group_names),
    BooleanColumn("is_coordinator", label="Coordinator"),
    Column("is_active", label="Account", accessor=lambda user: "Active" if user.is_active else "Deactivated"),
    Column("last_login", label="Last log-in", accessor=lambda user: exact_time(user.last_login)),
    MemberActionsColumn("actions", label="Actions"),
]


class MembersIndexView(BaseListingView):
    page_title = "Members"
    header_icon = "group"
    paginate_by = PAGE_SIZE
    filterset_class = MemberFilterSet
    is_searchable = True
    search_fields = ["full_name", "email", "agency"]
    default_ordering = ("full_name", "pk")
    verbose_name_plural = "members"
    index_url_name = f"{NAMESPACE}:index"
    index_results_url_name = f"{NAMESPACE}:index_results"
    columns = MEMBER_COLUMNS

    def get_base_queryset(self):
        return approved_members()


class MemberGroupsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "members/admin/people/groups.html"
    header_icon = "group"
    page_title = "Groups"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.member = get_object_or_404(
            User.objects.select_related("task_force").filter(status=User.Status.APPROVED), pk=kwargs["pk"]
        )

    def get_page_subtitle(self):
        return self.member.get_full_name()

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{NAMESPACE}:index"), "label": "Members"},
            {"url": "", "label": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", MemberGroupsForm(member=self.member))
        context["member"] = self.member
        context["task_force"] = task_force_or_other(self.member)
        return context

    def post(self, request, *args, **kwargs):
        form = MemberGroupsForm(request.POST, member=self.member)
        if not form.is_valid():
            messages.error(request, f"Nothing was changed. {errors_as_text(form)}")
            return self.render_to_response(self.get_context_data(form=form))
        try:
            services.set_groups(
                self.member, groups=form.cleaned_data["groups"], by=request.user, request=request
            )
        except ValidationError as error:
            messages.error(request, f"Nothing was changed. {' '.join(error.messages)}")
            return redirect(groups_url(self.member))
        names = ", ".join(group.name for group in form.cleaned_data["groups"]) or "no groups"
        messages.success(request, f"{self.member.get_full_name()} is now in: {names}.")
        return redirect(f"{NAMESPACE}:index")


def _back(request):
    return redirect(get_valid_next_url_from_request(request) or reverse(f"{NAMESPACE}:index"))


@require_POST
def set_coordinator(request, pk):
    member = get_object_or_404(User.objects.select_related("task_force"), pk=pk)
    designate = request.POST.get("is_coordinator") == "1"
    try:
        services.set_coordinator(member, is_coordinator=designate, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, f"Nothing was changed. {' '.join(error.messages)}")
    else:
        if designate:
            messages.success(
                request, f"{member.get_full_name()} is a coordinator of {member.task_force_label}."
            )
        else:
            messages.success(request, f"{member.get_full_name()} is no longer a coordinator.")
    return _back(request)


@require_POST
def reactivate(request, pk):
    member = get_object_or_404(User, pk=pk)
    try:
        services.reactivate_account(member, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, f"Nothing was changed. {' '.join(error.messages)}")
    else:
        messages.success(request, f"{member.get_full_name()} can sign in again.")
    return _back(request)


class MembersViewSet(ViewSet):
    icon = "group"
    menu_label = "Members"
    menu_item_class = MembershipMenuItem

    def get_urlpatterns(self):
        return gated(
            [
                path("", MembersIndexView.as_view(), name="index"),
                path("results/", MembersIndexView.as_view(results_only=True), name="index_results"),
                path("<int:pk>/groups/", MemberGroupsView.as_view(), name="groups"),
                path("<int:pk>/coordinator/", set_coordinator, name="coordinator"),
                path("<int:pk>/reactivate/", reactivate, name="reactivate"),
            ]
        )

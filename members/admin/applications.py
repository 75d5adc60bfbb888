"""The Applications screen: pending applicants, oldest first, decided one by one or in bulk.

Every decision goes through members.services, which checks permission,
audits and emails. A bulk decision is one transaction: if any applicant
cannot be decided, none is.
"""

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.text import Truncator
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent
from wagtail.admin.ui.tables import BaseColumn, Column, DateColumn, TitleColumn
from wagtail.admin.views.generic.base import BaseListingView, WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from members import services
from members.admin.forms import ApproveForm, BulkDecisionForm, RejectForm
from members.admin.gate import MembershipMenuItem, gated
from members.models import User
from members.roles import MEMBER

NAMESPACE = "membership_applications"
PAGE_SIZE = 25


def pending_applicants():
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    return (
        User.objects.filter(status=User.Status.PENDING)
        .select_related("task_force")
        .annotate(email_verified=Exists(verified))
    )


def task_force_or_other(user):
    if user.task_force_id:
        return user.task_force.name
    if user.other_task_force_name:
        return f"Other: {user.other_task_force_name}"
    return ""


def short_reason(user):
    return Truncator(user.access_reason).chars(160)


def errors_as_text(form):
    return " ".join(message for messages_ in form.errors.values() for message in messages_)


class SelectColumn(BaseColumn):
    """A checkbox per row, named so a plain form post carries the selection (no JavaScript needed)."""

    cell_template_name = "members/admin/includes/select_cell.html"

    def __init__(self, field_name, **kwargs):
        super().__init__("select", label="Select", **kwargs)
        self.field_name = field_name

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        # After a failed bulk post the page is shown again with the same rows ticked.
        selected = request.POST.getlist(self.field_name) if request and request.method == "POST" else []
        context["field_name"] = self.field_name
        context["checked"] = str(instance.pk) in selected
        return context


class EmailColumn(Column):
    """The address, flagged when the applicant has not yet confirmed they own it."""

    cell_template_name = "members/admin/applications/email_cell.html"


def review_url(user):
    return reverse(f"{NAMESPACE}:review", args=[user.pk])


class ApplicationsIndexView(BaseListingView):
    page_title = "Applications"
    header_icon = "user"
    template_name = "members/admin/applications/index.html"
    paginate_by = PAGE_SIZE
    default_ordering = ("date_joined", "pk")
    verbose_name_plural = "pending applications"
    index_url_name = f"{NAMESPACE}:index"
    columns = [
        SelectColumn("applicants"),
        TitleColumn("full_name", label="Name", get_url=review_url, width="14%"),
        EmailColumn("email", label="Email"),
        Column("agency", label="Agency"),
        Column("claimed_role", label="Claimed role", accessor="get_claimed_role_display"),
        Column("task_force", label="Task force", accessor=task_force_or_other),
        Column("work_phone", label="Work phone"),
        Column("access_reason", label="Reason", accessor=short_reason, width="22%"),
        DateColumn("date_joined", label="Applied"),
    ]

    def get_base_queryset(self):
        return pending_applicants()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["bulk_form"] = getattr(self, "bulk_form", None) or BulkDecisionForm()
        return context

    def post(self, request, *args, **kwargs):
        form = BulkDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, f"Nothing was changed. {errors_as_text(form)}")
        else:
            try:
                decided = decide_in_bulk(form, request)
            except ValidationError as error:
                messages.error(request, f"Nothing was changed. {' '.join(error.messages)}")
            else:
                verb = "approved as Member" if form.cleaned_data["action"] == form.APPROVE else "rejected"
                noun = "applicant" if decided == 1 else "applicants"
                messages.success(request, f"{decided} {noun} {verb}; each has been emailed.")
                return redirect(self.index_url)
        self.bulk_form = form
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data())


def decide_in_bulk(form, request):
    """All or nothing: the first applicant that cannot be decided rolls back the others (and their emails)."""
    applicants = form.cleaned_data["applicants"]
    with transaction.atomic():
        for applicant in applicants:
            if form.cleaned_data["action"] == form.APPROVE:
                services.approve_applicant(applicant, groups=[MEMBER], by=request.user, request=request)
            else:
                services.reject_applicant(
                    applicant, reason=form.cleaned_data["reason"], by=request.user, request=request
                )
    return len(applicants)


class ReviewApplicationView(WagtailAdminTemplateMixin, TemplateView):
    """One application in full, with the approve (choose groups) and reject (give a reason) forms."""

    template_name = "members/admin/applications/review.html"
    header_icon = "user"
    page_title = "Application"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.applicant = get_object_or_404(
            User.objects.select_related("task_force", "decided_by"), pk=kwargs["pk"]
        )

    def get_page_subtitle(self):
        return self.applicant.full_name or self.applicant.email

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{NAMESPACE}:index"), "label": "Applications"},
            {"url": "", "label": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("approve_form", ApproveForm(applicant=self.applicant))
        context.setdefault("reject_form", RejectForm())
        context["applicant"] = self.applicant
        context["task_force"] = task_force_or_other(self.applicant)
        context["is_pending"] = self.applicant.status == User.Status.PENDING
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "approve":
            form = ApproveForm(request.POST, applicant=self.applicant)
            context = {"approve_form": form}
        elif action == "reject":
            form = RejectForm(request.POST)
            context = {"reject_form": form}
        else:
            messages.error(request, "Choose approve or reject.")
            return redirect(review_url(self.applicant))
        if not form.is_valid():
            messages.error(request, f"Nothing was changed. {errors_as_text(form)}")
            return self.render_to_response(self.get_context_data(**context))
        try:
            if action == "approve":
                groups = form.group_names()
                services.approve_applicant(
                    self.applicant,
                    groups=groups,
                    task_force=form.cleaned_data["task_force"],
                    by=request.user,
                    request=request,
                )
                outcome = f"approved into {', '.join(groups)}"
            else:
                services.reject_applicant(
                    self.applicant, reason=form.cleaned_data["reason"], by=request.user, request=request
                )
                outcome = "rejected"
        except ValidationError as error:
            messages.error(request, f"Nothing was changed. {' '.join(error.messages)}")
            return redirect(review_url(self.applicant))
        messages.success(
            request, f"{self.applicant.full_name} ({self.applicant.email}) {outcome}; they have been emailed."
        )
        return redirect(f"{NAMESPACE}:index")


class ApplicationsMenuItem(MembershipMenuItem):
    """Shows how many applicants are waiting, so a backlog is seen from any admin page."""

    def render_component(self, request):
        waiting = User.objects.filter(status=User.Status.PENDING).count()
        label = f"{self.label} ({waiting})" if waiting else self.label
        return LinkMenuItemComponent(
            self.name, label, self.url, icon_name=self.icon_name, classname=self.classname, attrs=self.attrs
        )


class ApplicationsViewSet(ViewSet):
    icon = "user"
    menu_label = "Applications"
    menu_item_class = ApplicationsMenuItem

    def get_urlpatterns(self):
        return gated(
            [
                path("", ApplicationsIndexView.as_view(), name="index"),
                path("<int:pk>/", ReviewApplicationView.as_view(), name="review"),
            ]
        )

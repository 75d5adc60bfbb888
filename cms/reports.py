"""The "Due for review" admin report, the query behind it, and the weekly digest emailed to editors.

A practice or resource is due when its "next review due" date has passed or
falls within the next 30 days. Drafts count too: a page is vetted whether or
not it is live.
"""

import datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.views.reports import PageReportView
from wagtail.models import Page

from cms.models.content import REVIEW_WARNING
from members.roles import EDITOR

REVIEWED_MODELS = ("practicepage", "resourcepage")


def review_cutoff(today=None):
    return (today or timezone.localdate()) + REVIEW_WARNING


def due_for_review(queryset=None, today=None):
    """Pages whose next review is overdue or due within 30 days, soonest first, with ``review_due``."""
    cutoff = review_cutoff(today)
    queryset = Page.objects.all() if queryset is None else queryset
    due = Q()
    for name in REVIEWED_MODELS:
        due |= Q(**{f"{name}__next_review_due__lte": cutoff})
    return (
        queryset.filter(due)
        .annotate(review_due=Coalesce(*(f"{name}__next_review_due" for name in REVIEWED_MODELS)))
        .order_by("review_due", "title")
    )


class DueForReviewView(PageReportView):
    page_title = "Due for review"
    header_icon = "date"
    results_template_name = "cms/admin/due_for_review_results.html"
    index_url_name = "cms_due_for_review"
    index_results_url_name = "cms_due_for_review_results"
    permission_required = "change"
    list_export = [
        "title",
        "review_due",
        "status_string",
        "content_type.model_class._meta.verbose_name.title",
    ]
    export_headings = {
        "review_due": "Next review due",
        "status_string": "Status",
        "content_type.model_class._meta.verbose_name.title": "Type",
    }

    def get_filename(self):
        return f"due-for-review-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self):
        editable = self.permission_policy.instances_user_has_permission_for(self.request.user, "change")
        self.queryset = due_for_review(editable).select_related("content_type")
        return super().get_queryset()

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["today"] = timezone.localdate()
        return context


def editors_to_notify():
    """Everyone in the Editor group with an approved, active account."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(groups__name=EDITOR, is_active=True, status="approved")
        .exclude(email="")
    )


def send_review_digest(today=None):
    """Email editors the pages due for review; returns how many emails were sent (none if nothing is due)."""
    today = today or timezone.localdate()
    due = list(due_for_review(today=today).select_related("content_type"))
    if not due:
        return 0
    recipients = list(editors_to_notify().values_list("email", flat=True).distinct())
    if not recipients:
        return 0
    body = render_to_string(
        "cms/emails/review_digest.txt",
        {
            "pages": due,
            "today": today,
            "base_url": settings.WAGTAILADMIN_BASE_URL,
            "report_url": settings.WAGTAILADMIN_BASE_URL + reverse("cms_due_for_review"),
        },
    )
    overdue = sum(1 for page in due if page.review_due < today)
    subject = f"{len(due)} page{pluralize(len(due))} due for review ({overdue} overdue)"
    messages = [
        EmailMessage(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, to=[address])
        for address in recipients
    ]
    return get_connection().send_messages(messages) or 0

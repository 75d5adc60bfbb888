"""Standard pages (About, Partners, Privacy) and the contact form page."""

from django.db import models
from django.shortcuts import render
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from cms import blocks
from cms.models.content import ChecksRestrictionsOnce, ContentPage


class StandardPage(ContentPage):
    body = StreamField(blocks.body_blocks(), use_json_field=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        ContentPage.privacy_panel,
    ]
    api_fields = [*ContentPage.api_fields, APIField("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]
    template = "cms/standard_page.html"


class ContactFormField(AbstractFormField):
    page = ParentalKey("ContactPage", on_delete=models.CASCADE, related_name="form_fields")


class ContactPage(ChecksRestrictionsOnce, AbstractEmailForm):
    """/contact/: a form whose submissions are stored and emailed to program staff.

    A hidden honeypot field and a per-address rate limit keep spam out; see
    :mod:`cms.contact`.
    """

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])
    thank_you_text = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [
        *AbstractEmailForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Form fields"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]), FieldPanel("subject")],
            heading="Email to staff",
        ),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count = 1
    template = "cms/contact_page.html"
    landing_page_template = "cms/contact_page_landing.html"

    def get_form(self, *args, **kwargs):
        from cms.contact import guard

        return guard(super().get_form(*args, **kwargs))

    def serve(self, request, *args, **kwargs):
        from cms.contact import count_submission, submitted_by_bot
        from config.errors import LimitReached

        if request.method == "POST":
            try:
                count_submission(request)
            except LimitReached as reached:
                context = self.get_context(request)
                context["form"] = self.get_form(page=self, user=request.user)
                context["rate_limited"] = str(reached)  # the message, shown with email and phone
                response = render(request, self.get_template(request), context, status=429)
                response["Retry-After"] = str(reached.retry_after)
                return response
            form = self.get_form(request.POST, request.FILES, page=self, user=request.user)
            if submitted_by_bot(form):
                # Answer as if it worked, so the bot learns nothing; store and send nothing.
                return render(request, self.get_landing_page_template(request), self.get_context(request))
            if form.is_valid():
                form_submission = self.process_form_submission(form)
                return self.render_landing_page(request, form_submission, *args, **kwargs)
            context = self.get_context(request)
            context["form"] = form
            return render(request, self.get_template(request), context)
        return super().serve(request, *args, **kwargs)

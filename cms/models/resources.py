"""The resource library under /resources/: guidebooks, video series, tools and external sites."""

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from cms import blocks
from cms.models.content import ContentPage, ReviewSchedule, RoutesToOneChildType, TaggedPage
from taxonomy.models import Facet


class ResourceIndexPage(RoutesToOneChildType, Page):
    """/resources/: the library, filtered by type, audience and topic."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ResourcePage"]
    max_count = 1
    template = "cms/resource_index_page.html"

    def get_context(self, request, *args, **kwargs):
        from cms.listings import resource_listing

        context = super().get_context(request, *args, **kwargs)
        context["listing"] = resource_listing(self, request)
        return context


class ResourcePage(ReviewSchedule, TaggedPage):
    """One resource: a link to where it lives, or an uploaded document, or both.

    A video series carries its episodes and their discussion questions.
    """

    resource_type = models.ForeignKey(
        "taxonomy.Term",
        on_delete=models.PROTECT,
        related_name="resources",
        limit_choices_to={"facet": Facet.RESOURCE_TYPE, "retired": False},
    )
    publisher = models.CharField(max_length=200, help_text="Who publishes it, e.g. IACP or OVC TTAC.")
    link_url = models.URLField(
        "link", blank=True, max_length=500, help_text="Where the resource lives on the web, if anywhere."
    )
    document = models.ForeignKey(
        "cms.CommonsDocument",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="An uploaded copy, if we may share one.",
    )
    access_note = models.CharField(
        max_length=200,
        blank=True,
        help_text="Any condition the publisher sets, e.g. “Available to IACP members”.",
    )
    description = RichTextField(blank=True, features=blocks.TEXT_FEATURES)
    episodes = StreamField(
        [("episode", blocks.EpisodeBlock())],
        blank=True,
        use_json_field=True,
        help_text="For a video series: each video with its discussion questions.",
    )

    search_kind = "resource"
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("resource_type"),
                FieldPanel("publisher"),
                FieldPanel("link_url"),
                FieldPanel("document"),
                FieldPanel("access_note"),
            ],
            heading="The resource",
        ),
        FieldPanel("description"),
        FieldPanel("episodes"),
        *TaggedPage.tag_panels,
        ReviewSchedule.review_panel,
        ContentPage.privacy_panel,
    ]
    api_fields = [
        *TaggedPage.api_fields,
        APIField("resource_type_slug"),
        APIField("publisher"),
        APIField("link_url"),
        APIField("access_note"),
        APIField("description"),
        APIField("episodes"),
    ]
    parent_page_types = ["cms.ResourceIndexPage"]
    subpage_types = []
    template = "cms/resource_page.html"

    class Meta:
        verbose_name = "resource"

    def clean(self):
        super().clean()
        if not (self.link_url or self.document_id or self.access_note):
            raise ValidationError(
                {"link_url": "Give a link, upload a document, or say in “access note” how to get it."}
            )

    @property
    def resource_type_slug(self):
        return self.resource_type.slug if self.resource_type_id else None

    def all_term_slugs(self):
        extra = (self.resource_type.slug,) if self.resource_type_id else ()
        return super().all_term_slugs() + extra

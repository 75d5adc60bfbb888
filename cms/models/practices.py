"""Best-practice articles under /practices/, and their index with facet filters."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms import blocks
from cms.models.content import ContentPage, ReviewSchedule, RoutesToOneChildType, TaggedPage


class EvidenceLevel(models.TextChoices):
    EVIDENCE_BASED = "evidence_based", "Evidence-based"
    PROMISING = "promising", "Promising"
    EXPERT_CONSENSUS = "expert_consensus", "Expert consensus"
    EMERGING = "emerging", "Emerging practice"


EVIDENCE_LEVEL_HELP = (
    "Evidence-based: rigorous evaluation found it works. Promising: some evaluation, positive results. "
    "Expert consensus: agreed good practice among experienced task forces, not yet evaluated. "
    "Emerging: new, described so others can try and assess it."
)


class PracticeIndexPage(RoutesToOneChildType, Page):
    """/practices/: every practice the visitor may see, filtered by facet and evidence level."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.PracticePage"]
    max_count = 1
    template = "cms/practice_index_page.html"

    def get_context(self, request, *args, **kwargs):
        from cms.listings import practice_listing

        context = super().get_context(request, *args, **kwargs)
        context["listing"] = practice_listing(self, request)
        return context


class PracticePage(ReviewSchedule, TaggedPage):
    """A vetted best practice: reviewed before it is published, and again when its review falls due."""

    body = StreamField(blocks.body_blocks(), use_json_field=True)
    citations = StreamField([("citation", blocks.CitationBlock())], blank=True, use_json_field=True)
    evidence_level = models.CharField(
        max_length=32,
        choices=EvidenceLevel.choices,
        default=EvidenceLevel.EXPERT_CONSENSUS,
        help_text=EVIDENCE_LEVEL_HELP,
        # The practices index counts by level right after a publish: on SQLite the index covers
        # (page id, level), so the count never reads an article's row, StreamField body and all.
        db_index=True,
    )

    search_kind = "practice"
    search_fields = [*ContentPage.search_fields, index.SearchField("body")]
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("evidence_level"), FieldPanel("citations")], heading="Evidence"),
        *TaggedPage.tag_panels,
        ReviewSchedule.review_panel,
        ContentPage.privacy_panel,
    ]
    api_fields = [
        *TaggedPage.api_fields,
        APIField("body"),
        APIField("citations"),
        APIField("evidence_level"),
        APIField("last_reviewed"),
        APIField("next_review_due"),
    ]
    parent_page_types = ["cms.PracticeIndexPage"]
    subpage_types = []
    template = "cms/practice_page.html"

    class Meta:
        verbose_name = "best-practice article"

    def get_context(self, request, *args, **kwargs):
        from cms.extensions import related_threads

        context = super().get_context(request, *args, **kwargs)
        context["related_threads"] = related_threads(self, request.user)
        return context

"""The home page: purpose, featured practices, latest briefs, the call to state TTA needs."""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from cms.models.content import ChecksRestrictionsOnce

FEATURED_COUNT = 3
BRIEF_COUNT = 3


class HomePage(ChecksRestrictionsOnce, Page):
    """The site's front page."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])
    tta_heading = models.CharField(max_length=120, default="Tell us what your task force needs")
    tta_text = models.TextField(
        blank=True,
        default=(
            "Training and technical assistance is matched to each task force's needs. "
            "State yours and we will connect you with resources, trainers and peers."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("featured_practices", label="Featured practices", max_num=FEATURED_COUNT),
        MultiFieldPanel(
            [FieldPanel("tta_heading"), FieldPanel("tta_text")], heading="Call to state TTA needs"
        ),
    ]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    template = "cms/home_page.html"

    def route(self, request, path_components):
        from cms import hotpath

        # Every page of the site is below this one: its path is looked up once per content version.
        return hotpath.route(self, request, path_components, super().route)

    def get_context(self, request, *args, **kwargs):
        from cms.listings import home_sections

        context = super().get_context(request, *args, **kwargs)
        context.update(home_sections(self, request))
        return context


class HomeFeaturedPractice(Orderable):
    """A practice chosen for the home page; members-only ones show to members only."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_practices")
    practice = models.ForeignKey("cms.PracticePage", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("practice")]

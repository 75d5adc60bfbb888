"""What content pages share: privacy in the admin form, a summary, taxonomy tags and review dates."""

import uuid
from datetime import timedelta

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from cms import freshness
from cms.forms import ContentPageForm
from cms.page_permissions import LeafPagePermissionTester
from taxonomy.models import Facet

TOPIC_FACETS = [Facet.PHASE, Facet.TRAFFICKING_TYPE, Facet.PRACTICE_AREA]
REVIEW_WARNING = timedelta(days=30)


class ChecksRestrictionsOnce:
    """A served page whose view restrictions cms.access has already checked, so Wagtail need not.

    Wagtail's own restriction check (an ``on_serve_page`` hook) asks the page
    for ``get_view_restrictions()``: two queries. cms.hotpath marks a page no
    restriction covers (from the cached restrictions cms.access has just
    checked) for this request; the marked page then answers with no
    restriction, without a query. An unmarked page asks Wagtail as always.
    """

    def get_view_restrictions(self):
        if getattr(self, "no_view_restriction_applies", False):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class RoutesToOneChildType(ChecksRestrictionsOnce):
    """For an index page whose children are all one type: find a child in one query.

    Wagtail's route loads the child as a plain Page, then its specific page in
    a second query; the index knows the type, so one join does. A child of any
    other type (none should exist) still routes the usual way.
    """

    def route(self, request, path_components):
        if path_components:
            model = apps.get_model(self.subpage_types[0])
            child = model.objects.child_of(self).filter(slug=path_components[0]).first()
            if child is not None:
                child.routed_from = self  # the article's breadcrumb (get_parent) needs no query either
                return child.route(request, path_components[1:])
        return super().route(request, path_components)


class ContentPage(ChecksRestrictionsOnce, Page):
    """A page that can be public or members-only and that the site search lists.

    ``search_kind`` is the kind it is indexed under (cms.search_provider).
    """

    summary = models.TextField(
        max_length=600,
        help_text="Two or three sentences shown in listings, search results and feeds.",
    )

    base_form_class = ContentPageForm
    search_kind = "page"
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    api_fields = [APIField("summary")]
    privacy_panel = MultiFieldPanel([FieldPanel("visibility")], heading="Privacy")

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        from cms import access

        context = super().get_context(request, *args, **kwargs)
        context["members_only"] = access.is_members_only(self, access.request_restrictions(request))
        context["body_cache_key"] = self.body_cache_key(request)
        return context

    def body_cache_key(self, request):
        """Names this page's rendered content in the cache: the same for everyone who may see it.

        The published revision and the content version (any publish, move,
        privacy or term change raises it: links, badges and tags render
        with it). Serving already checked the visitor may see the page; a
        preview, or a page not live, gets a key of its own, never reused.
        """
        if getattr(request, "is_preview", False) or not self.live:
            return f"preview:{uuid.uuid4()}"
        # A page saved without a revision (a script, a data migration) raises the version too.
        return f"{self.pk}:{self.live_revision_id}:{freshness.content_version()}"

    def get_parent(self, update=False):
        # The index page that routed to this page is its parent: the breadcrumb needs no query.
        routed_from = self.__dict__.get("routed_from")
        if routed_from is not None and not update:
            return routed_from
        return super().get_parent(update=update)

    def permissions_for_user(self, user):
        # Content pages are nearly always leaves, whose delete and move buttons then need no query.
        return LeafPagePermissionTester(user, self)

    def searchable_text(self):
        """Plain text of the page for the site search (no HTML)."""
        parts = [self.summary]
        for field in self._meta.get_fields():
            if isinstance(field, StreamField | RichTextField):
                parts.extend(field.get_searchable_content(getattr(self, field.name)))
        return "\n".join(part for part in parts if part)


class TaggedPage(ContentPage):
    """A content page tagged with the shared vocabulary (taxonomy.Term)."""

    topics = ParentalManyToManyField(
        "taxonomy.Term",
        blank=True,
        related_name="%(class)s_topic_pages",
        limit_choices_to={"facet__in": TOPIC_FACETS},
        help_text="Task force phases, trafficking types and practice areas this page is about.",
    )
    audiences = ParentalManyToManyField(
        "taxonomy.Term",
        blank=True,
        related_name="%(class)s_audience_pages",
        limit_choices_to={"facet": Facet.AUDIENCE},
        help_text="Who it is written for.",
    )

    tag_panels = [
        MultiFieldPanel(
            [
                FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
                FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
            ],
            heading="Topics and audiences",
        )
    ]
    api_fields = [*ContentPage.api_fields, APIField("topic_slugs"), APIField("audience_slugs")]

    class Meta:
        abstract = True

    # Templates and listings read the prefetched terms, so no query per page.
    def topic_terms(self):
        return sorted(self.topics.all(), key=lambda term: (term.facet, term.sort_order, term.name))

    def audience_terms(self):
        return sorted(self.audiences.all(), key=lambda term: (term.sort_order, term.name))

    @property
    def topic_slugs(self):
        return [term.slug for term in self.topics.all()]

    @property
    def audience_slugs(self):
        return [term.slug for term in self.audiences.all()]

    def all_term_slugs(self):
        return tuple(term.slug for term in (*self.topics.all(), *self.audiences.all()))


class ReviewSchedule(models.Model):
    """When a page was last vetted and when it is next due; the "Due for review" report reads these."""

    last_reviewed = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(
        null=True,
        blank=True,
        help_text="Editors see the page in “Due for review” from 30 days before this date.",
    )

    review_panel = MultiFieldPanel(
        [FieldPanel("last_reviewed"), FieldPanel("next_review_due")], heading="Review schedule"
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.last_reviewed and self.next_review_due and self.next_review_due <= self.last_reviewed:
            raise ValidationError({"next_review_due": "The next review must come after the last one."})

    @property
    def review_overdue(self):
        return bool(self.next_review_due and self.next_review_due < timezone.localdate())

    @property
    def review_due_soon(self):
        return bool(self.next_review_due and self.next_review_due <= timezone.localdate() + REVIEW_WARNING)

"""Atom feeds of public practices and public briefs; members-only pages never appear."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from cms import access
from cms.models import EvidenceBriefPage, PracticePage

FEED_LENGTH = 30


class PublicPagesFeed(Feed):
    feed_type = Atom1Feed
    model = None

    def items(self):
        pages = access.public_pages(self.model.objects.live())
        return pages.order_by("-first_published_at")[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_url(request=self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def get_object(self, request, *args, **kwargs):
        # Page URLs need the request's site; keep it for item_link.
        self.request = request
        return None


class PracticesFeed(PublicPagesFeed):
    model = PracticePage
    title = "Task Force Commons: best practices"
    link = "/practices/"
    subtitle = (
        "Practices for human-trafficking task forces, vetted by training and technical assistance staff."
    )


class BriefsFeed(PublicPagesFeed):
    model = EvidenceBriefPage
    title = "Task Force Commons: evidence briefs"
    link = "/briefs/"
    subtitle = "Findings from the research partner on human-trafficking task force practice."

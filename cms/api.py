"""The read-only Wagtail API v2 at /api/v2/: public pages only, whoever asks.

Wagtail's pages endpoint hides a restricted page only from those its
restriction turns away, so a signed-in member would see members-only pages
through it; ours leaves every restricted page out for everyone, like the feeds
and the sitemap. The image and document endpoints are not registered: they
would list every file, members-only collections included.
"""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from cms import access


class PublicPagesAPIViewSet(PagesAPIViewSet):
    def get_base_queryset(self):
        return access.public_pages(super().get_base_queryset())


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)

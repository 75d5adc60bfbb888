"""The read-only Wagtail API v2 at /api/v2/: public pages only.

Wagtail's pages endpoint already limits itself to live pages outside any view
restriction. The image and document endpoints are not registered: they would
list every file, members-only collections included.
"""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)

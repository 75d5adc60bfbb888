"""URL map. Wagtail's page tree serves everything not matched before it."""

from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.api import api_router as cms_api_router
from config.healthz import healthz

# One log-in: the Wagtail admin's own login and password-reset views are
# Django's, without lockout or MFA, so they are sent to allauth's. These
# patterns must stay before wagtailadmin_urls.
admin_login_redirects = [
    re_path(r"^admin/login/$", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    re_path(
        r"^admin/password_reset/",
        RedirectView.as_view(pattern_name="account_reset_password", query_string=False),
    ),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    *admin_login_redirects,
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/", include("allauth.urls")),
    path("members/", include("members.urls")),
    path("search/", include("search.urls")),
    path("forum/", include("forum.urls")),
    path("tta/", include("tta.urls")),
    path("research/", include("research.urls")),
    path("", include("cms.urls")),
    path("api/v2/", cms_api_router.urls),  # public pages only (cms.api)
    path("documents/", include(wagtaildocs_urls)),
    path("", include(wagtail_urls)),
]

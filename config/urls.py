"""URL map. Wagtail's page tree serves everything not matched before it."""

from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.api import api_router as cms_api_router
from config.healthz import healthz
from members import views as member_views

# One log-in: the Wagtail admin's login and password-reset views and the
# front-end log-in in wagtail.urls (/_util/login/) are Django's, without the
# second factor, lockout, rate limits or audit, so they are sent to allauth's.
# These patterns must stay before wagtailadmin_urls and wagtail_urls, which
# hold the originals (tests/members/test_one_sign_in.py tries every log-in URL).
login_redirects = [
    re_path(r"^admin/login/$", member_views.to_sign_in),
    path("_util/login/", member_views.to_sign_in),
    re_path(
        r"^admin/password_reset/",
        RedirectView.as_view(pattern_name="account_reset_password", query_string=False),
    ),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("monitoring.urls")),
    *login_redirects,
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/", include("allauth.urls")),
    path("members/", include("members.urls")),
    path("search/", include("search.urls")),
    path("forum/", include("forum.urls")),
    path("tta/", include("tta.urls")),
    path("trainings/", include("trainings.urls")),
    path("measures/", include("measures.urls")),
    path("research/", include("research.urls")),
    path("", include("cms.urls")),
    path("api/v2/", cms_api_router.urls),  # public pages only (cms.api)
    path("documents/", include(wagtaildocs_urls)),
    path("", include(wagtail_urls)),
]

# A database or Redis that cannot be reached gives a 503 with Retry-After, not a 500 (issue 18).
handler500 = "config.unavailable.server_error"

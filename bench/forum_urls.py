"""The site's URLs plus one bare view, for the forum benchmark's load test only (never the site's urls).

The bare view returns 10 KB of plain text through the whole middleware stack,
so the load test can tell what Django and gunicorn cost on this machine apart
from what the forum's topic page adds.
"""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

BARE_PATH = "bench-bare/"
BARE_BODY = ("x" * 99 + "\n").encode() * 100  # 10,000 bytes


def bare(request):
    return HttpResponse(BARE_BODY, content_type="text/plain")


urlpatterns = [path(BARE_PATH, bare, name="bench_bare"), *site_urlpatterns]

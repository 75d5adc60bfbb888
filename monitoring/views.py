"""/metrics: Prometheus' scrape target, for a request bearing METRICS_TOKEN only."""

import hmac

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from monitoring import metrics


def _token_matches(request) -> bool:
    expected = settings.METRICS_TOKEN
    if not expected:
        return False  # no token configured: the endpoint does not exist
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


@never_cache
@require_safe
def metrics_view(request):
    # A 404, not a 401/403: without the token nothing says there is anything here.
    if not _token_matches(request):
        raise Http404
    return HttpResponse(metrics.render(), content_type=CONTENT_TYPE_LATEST)

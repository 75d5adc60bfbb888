"""The site's own 404 page, also with DEBUG on.

With DEBUG on, Django answers an unknown address with its technical page, which
lists every URL pattern of the site. `make run` serves with DEBUG on, and people
trying the site saw that list instead of a page saying what happened and what to
do next. This middleware hands such answers to Django's ordinary
``page_not_found`` view (our ``404.html``). Set ``DEBUG_TECHNICAL_404 = True``
to get Django's page back while debugging URL patterns.
"""

from django.conf import settings
from django.http import Http404
from django.views.defaults import page_not_found


class SiteNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and settings.DEBUG
            and not getattr(settings, "DEBUG_TECHNICAL_404", False)
            and response.get("Content-Type", "").startswith("text/html")
            and not getattr(response, "streaming", False)
        ):
            return page_not_found(request, Http404())
        return response

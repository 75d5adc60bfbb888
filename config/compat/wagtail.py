"""Wagtail internals Commons uses: the site lookup of every page request.

``Site.find_for_request`` (public) asks ``Site._find_for_request`` (private)
once per request: a query with a CASE over every site, whose root page then
needs a second query to become specific before it can route. Wagtail offers
no setting or hook to serve that lookup from a cache, so cms.hotpath's cached
lookup is put in its place here, and only here.

Why (cms bench and tests/cms/test_hotpath.py, bench/README.md "Readings
behind the code", cms): the lookup is 2 of the 2 queries of a warm home page
and 2 of the 3 of a warm article for an anonymous visitor; its cost is
recorded there. Without it a warm page's queries double or more, which the
query-count assertions of tests/cms (test_hotpath.py, test_listings.py)
would report. tests/test_compat.py checks Wagtail's version and that
``find_for_request`` still delegates to ``_find_for_request(request)``.
"""

from wagtail.models import Site

# Wagtail's own lookup, kept for a miss of the cache.
wagtail_find_site = Site._find_for_request


def install_site_lookup(find_site) -> None:
    """Make ``Site.find_for_request`` use ``find_site(request)`` instead of Wagtail's query."""
    Site._find_for_request = staticmethod(find_site)

"""Wagtail internals Commons uses: the site lookup of every page request.

``Site.find_for_request`` (public) asks ``Site._find_for_request`` (private)
once per request: a query with a CASE over every site, whose root page then
needs a second query to become specific before it can route. Wagtail offers
no setting or hook to serve that lookup from a cache, so cms.hotpath's cached
lookup is put in its place here, and only here.

Why (bench/README.md, "Readings behind the code", config/compat): Wagtail's
lookup is 2 queries on every page request; with the cached one a warm home
page makes 0 queries and a warm article 1, against 2 and 3 without it, which
the query-count assertions of tests/cms (test_hotpath.py, test_listings.py)
hold. In-process on SQLite it cost 42 ms against 0.04 ms median on a machine
at a load of 12 to 19 (the absolute figure is mostly waiting for a core).
tests/test_compat.py checks Wagtail's version and that
``find_for_request`` still delegates to ``_find_for_request(request)``.
"""

from wagtail.models import Site

# Wagtail's own lookup, kept for a miss of the cache.
wagtail_find_site = Site._find_for_request


def install_site_lookup(find_site) -> None:
    """Make ``Site.find_for_request`` use ``find_site(request)`` instead of Wagtail's query."""
    Site._find_for_request = staticmethod(find_site)

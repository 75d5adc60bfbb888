"""Anonymous visitors' copies of the public pages, kept in the shared cache (Redis in production).

What is stored: the 200 answer to an anonymous GET of a public page (the
home page and every other CMS page no view restriction covers, the report
page, the topics, the two feeds), nothing else. A page counts as public when
cms.access finds no restriction of any kind on it (``mark_public_page``, a
``before_serve_page`` hook, runs for every Wagtail page served), or when the
view is one of ``PUBLIC_VIEWS``. A response is never stored if it sets a
cookie, carries a CSRF token (the contact page's form: the token is the
visitor's own), says ``private``, ``no-store`` or ``no-cache``, varies on
anything but the cookie, or is streamed; nor if the visitor is signed in, has
messages waiting, or asks with a query string longer than
``MAX_QUERY_STRING`` (filter links are short; a long one is a bot filling the
cache, and is rendered as usual).

The key is a hash of the release (config.release), the scheme, host, path, query string and
language, so a deploy never serves a copy an older template made, and the key
has one length whatever was asked. The knowledge base's **content version**
(cms.freshness) is stored inside each entry and read in the same round trip
(``get_many``); an entry of an older version is a miss.

Purging, decided: one raise of the content version drops every copy, rather
than a list of the URLs a change touches. A page shows up in its own URL, its
index (each filter and page number of it), the home page's lists, the topics
of each of its terms, the feeds, and as a related card on other pages; a list
of those would have to follow every template, and a URL it missed would keep
showing a page made members-only to anonymous visitors. The version already
goes up on every publish, unpublish, move, delete, page save and privacy
change (now and again at commit), and cms.access and cms.listings rely on it
for privacy already. The cost is that after an edit each public URL is
rendered once more; a page still costs its usual few queries then. The
version is read before the view runs and stored with the copy, so a page
rendered while a change commits is stored under the older number and never
served. ``purge`` (and ``manage.py purge_public_cache``, for a deploy whose
templates changed) raises it by hand.

Headers: a stored or served copy says ``Cache-Control: public,
max-age=MAX_AGE, s-maxage=0`` (browsers may keep it a minute; a shared proxy
in front must ask again, so a page made private is never kept there), with
an ``ETag`` and ``Last-Modified``; a conditional request that matches gets a
304. Every answer to a signed-in visitor is marked ``private`` (members-only
pages also carry Wagtail's ``no-store``, and so do the redirects that
replace them for anyone else), with ``Vary: Cookie``.

``PUBLIC_PAGE_CACHE = False`` (setting or environment) turns it off; tests
that count the queries of rendering do. If the cache cannot be reached, pages
are rendered as without it.

The middleware sits last in ``MIDDLEWARE``: by then the session, user,
session timeout and membership gate have run, so a hit costs no database
query for a visitor without a session, and the middlewares above it still
add their headers (CSP, frame options, request id) to every copy served.
"""

import contextlib
import hashlib
import logging
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import (
    cc_delim_re,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe
from wagtail import hooks

from cms import access, freshness
from config import release

logger = logging.getLogger(__name__)

MAX_AGE = 60  # seconds a browser may keep a public page without asking again
TTL = 600  # seconds a copy stays in the shared cache at most (the version drops it sooner)
MAX_QUERY_STRING = 512
KEY_PREFIX = "cms:public-page:"
PUBLIC_VIEWS = frozenset(
    {"cms:report", "cms:topic_index", "cms:topic", "cms:feed_practices", "cms:feed_briefs"}
)
SAFE_VARY = frozenset({"cookie"})
REFUSED_CACHE_CONTROL = frozenset({"private", "no-store", "no-cache"})
STATUS_HEADER = "X-Public-Cache"  # "hit" or "miss": for operators and tests, tells nothing of the page


@hooks.register("before_serve_page", order=-20)
def mark_public_page(page, request, serve_args, serve_kwargs):
    """Let this page's answer be stored if no restriction of any kind covers it (cms.access)."""
    # An alias takes its source page's restrictions, which its own path does not show.
    if page.alias_of_id is None and not access.restrictions_on(page, access.request_restrictions(request)):
        request.public_page = True


def purge(page=None):
    """Drop every stored public page, whatever ``page`` was (it may be deleted already): see the docstring."""
    freshness.bump()


def _is_anonymous_without_messages(request):
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    if CookieStorage.cookie_name in request.COOKIES:
        return False
    session = getattr(request, "session", None)
    return session is None or SessionStorage.session_key not in session


def cache_key(request):
    """The entry's key for this request, or None if this request may not be served from the cache."""
    if not settings.PUBLIC_PAGE_CACHE:
        return None
    if request.method not in ("GET", "HEAD") or not _is_anonymous_without_messages(request):
        return None
    query = request.META.get("QUERY_STRING", "")
    if len(query) > MAX_QUERY_STRING:
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    # The release too: a deploy that changes a template never serves a copy the release before made.
    asked = (release.code_version(), request.scheme, host, request.path, query, translation.get_language())
    return KEY_PREFIX + hashlib.sha256(repr(asked).encode()).hexdigest()


def _is_public_view(request):
    if getattr(request, "public_page", False):
        return True
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in PUBLIC_VIEWS


def _may_store(request, response):
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # a cookie, or a form with this visitor's CSRF token
    directives = {
        d.split("=")[0].strip().lower() for d in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if directives & REFUSED_CACHE_CONTROL:
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()}
    if not vary <= SAFE_VARY:
        return False
    return _is_public_view(request) and _is_anonymous_without_messages(request)


def _mark_public(response):
    patch_cache_control(response, public=True, max_age=MAX_AGE, s_maxage=0)
    patch_vary_headers(response, ("Cookie",))


def _entry(version, response):
    if not response.has_header("ETag"):
        set_response_etag(response)
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date(time.time())
    return (version, response.status_code, response.content, list(response.headers.items()))


def _from_entry(entry):
    _version, status, content, headers = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _answer(request, response, how):
    """The copy, or a 304 if the visitor's own copy still matches it."""
    answer = get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        response=response,
    )
    answer[STATUS_HEADER] = how
    return answer


def _read(key):
    """The content version and this key's copy of it, in one round trip; (None, None) if the cache is down."""
    try:
        found = cache.get_many([freshness.VERSION_KEY, key])
        version = found.get(freshness.VERSION_KEY)
        if version is None:
            version = freshness.content_version()  # evicted or never set: starts it again at the clock
    except Exception:  # any cache failure: render the page, as without this cache
        logger.warning("public page cache unreachable; rendering", exc_info=True)
        return None, None
    entry = found.get(key)
    return version, (entry if entry is not None and entry[0] == version else None)


def _store(key, version, response):
    try:
        cache.set(key, _entry(version, response), TTL)
    except Exception:  # a copy not stored is only a miss next time
        logger.warning("public page cache unreachable; not stored", exc_info=True)


class PublicPageCacheMiddleware:
    """Serve anonymous visitors' public pages from the shared cache, and mark every answer's caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = cache_key(request)
        if key is not None:
            version, entry = _read(key)
            if entry is not None:
                response = _from_entry(entry)
                # The request monitor labels latency by view; a hit never resolved one.
                with contextlib.suppress(Resolver404):
                    request.resolver_match = resolve(request.path_info)
                return _answer(request, response, "hit")
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ("Cookie",))
            return response
        if key is not None and version is not None and _may_store(request, response):
            _mark_public(response)
            _store(key, version, response)
            return _answer(request, response, "miss")
        return response

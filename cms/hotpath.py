"""What every page request looks up before its own content, served from the cache.

Wagtail finds the site for a request (a query with a CASE over every site),
then walks the page tree from the site's root one level per query, checks the
page's view restrictions again (two more queries) and, in the base template,
loads the default site and its settings (two more). None of that depends on
who asks, and all of it changes only when content does, so it is cached under
cms.freshness's content version, which any page, restriction, site or
settings change raises:

- ``find_site`` is what ``Site.find_for_request`` asks (installed through
  config.compat.wagtail, the one place that touches Wagtail's lookup): the
  site per host and port, with its root page already specific, copied for each
  request so no request sees what another set on them.
- ``route`` (``HomePage.route``) remembers which page a path leads to, under
  the structure version (a publish moves no page); a hit loads that page by
  primary key in one query, checks it still has the URL path asked for (a
  publish may change a slug) and still asks the page to route the rest, so a
  page no longer live is a 404 as before.
- ``skip_wagtail_restriction_check`` spares Wagtail's own check on a page no
  restriction covers (cms.access has just checked the cached restrictions),
  through the page's own ``get_view_restrictions`` (cms.models.content).
- ``site_settings`` gives the base template the settings without a query.

Nothing here is per visitor: privacy is still decided per request by
cms.access, on the page the route found.
"""

import copy
import hashlib

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http.request import split_domain_port
from wagtail.models import Page, Site

from cms import freshness
from config.compat import wagtail as wagtail_compat

TTL = 300

# Per process: (content version, value) of the last load, so a hit costs no cache round trip.
_sites = {}
_settings = {}
_aliases = {}


def _for_version(store, key, load, version=None):
    if version is None:
        version = freshness.content_version()
    found = store.get(key)
    if found is not None and found[0] == version:
        return found[1]
    value = load()
    store.clear()  # entries of older versions are dead: keep only what this version holds
    store[key] = (version, value)
    return value


def find_site(request):
    """The Wagtail site for this request's host and port, cached per content version."""
    try:
        host = request.get_host()
    except DisallowedHost:
        # Django answers such a request with a 400 before any view; a caller that asks anyway
        # gets Wagtail's own answer, uncached.
        return wagtail_compat.wagtail_find_site(request)
    key = (split_domain_port(host)[0], request.get_port())

    def load():
        site = wagtail_compat.wagtail_find_site(request)
        if site is not None:
            site.root_page = site.root_page.specific
        return site

    site = _for_version(_sites, key, load)
    if site is None:
        return None
    served = copy.copy(site)
    served.root_page = copy.copy(site.root_page)
    return served


def install():
    """Route Wagtail's site lookup through the cache (called once, from CmsConfig.ready)."""
    wagtail_compat.install_site_lookup(find_site)


def _url_path(root, components):
    return root.url_path + "".join(f"{component}/" for component in components)


def route(root, request, path_components, wagtail_route):
    """Resolve a path below ``root`` from the route cache, falling back to Wagtail's walk.

    Routes are cached under the structure version (pages created, moved or
    deleted), not the content version: an ordinary publish leaves every path
    where it was, so the first request after it needs no walk. A publish can
    change a slug, though; a hit is used only if the page, loaded fresh, still
    has the URL path asked for, and the page then routes the rest itself (a
    page no longer live is a 404, as after Wagtail's walk).
    """
    if not path_components:
        return wagtail_route(request, path_components)
    # Hashed: the path is whatever the visitor typed (any length, any characters).
    path = hashlib.sha256("/".join(path_components).encode()).hexdigest()[:32]
    key = f"cms:route:{freshness.structure_version()}:{root.pk}:{path}"
    hit = cache.get(key)
    if hit is not None:
        label, pk, consumed = hit
        page = apps.get_model(label).objects.filter(pk=pk).first()
        if page is not None and page.url_path == _url_path(root, path_components[:consumed]):
            return page.route(request, path_components[consumed:])
    result = wagtail_route(request, path_components)
    page = result[0]
    consumed = page.depth - root.depth
    # Only a plain walk down the tree is remembered: the page's URL path is the one asked for.
    if page.url_path == _url_path(root, path_components[:consumed]):
        cache.set(key, (page._meta.label_lower, page.pk, consumed), TTL)
    return result


def _site_has_aliases():
    # An alias is a page created as one: the structure version (raised by every page created)
    # is enough, and an ordinary publish does not ask again.
    return _for_version(
        _aliases,
        "aliases",
        lambda: Page.objects.filter(alias_of__isnull=False).exists(),
        version=freshness.structure_version(),
    )


def skip_wagtail_restriction_check(page, restrictions):
    """Answer Wagtail's restriction check of a served page without its two queries, when none applies.

    Only for a page no restriction covers, on a site without aliases (an
    alias takes its source page's restrictions, which paths do not show).
    A covered page keeps Wagtail's check, and with it the password form and
    the never-cache headers Wagtail adds to restricted pages.
    """
    if restrictions.on(page.path) or _site_has_aliases():
        return
    # Read by the page's get_view_restrictions (cms.models.content.ChecksRestrictionsOnce), which
    # Wagtail's check asks; this request's page object only.
    page.no_view_restriction_applies = True


def site_settings(request):
    """The default site's SiteSettings, cached per content version (a settings save raises it)."""
    from cms.models import SiteSettings

    def load():
        # One query in the usual case: the row exists once the site has been set up.
        found = SiteSettings.objects.filter(site__is_default_site=True).first()
        if found is not None:
            return found
        site = Site.objects.filter(is_default_site=True).first()
        return SiteSettings.for_site(site) if site is not None else SiteSettings()

    return _for_version(_settings, "default", load)

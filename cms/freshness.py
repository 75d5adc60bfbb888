"""A version number for "the published pages changed", so derived numbers can be cached safely.

Facet counts on the indexes cost a GROUP BY over every page; they (and the
rendered facet form) are cached under the current version, which goes up
whenever a page is published, unpublished, deleted or moved, a view
restriction changes, or a term is saved. The version lives in the shared
cache (Redis in production), so every process sees the same one; with the
embedded local-memory cache a change made by another process (the task
worker's scheduled publishing) shows after COUNTS_TTL.

The page restrictions, the home page's lists and the index result pages are
cached under the version too (cms.access, cms.listings), as are the site
lookup and site settings (cms.hotpath): privacy rides on it,
which is why a production setting without a shared cache is refused
(config.E002). Any saved page bumps it as well, since adding a child changes
which pages a restriction on its parent covers. A version lost from the cache
restarts at the clock, never at 1, so it cannot meet entries cached under an
old number (config.cache_versions).

A second number, the **structure version**, names what a publish of an
existing page never changes: the page view restrictions, the tree's shape
(which pages exist, their paths and how many children each has) and the
groups restrictions name. It goes up on every restriction or group change,
every page created, moved or deleted; the content version goes up with it.
The page restrictions (cms.access), the "any aliases?" check and the page
routes (cms.hotpath) are cached under it, so the first request after an
ordinary publish does not reload them; anything that could change who may
see a page still raises it. (A publish may change a slug: a cached route is
used only while its page still has the URL path asked for.)
"""

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from config import cache_versions
from taxonomy.models import Term

VERSION_KEY = "cms:content-version"
STRUCTURE_KEY = "cms:structure-version"
COUNTS_TTL = 300


def content_version():
    return cache_versions.current(VERSION_KEY)


def structure_version():
    return cache_versions.current(STRUCTURE_KEY)


def bump(*args, **kwargs):
    cache_versions.bump(VERSION_KEY)


def bump_structure(*args, **kwargs):
    """A restriction, group or the tree's shape changed: raise both numbers."""
    cache_versions.bump(STRUCTURE_KEY)
    bump()


def _bump_for_pages(sender, instance, **kwargs):
    if isinstance(instance, Page):
        bump_structure()  # deleted: its restrictions go, its parent may become a leaf


def _bump_for_saved_pages(sender, instance, created=False, **kwargs):
    if not isinstance(instance, Page):
        return
    if created:
        # A new page changes its parent's number of children: a restriction on a page that had
        # none covered that page alone (cms.access matches it by id) and now covers a section.
        bump_structure()
    else:
        # A publish, an edit: Wagtail never changes path, depth or numchild on save (moves go
        # through treebeard and post_page_move), so only the content changed.
        bump()


def _bump_for_settings(sender, instance, created=False, **kwargs):
    from cms.models import SiteSettings

    # A row created holds the defaults already shown (SiteSettings.for_site creates it on first
    # read, the admin's form too); only an edit changes what pages show.
    if isinstance(instance, SiteSettings) and not created:
        bump()


def connect():
    page_published.connect(bump, dispatch_uid="cms_freshness_published")
    page_unpublished.connect(bump, dispatch_uid="cms_freshness_unpublished")
    post_page_move.connect(bump_structure, dispatch_uid="cms_freshness_moved")
    post_delete.connect(_bump_for_pages, dispatch_uid="cms_freshness_deleted")
    post_save.connect(bump_structure, sender=PageViewRestriction, dispatch_uid="cms_freshness_restriction")
    post_delete.connect(
        bump_structure, sender=PageViewRestriction, dispatch_uid="cms_freshness_restriction_deleted"
    )
    m2m_changed.connect(
        bump_structure, sender=PageViewRestriction.groups.through, dispatch_uid="cms_freshness_groups"
    )
    # Facet options show term names and slugs: a renamed or retired term must show at once.
    post_save.connect(bump, sender=Term, dispatch_uid="cms_freshness_terms")
    post_delete.connect(bump, sender=Term, dispatch_uid="cms_freshness_terms_deleted")
    # Restrictions name groups; a page saved may gain a child, go live or change its path.
    post_save.connect(bump_structure, sender=Group, dispatch_uid="cms_freshness_group_saved")
    # A deleted group takes its restriction rows' links with it, without an m2m signal.
    post_delete.connect(bump_structure, sender=Group, dispatch_uid="cms_freshness_group_deleted")
    post_save.connect(_bump_for_saved_pages, dispatch_uid="cms_freshness_page_saved")
    # cms.hotpath caches the site per host, its root page and the site settings under the version.
    post_save.connect(bump, sender=Site, dispatch_uid="cms_freshness_site_saved")
    post_delete.connect(bump, sender=Site, dispatch_uid="cms_freshness_site_deleted")
    post_save.connect(_bump_for_settings, dispatch_uid="cms_freshness_settings_saved")

"""Who may see what in the CMS: the one place the privacy rules of pages and media live.

A page is members-only when it, or an ancestor, carries a Wagtail view
restriction of type GROUPS naming the Member group. Wagtail's own check lets
anyone in the group through; ours also requires an approved, active account
(``members.access``), so a pending or suspended account never passes, and a
LOGIN restriction admits approved accounts only. Password restrictions are
left to Wagtail and keep a page out of every listing, feed and search.

Images and documents are members-only when their collection (or an ancestor
collection) has a view restriction; only members may fetch them.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from django.core.cache import cache
from django.db import connections
from django.db.models import Q
from wagtail.models import BaseViewRestriction, CollectionViewRestriction, PageViewRestriction

from cms import freshness
from members import access as members_access
from members.roles import MEMBER

MEMBERS_ONLY_COLLECTION = "Members only"
PUBLIC_SCOPE = "public"
MEMBERS_SCOPE = "members"


class Denial(StrEnum):
    """Why a visitor may not see a page; the serve hook answers each differently."""

    LOGIN = "login"  # anonymous: sign in first
    PENDING = "pending"  # application under review
    GROUP = "group"  # approved, but not in a group the page requires
    PASSWORD = "password"  # noqa: S105 - a restriction type, left to Wagtail's password form


@dataclass(frozen=True)
class Restriction:
    """A page view restriction, flattened: the subtree it covers and who it admits."""

    path: str
    restriction_type: str
    groups: frozenset[str]
    leaf: bool = False  # the page had no children when loaded: its subtree is the page alone
    page_id: int | None = None  # the restricted page: a leaf's subtree is this one id

    @property
    def is_members_only(self):
        return self.restriction_type == BaseViewRestriction.GROUPS and MEMBER in self.groups

    def admits(self, user):
        if self.restriction_type == BaseViewRestriction.LOGIN:
            return members_access.is_approved(user)
        if self.restriction_type == BaseViewRestriction.GROUPS:
            return members_access.is_approved(user) and any(
                members_access.in_group(user, name) for name in self.groups
            )
        return False  # password: never listed, Wagtail asks for it on the page itself

    def covers(self, path):
        return path.startswith(self.path)


class Restrictions(list):
    """The site's restrictions, with lookups by path built once for the many checks of one request."""

    @cached_property
    def _by_leaf_path(self):
        found = defaultdict(list)
        for restriction in self:
            if restriction.leaf:
                found[restriction.path].append(restriction)
        return found

    @cached_property
    def _sections(self):
        return [restriction for restriction in self if not restriction.leaf]

    def on(self, path) -> list[Restriction]:
        """The restrictions covering a page path: a dict lookup plus the (few) restricted sections."""
        return self._by_leaf_path.get(path, []) + [r for r in self._sections if r.covers(path)]

    def denied_to(self, user) -> list[Restriction]:
        """The restrictions this visitor does not pass, deciding each kind of restriction once."""
        verdicts = {}
        denied = []
        for restriction in self:
            key = (restriction.restriction_type, restriction.groups)
            if key not in verdicts:
                verdicts[key] = restriction.admits(user)
            if not verdicts[key]:
                denied.append(restriction)
        return denied


def page_restrictions() -> Restrictions:
    """Every page view restriction on the site, in one query."""
    found: dict[int, tuple[int, str, bool, str, set[str]]] = {}
    rows = PageViewRestriction.objects.values_list(
        "pk", "page_id", "page__path", "page__numchild", "restriction_type", "groups__name"
    )
    for pk, page_id, path, numchild, restriction_type, group in rows:
        page_id_, path_, leaf, type_, groups = found.get(
            pk, (page_id, path, numchild == 0, restriction_type, set())
        )
        if group:
            groups.add(group)
        found[pk] = (page_id_, path_, leaf, type_, groups)
    return Restrictions(
        Restriction(path, type_, frozenset(groups), leaf, page_id)
        for page_id, path, leaf, type_, groups in found.values()
    )


def as_restrictions(restrictions) -> Restrictions:
    if restrictions is None:
        return page_restrictions()
    return restrictions if isinstance(restrictions, Restrictions) else Restrictions(restrictions)


def _covered(restrictions) -> Q:
    """Pages under any of these restrictions, as a filter.

    Most restrictions sit on single pages (an article made members-only), so
    those are matched by id in one IN list (integers: shorter to send and
    quicker to compare than the paths they replaced); only sections need a
    prefix match each. With hundreds of members-only articles this keeps the
    query one indexed lookup instead of hundreds of OR'd LIKE scans. A leaf
    that gains a child saves a page, which raises the content version and
    reloads the restrictions, so a leaf's id always stands for its whole subtree.
    """
    leaves = sorted({r.page_id for r in restrictions if r.leaf})
    covered = Q(pk__in=leaves) if leaves else Q()
    for restriction in restrictions:
        if not restriction.leaf:
            covered |= Q(path__startswith=restriction.path)
    return covered


# (structure version, restrictions) of the last load in this process: most requests reuse it.
_loaded: tuple[int | None, Restrictions | None] = (None, None)
RESTRICTIONS_TTL = 300


def current_restrictions() -> Restrictions:
    """Every page restriction, cached under cms.freshness's structure version.

    That version goes up with any change to a restriction or a group and with
    every page created, moved or deleted (a restriction's reach, and whether
    its page is a leaf, follow the tree), but not with an ordinary publish,
    which changes none of that: so the first request after a publish does not
    reload the restrictions. The version lives in the shared cache, so a page
    made members-only in one process is seen by every process's next request;
    this process keeps the last load (with its lookups built) while it stands.
    """
    global _loaded
    version = freshness.structure_version()
    loaded_version, restrictions = _loaded
    if loaded_version == version and restrictions is not None:
        return restrictions
    key = f"cms:restrictions:{version}"
    restrictions = cache.get(key)
    if restrictions is None:
        restrictions = page_restrictions()
        cache.set(key, restrictions, RESTRICTIONS_TTL)
    _loaded = (version, restrictions)
    return restrictions


def request_restrictions(request):
    """The page restrictions, looked up once per request however many lists and checks ask."""
    cached = getattr(request, "_cms_page_restrictions", None)
    if cached is None:
        cached = request._cms_page_restrictions = current_restrictions()
    return cached


def access_class(user, restrictions) -> str:
    """A short name for what this visitor may see: visitors denied the same restrictions share it.

    Caches of lists (counts, the home page's lists, index result pages) are
    keyed on it, so a list cached for a member never answers an anonymous visitor.
    """
    denied = sorted(r.path for r in as_restrictions(restrictions).denied_to(user))
    return hashlib.sha256(repr(denied).encode()).hexdigest()[:32]


def visible_pages(queryset, user, restrictions=None):
    """Narrow a page queryset to what this visitor may see (one query for the restrictions)."""
    denied = _covered(as_restrictions(restrictions).denied_to(user))
    return queryset.exclude(denied) if denied else queryset


def visible_page_ids(queryset, user, restrictions=None, order_by=()) -> list[int]:
    """The ids of the pages of ``queryset`` this visitor may see (``visible_pages``'s rule), in order.

    Restricted sections are excluded in SQL as ``visible_pages`` does; the
    restricted single pages (hundreds of members-only articles) are dropped
    here from the ids read, instead of travelling as an IN list: Django
    prepared each of those hundreds of parameters and psycopg split the
    statement around each placeholder, which on PostgreSQL cost more than the
    database spent on the query (see bench/README.md, "Readings behind the
    code", cms).

    On PostgreSQL the ids come as one ordered array; elsewhere as rows.
    """
    denied = as_restrictions(restrictions).denied_to(user)
    sections = _covered([r for r in denied if not r.leaf])
    if sections:
        queryset = queryset.exclude(sections)
    leaves = {r.page_id for r in denied if r.leaf}
    queryset = queryset.order_by()
    if connections[queryset.db].vendor == "postgresql":
        from django.contrib.postgres.aggregates import ArrayAgg

        ids = queryset.aggregate(ids=ArrayAgg("pk", order_by=order_by))["ids"] or []
    else:
        ids = queryset.order_by(*order_by).values_list("pk", flat=True)
    return [pk for pk in ids if pk not in leaves]


def public_pages(queryset, restrictions=None):
    """Narrow a page queryset to pages anyone may see: what feeds, the sitemap and the API show."""
    if restrictions is None:
        restrictions = page_restrictions()
    hidden = _covered(restrictions)
    return queryset.exclude(hidden) if hidden else queryset


def restrictions_on(page, restrictions=None) -> list[Restriction]:
    return as_restrictions(restrictions).on(page.path)


def is_members_only(page, restrictions=None) -> bool:
    return bool(restrictions_on(page, restrictions))


def page_scope(page, restrictions=None) -> str | None:
    """The search scope of a page: "public", "members", or None if it must stay out of search.

    Only the Member group maps onto a search scope; a page restricted to some
    other group or by password is left out rather than shown to all members.
    """
    covering = restrictions_on(page, restrictions)
    if not covering:
        return PUBLIC_SCOPE
    if all(r.is_members_only for r in covering):
        return MEMBERS_SCOPE
    return None


def page_denial(page, user, restrictions=None) -> Denial | None:
    """Why this visitor may not see this page, or None if they may."""
    for restriction in restrictions_on(page, restrictions):
        if restriction.admits(user):
            continue
        if restriction.restriction_type == BaseViewRestriction.PASSWORD:
            return Denial.PASSWORD
        if not (user and user.is_authenticated):
            return Denial.LOGIN
        if members_access.is_pending(user):
            return Denial.PENDING
        return Denial.GROUP
    return None


def required_groups(page) -> list[str]:
    """The groups a visitor needs for this page, for the explanation on the 403 page."""
    names: set[str] = set()
    for restriction in restrictions_on(page):
        names |= restriction.groups
    return sorted(names)


def can_view_members_only(user) -> bool:
    return members_access.is_member(user)


def restricted_collection_paths() -> list[str]:
    return list(CollectionViewRestriction.objects.values_list("collection__path", flat=True))


def collection_is_members_only(collection, restricted_paths=None) -> bool:
    if restricted_paths is None:
        restricted_paths = restricted_collection_paths()
    return any(collection.path.startswith(path) for path in restricted_paths)

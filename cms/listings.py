"""Lists of pages a visitor may see: the faceted practice and resource indexes, briefs, home, topics.

Every list narrows to what the visitor may see first (cms.access), then
filters, counts and pages. The number of queries does not grow with the number
of pages: terms are prefetched, and on the faceted indexes the facet counts,
the total and the result page come from one query for the ids of the visible
pages (in the listing's order) and one per facet source; the result page then
loads its twelve cards by id. The counts and the matching ids are cached per
set of filters and per set of restrictions the visitor is denied, under
cms.freshness's version, so a publish or a privacy change is seen at once.

Filters are GET parameters, so a filtered page has a shareable URL:
``?phase=forming-a-task-force&practice_area=coordination&evidence=promising``.
Several values of one facet mean "any of them"; different facets must all
match. Unknown parameters and values are ignored.
"""

import functools
import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Aggregate, TextField
from wagtail.models import Page

from cms import access, extensions, freshness
from cms.models import (
    EvidenceBriefPage,
    EvidenceLevel,
    PracticePage,
    ResourcePage,
)
from cms.models.home import BRIEF_COUNT, FEATURED_COUNT
from taxonomy.models import Facet, FormerSlug, Term

PER_PAGE = 12
MAX_VALUES_PER_FACET = 20
MAX_VALUE_LENGTH = 140


@dataclass(frozen=True)
class FacetSpec:
    """One filter: a GET parameter over a taxonomy facet (through ``source``) or a choice field."""

    param: str
    label: str
    source: str  # an M2M or FK field of the page model, or a choice field
    facet: str | None = None  # the taxonomy facet, None for a choice field
    choices: tuple = ()


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetGroup:
    spec: FacetSpec
    options: list[FacetOption] = field(default_factory=list)

    @property
    def param(self):
        return self.spec.param

    @property
    def label(self):
        return self.spec.label

    @property
    def selected(self):
        return [option for option in self.options if option.selected]


@dataclass
class Listing:
    page_obj: object
    facets: list[FacetGroup]
    total: int
    active: list[tuple[FacetGroup, FacetOption]]
    # Names the facet counts in the cache; the facet form's rendered HTML is cached under it too.
    counts_key: str = ""
    # Turns the page's object list (ids, on the faceted indexes) into pages; None: it holds pages.
    cards: Callable | None = None

    @cached_property
    def items(self):
        """The result page's pages, loaded on first use, each marked for its members-only badge."""
        found = self.page_obj.object_list
        pages = self.cards(list(found)) if self.cards else list(found)
        return _mark_members_only(pages, getattr(self.page_obj, "restrictions", None))

    @property
    def page_range(self):
        """Page numbers to link, with ellipses: a constant handful however many pages there are."""
        return list(
            self.page_obj.paginator.get_elided_page_range(self.page_obj.number, on_each_side=2, on_ends=1)
        )


PRACTICE_FACETS = (
    FacetSpec("phase", "Task force phase", "topics", Facet.PHASE),
    FacetSpec("practice_area", "Practice area", "topics", Facet.PRACTICE_AREA),
    FacetSpec("trafficking_type", "Trafficking type", "topics", Facet.TRAFFICKING_TYPE),
    FacetSpec("audience", "Audience", "audiences", Facet.AUDIENCE),
    FacetSpec("evidence", "Evidence level", "evidence_level", choices=tuple(EvidenceLevel.choices)),
)
RESOURCE_FACETS = (
    FacetSpec("type", "Resource type", "resource_type", Facet.RESOURCE_TYPE),
    FacetSpec("audience", "Audience", "audiences", Facet.AUDIENCE),
    FacetSpec("phase", "Task force phase", "topics", Facet.PHASE),
    FacetSpec("practice_area", "Practice area", "topics", Facet.PRACTICE_AREA),
    FacetSpec("trafficking_type", "Trafficking type", "topics", Facet.TRAFFICKING_TYPE),
)


def _terms(facets):
    """The terms of these facets, cached under the content version (saving a term raises it)."""
    key = f"cms:terms:{freshness.content_version()}:{','.join(sorted(facets))}"
    terms = cache.get(key)
    if terms is None:
        terms = list(Term.objects.filter(facet__in=facets))
        cache.set(key, terms, freshness.COUNTS_TTL)
    return terms


def _requested_values(query, spec):
    values = []
    for raw in query.getlist(spec.param)[:MAX_VALUES_PER_FACET]:
        value = raw.strip()
        if value and len(value) <= MAX_VALUE_LENGTH and value not in values:
            values.append(value)
    return values


class _Ids(Aggregate):
    """The ids of a group in one column: a list on PostgreSQL, a JSON array ("[3,7,12]") on SQLite.

    The facet counts read one row per value (a few dozen) instead of one per
    (page, value) pair (some 16,000 at 3,000 practices): far less to fetch,
    and no tuple per pair for Python to allocate and its collector to scan.
    JSON rather than "3,7,12": json.loads makes the ints in C, about twice as
    fast as splitting and converting each.
    """

    function = "JSON_GROUP_ARRAY"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        # ARRAY_AGG arrives as a list of ints (psycopg parses it): nothing to split.
        return self.as_sql(compiler, connection, function="ARRAY_AGG", **extra_context)


def _id_list(ids):
    if not ids:
        return []
    if isinstance(ids, list):
        return ids
    return json.loads(ids)


class _Facets:
    """Resolves requested values, then filters and counts options for one page model."""

    def __init__(self, model, specs, query):
        self.model, self.specs = model, specs
        term_facets = [spec.facet for spec in specs if spec.facet]
        self.terms = _terms(term_facets) if term_facets else []
        self.terms_by_facet = defaultdict(dict)
        for term in self.terms:
            self.terms_by_facet[term.facet][term.slug] = term
        # param -> list of database values (term ids or choice values), unknown ones dropped
        self.selected = {}
        wanted_by_param = {spec.param: _requested_values(query, spec) for spec in specs}
        renamed = self._renamed(specs, wanted_by_param)
        for spec in specs:
            wanted = wanted_by_param[spec.param]
            if spec.facet:
                known = self.terms_by_facet[spec.facet]
                ids = [
                    known[renamed.get(slug, slug)].pk for slug in wanted if renamed.get(slug, slug) in known
                ]
            else:
                valid = {value for value, _label in spec.choices}
                ids = [value for value in wanted if value in valid]
            if ids:
                self.selected[spec.param] = ids

    def _renamed(self, specs, wanted_by_param):
        """Current slugs for former ones in the request: filter links shared before a rename still work."""
        unknown = {
            slug
            for spec in specs
            if spec.facet
            for slug in wanted_by_param[spec.param]
            if slug not in self.terms_by_facet[spec.facet]
        }
        if not unknown:
            return {}  # the usual case: no query
        return dict(FormerSlug.objects.filter(slug__in=unknown).values_list("slug", "term__slug"))

    def counts(self, ordered):
        """Option counts per facet, each with every other facet's filter applied, and the matching pages.

        ``ordered`` is the ids of the pages of this model the visitor may see,
        in the listing's order (``access.visible_page_ids``). Right after a
        publish nothing is cached, and a GROUP BY per facet (five for two
        filters, each joining the pages, their restrictions and the filters'
        subqueries) cost most of the request. Instead: one query per source
        for the pages of each of its values (``_Ids``), and the counting in
        Python as set intersections, the same queries whatever the filters.
        The matching pages come back in ``ordered``'s order, so the result
        page needs no query of its own but the twelve cards by id.

        The single-valued fields are read from the model's table by an index
        that covers them (migration 0005): on SQLite no article's StreamField
        body (a few kilobytes each, most in overflow pages) is touched.
        """
        visible = set(ordered)
        # source -> value -> the pages that have it (hidden, draft and other pages included: every
        # count below intersects with visible pages first).
        pages_with = {}
        for source in dict.fromkeys(spec.source for spec in self.specs):
            model_field = self.model._meta.get_field(source)
            if model_field.many_to_many:
                value, page = model_field.m2m_reverse_field_name(), model_field.m2m_field_name()
                rows = model_field.remote_field.through.objects.values(value)
            else:
                value, page = model_field.attname, "pk"
                rows = self.model._base_manager.values(value)
            grouped = rows.order_by().annotate(ids=_Ids(page)).values_list(value, "ids")
            pages_with[source] = {found: _id_list(ids) for found, ids in grouped if found is not None}
        specs = {spec.param: spec for spec in self.specs}
        matching = {
            param: set().union(*(pages_with[specs[param].source].get(value, ()) for value in wanted))
            for param, wanted in self.selected.items()
        }
        counts = {}
        for spec in self.specs:
            others = [matched for param, matched in matching.items() if param != spec.param]
            pages = visible.intersection(*others) if others else visible
            # Only this facet's values: the topic facets share one source.
            values = self._values(spec, pages_with[spec.source])
            counts[spec.param] = {
                value: n for value in values if (n := len(pages.intersection(pages_with[spec.source][value])))
            }
        if not matching:
            return counts, list(ordered)
        total = visible.intersection(*matching.values())
        return counts, [pk for pk in ordered if pk in total]

    def _values(self, spec, found):
        if spec.facet:
            return [term.pk for term in self.terms_by_facet[spec.facet].values() if term.pk in found]
        return list(found)

    def groups(self, counts):
        result = []
        for spec in self.specs:
            found = counts.get(spec.param, {})
            chosen = set(self.selected.get(spec.param, ()))
            options = []
            if spec.facet:
                for term in sorted(
                    self.terms_by_facet[spec.facet].values(), key=lambda t: (t.sort_order, t.name)
                ):
                    count = found.get(term.pk, 0)
                    if count or term.pk in chosen:
                        options.append(FacetOption(term.slug, term.name, count, term.pk in chosen))
            else:
                for value, label in spec.choices:
                    count = found.get(value, 0)
                    if count or value in chosen:
                        options.append(FacetOption(value, label, count, value in chosen))
            result.append(FacetGroup(spec, options))
        return result


def _mark_members_only(pages, restrictions):
    """Set ``members_only`` on each page, for its badge, from restrictions already loaded."""
    for page in pages:
        page.members_only = access.is_members_only(page, restrictions)
    return pages


def _counts_key(model, facets, user, restrictions):
    # Visitors who are denied the same restrictions see the same pages, so share the counts.
    seen = access.access_class(user, restrictions)
    selected = sorted((param, sorted(map(str, values))) for param, values in facets.selected.items())
    fingerprint = hashlib.sha256(repr((seen, selected)).encode()).hexdigest()[:32]
    return f"cms:facets:{model._meta.label_lower}:{freshness.content_version()}:{fingerprint}"


def _faceted(request, model, specs, ordering, restrictions, cards):
    facets = _Facets(model, specs, request.GET)
    key = _counts_key(model, facets, request.user, restrictions)
    cached = cache.get(key)
    if cached is None:
        # Ids from Wagtail's narrow page table, in the listing's order: the filters, the counts
        # and the result page are then worked out from them and the per-value page ids.
        ordered = access.visible_page_ids(
            Page.objects.live().type(model), request.user, restrictions, order_by=ordering
        )
        counts, ids = facets.counts(ordered)
        cached = {"counts": counts, "ids": ids}
        cache.set(key, cached, freshness.COUNTS_TTL)
    page_obj = Paginator(cached["ids"], PER_PAGE).get_page(request.GET.get("page"))
    # The page's ids, loaded as cards on first use: the template caches the rendered result
    # page under counts_key, and a hit never loads them (Listing.items marks the badges).
    page_obj.restrictions = restrictions
    groups = facets.groups(cached["counts"])
    active = [(group, option) for group in groups for option in group.selected]
    return Listing(
        page_obj=page_obj,
        facets=groups,
        total=page_obj.paginator.count,
        active=active,
        counts_key=key,
        cards=functools.partial(cards, user=request.user, restrictions=restrictions),
    )


def _cards(queryset, ids, *, user, restrictions):
    """The pages of ``ids``, in that order, as cards: no StreamField body (kilobytes per article).

    The ids were narrowed to what this visitor may see; each loaded page is
    checked again against the restrictions (a dict lookup), so a card can
    never show a page the visitor may not see, whatever produced the ids.
    """
    found = {page.pk: page for page in queryset.live().filter(pk__in=ids).defer_streamfields()}
    return [
        found[pk] for pk in ids if pk in found and access.page_denial(found[pk], user, restrictions) is None
    ]


def _practice_cards(ids, **visitor):
    # The card shows the audiences, not the topics.
    return _cards(PracticePage.objects.prefetch_related("audiences"), ids, **visitor)


def _resource_cards(ids, **visitor):
    queryset = ResourcePage.objects.select_related("resource_type").prefetch_related("audiences")
    return _cards(queryset, ids, **visitor)


# Each page type lives under its one index page (parent_page_types, max_count=1), so the
# listings need no path filter under the index, which would cost a LIKE scan per query.


def practice_listing(index, request):
    return _faceted(
        request,
        PracticePage,
        PRACTICE_FACETS,
        # The id last: pages published in the same instant under the same title keep one order.
        ordering=("-first_published_at", "title", "pk"),
        restrictions=access.request_restrictions(request),
        cards=_practice_cards,
    )


def resource_listing(index, request):
    return _faceted(
        request,
        ResourcePage,
        RESOURCE_FACETS,
        ordering=("title", "pk"),
        restrictions=access.request_restrictions(request),
        cards=_resource_cards,
    )


def brief_listing(index, request):
    restrictions = access.request_restrictions(request)
    visible = access.visible_pages(
        EvidenceBriefPage.objects.live().descendant_of(index), request.user, restrictions
    )
    queryset = visible.defer_streamfields().order_by("-first_published_at", "title")
    page_obj = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    page_obj.restrictions = restrictions
    return Listing(page_obj=page_obj, facets=[], total=page_obj.paginator.count, active=[])


class HomeLists:
    """The home page's featured practices and latest briefs for one visitor, loaded on first use.

    The template caches their rendered HTML under ``cache_key`` (the content
    version and the visitor's access class), so a cached home page runs none
    of these queries.
    """

    def __init__(self, home, request):
        self.home, self.user = home, request.user
        self.restrictions = access.request_restrictions(request)
        seen = access.access_class(self.user, self.restrictions)
        self.cache_key = f"{home.pk}:{freshness.content_version()}:{seen}"
        if getattr(request, "is_preview", False):
            # A preview shows the editor's unsaved choice of featured practices: never cached.
            self.cache_key += f":preview:{uuid.uuid4()}"

    def _visible(self, model):
        return access.visible_pages(model.objects.live().defer_streamfields(), self.user, self.restrictions)

    @cached_property
    def featured_practices(self):
        chosen = list(self.home.featured_practices.values_list("practice_id", flat=True)[:FEATURED_COUNT])
        practices = self._visible(PracticePage)
        if chosen:
            by_id = {page.pk: page for page in practices.filter(pk__in=chosen)}
            featured = [by_id[pk] for pk in chosen if pk in by_id]
        else:
            featured = list(practices.order_by("-first_published_at")[:FEATURED_COUNT])
        return _mark_members_only(featured, self.restrictions)

    @cached_property
    def latest_briefs(self):
        latest = list(self._visible(EvidenceBriefPage).order_by("-first_published_at")[:BRIEF_COUNT])
        return _mark_members_only(latest, self.restrictions)


def home_sections(home, request):
    """Featured practices, the latest briefs and, for members, recent forum activity."""
    return {
        "home_lists": HomeLists(home, request),
        "recent_activity": extensions.recent_activity(request.user),
    }


TOPIC_KINDS = (
    ("practices", "Practices", PracticePage),
    ("resources", "Resources", ResourcePage),
    ("briefs", "Evidence briefs", EvidenceBriefPage),
)


def topic_sections(term, request):
    """Everything tagged with a term that the visitor may see, by kind, then what other apps add."""
    user = request.user
    restrictions = access.request_restrictions(request)
    sections = []
    for key, label, model in TOPIC_KINDS:
        tagged = model.objects.live().filter(
            **{("audiences" if term.facet == Facet.AUDIENCE else "topics"): term}
        )
        if model is ResourcePage and term.facet == Facet.RESOURCE_TYPE:
            tagged = model.objects.live().filter(resource_type=term)
        pages = _mark_members_only(
            list(access.visible_pages(tagged.defer_streamfields(), user, restrictions).order_by("title")),
            restrictions,
        )
        if pages:
            sections.append({"key": key, "label": label, "pages": pages})
    extra = extensions.topic_items(term, user)
    return sections, extra

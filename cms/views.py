"""CMS pages served outside the page tree: report and get help, topics, robots.txt."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from cms.listings import topic_sections
from taxonomy.models import Facet, Term

# Areas of the site with nothing for a search engine (members-only or per-person).
ROBOTS_DISALLOW = [
    "/admin/",
    "/accounts/",
    "/members/",
    "/forum/",
    "/tta/",
    "/research/",
    "/search/",
    "/documents/",
]


@require_safe
def report(request):
    return render(request, "cms/report.html")


@require_safe
def topic_index(request):
    facets = [Facet.PHASE, Facet.PRACTICE_AREA, Facet.TRAFFICKING_TYPE, Facet.AUDIENCE, Facet.RESOURCE_TYPE]
    terms = Term.objects.filter(facet__in=facets, retired=False).order_by("facet", "sort_order", "name")
    grouped = {facet: [] for facet in facets}
    for term in terms:
        grouped[term.facet].append(term)
    groups = [(Facet(facet).label, items) for facet, items in grouped.items() if items]
    return render(request, "cms/topic_index.html", {"groups": groups})


@require_safe
def topic(request, slug):
    term = get_object_or_404(Term.objects.exclude(facet=Facet.CALLOUT_KIND), slug=slug)
    sections, extra = topic_sections(term, request)
    return render(request, "cms/topic.html", {"term": term, "sections": sections, "extra": extra})


@require_safe
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    lines.append(f"Sitemap: {settings.SITE_URL}/sitemap.xml")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")

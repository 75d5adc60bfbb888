"""CMS pages served outside the page tree: report and get help, topics, robots.txt."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from cms.listings import topic_sections
from taxonomy.models import Facet, FormerSlug, Term

# Areas of the site with nothing for a search engine (members-only or per-person).
# /search/ is not among them: an anonymous crawler is only ever shown public results (the
# same pages the sitemap lists), each result page names its canonical URL, and a blocked
# page fails Lighthouse's "page is blocked from indexing" SEO audit (so would noindex).
ROBOTS_DISALLOW = [
    "/admin/",
    "/accounts/",
    "/members/",
    "/forum/",
    "/tta/",
    "/research/",
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
    term = Term.objects.exclude(facet=Facet.CALLOUT_KIND).filter(slug=slug).first()
    if term is None:
        # A link shared before the term was renamed: send it on, permanently.
        former = FormerSlug.objects.select_related("term").filter(slug=slug).first()
        if former is None or former.term.facet == Facet.CALLOUT_KIND:
            raise Http404("No such topic.")
        return redirect("cms:topic", slug=former.term.slug, permanent=True)
    sections, extra = topic_sections(term, request)
    return render(request, "cms/topic.html", {"term": term, "sections": sections, "extra": extra})


@require_safe
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    lines.append(f"Sitemap: {settings.SITE_URL}/sitemap.xml")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")

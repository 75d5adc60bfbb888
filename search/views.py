"""The search page, /search/?q=…&kind=…&topic=…&page=…: open to everyone, results depend on their scopes."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render

from search.index import search
from search.query_terms import MAX_QUERY_CHARS
from search.registry import providers

RESULTS_PER_PAGE = 20
# Nobody filters by dozens of topics; the cap keeps the SQL small.
MAX_TOPICS = 5


def _query_string(**params) -> str:
    return urlencode({name: value for name, value in params.items() if value}, doseq=True)


def search_page(request):
    query = request.GET.get("q", "")
    known_kinds = providers()
    kind = request.GET.get("kind", "")
    # An unknown kind is ignored, so an old or mistyped link still searches everything.
    kind = kind if kind in known_kinds else ""
    topics = [slug[:140] for slug in request.GET.getlist("topic")[:MAX_TOPICS] if slug.strip()]

    results = search(
        query,
        user=request.user,
        kinds=[kind] if kind else None,
        topics=topics,
        page=request.GET.get("page") or 1,
        per_page=RESULTS_PER_PAGE,
    )
    shown_query = query[:MAX_QUERY_CHARS]
    base = _query_string(q=shown_query, kind=kind, topic=topics)
    return render(
        request,
        "search/search.html",
        {
            "search": results,
            "query": shown_query,
            "kind": kind,
            "kind_label": known_kinds[kind].label if kind else "",
            "topics": topics,
            "max_query_chars": MAX_QUERY_CHARS,
            "ellipsis": Paginator.ELLIPSIS,
            "all_kinds_url": "?" + _query_string(q=shown_query, topic=topics),
            "clear_topics_url": "?" + _query_string(q=shown_query, kind=kind),
            "facet_links": [
                (facet, "?" + _query_string(q=shown_query, kind=facet.kind, topic=topics))
                for facet in results.facets
            ],
            "page_url_prefix": f"?{base}&page=" if base else "?page=",
        },
    )

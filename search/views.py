"""The search page, /search/?q=…&kind=…&topic=…&page=…: open to everyone, results depend on their scopes."""

from dataclasses import replace
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render

from search.index import search
from search.query_terms import MAX_QUERY_CHARS
from search.registry import providers
from search.topics import moved, names

RESULTS_PER_PAGE = 20
# Nobody filters by dozens of topics; the cap keeps the SQL small.
MAX_TOPICS = 5


def _query_string(**params) -> str:
    return urlencode({name: value for name, value in params.items() if value}, doseq=True)


def _with_topic_names(results, chosen):
    """``results`` with each hit's topics named, and the chosen topics as (slug, name) pairs."""
    # The index stores slugs, so a rename needs no re-index of the name; a slug no topic has
    # any more (a deleted term) is shown as it is.
    names_of = names({*chosen, *(slug for hit in results.results for slug in hit.topics)})
    hits = [
        replace(hit, topic_labels=tuple((slug, names_of.get(slug, slug)) for slug in hit.topics))
        for hit in results.results
    ]
    return replace(results, results=hits), [(slug, names_of.get(slug, slug)) for slug in chosen]


def _grouped(results, facet_links) -> list[dict]:
    """This page's hits in one section per kind, the kinds in the order of their best hit.

    Ranking stays the engine's: each section keeps its hits in rank order, and
    the section whose best hit ranks highest comes first. Each section links
    to every hit of its kind.
    """
    see_all = {facet.kind: url for facet, url in facet_links}
    groups: dict[str, dict] = {}
    for hit in results.results:
        group = groups.setdefault(
            hit.kind,
            {
                "kind": hit.kind,
                "label": hit.kind_label,
                "total": results.kind_counts.get(hit.kind, 0),
                "total_label": results.kind_count_label(hit.kind),
                "see_all_url": see_all.get(hit.kind, ""),
                "hits": [],
            },
        )
        group["hits"].append(hit)
    return list(groups.values())


def search_page(request):
    query = request.GET.get("q", "")
    known_kinds = providers()
    kind = request.GET.get("kind", "")
    # An unknown kind is ignored, so an old or mistyped link still searches everything.
    kind = kind if kind in known_kinds else ""
    topics = [slug[:140] for slug in request.GET.getlist("topic")[:MAX_TOPICS] if slug.strip()]
    if topics and (renamed := moved(topics)):
        # A link shared before staff renamed a term: send it on to the term's current slug,
        # as /topics/<old slug>/ does, keeping the query, kind and page as they were.
        params = request.GET.copy()
        params.setlist("topic", [renamed.get(slug, slug) for slug in topics])
        return HttpResponsePermanentRedirect(f"{request.path}?{params.urlencode()}")

    results = search(
        query,
        user=request.user,
        kinds=[kind] if kind else None,
        topics=topics,
        page=request.GET.get("page") or 1,
        per_page=RESULTS_PER_PAGE,
    )
    results, chosen_topics = _with_topic_names(results, topics)
    shown_query = query[:MAX_QUERY_CHARS]
    base = _query_string(q=shown_query, kind=kind, topic=topics)
    facet_links = [
        (facet, "?" + _query_string(q=shown_query, kind=facet.kind, topic=topics)) for facet in results.facets
    ]
    return render(
        request,
        "search/search.html",
        {
            "search": results,
            "query": shown_query,
            "kind": kind,
            "kind_label": known_kinds[kind].label if kind else "",
            "topics": topics,
            "chosen_topics": chosen_topics,
            "max_query_chars": MAX_QUERY_CHARS,
            "ellipsis": Paginator.ELLIPSIS,
            "all_kinds_url": "?" + _query_string(q=shown_query, topic=topics),
            "clear_topics_url": "?" + _query_string(q=shown_query, kind=kind),
            "facet_links": facet_links,
            # Everything searched: results grouped by type. One kind chosen: a plain ranked list.
            # (Only when the hits span more than one kind: otherwise one heading would say nothing.)
            "groups": _grouped(results, facet_links)
            if not kind and sum(1 for count in results.kind_counts.values() if count) > 1
            else [],
            "page_url_prefix": f"?{base}&page=" if base else "?page=",
            # Crawlers may fetch results (robots.txt explains why); the canonical URL drops any
            # parameter the page ignores, so odd links fold into one address per result page.
            "canonical_url": request.build_absolute_uri(
                "?"
                + _query_string(
                    q=shown_query, kind=kind, topic=topics, page=results.page if results.page > 1 else ""
                )
            ),
        },
    )

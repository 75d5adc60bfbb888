"""Template context: whether the visitor may use the research pages, for the main navigation."""

from research import access


def research_nav(request):
    # The group names are already loaded for is_member, so this adds no query.
    return {"can_use_research": access.can_use_research(getattr(request, "user", None))}

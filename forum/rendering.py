"""Markdown to safe HTML, once, when a post is saved.

CommonMark via markdown-it-py with raw HTML off (so typed tags show as text),
bare URLs linkified, tables and strikethrough on; then nh3 keeps only the tags,
attributes and URL schemes listed here, whatever the renderer produced. Links
get rel="nofollow noopener". Images are dropped: they would load from other
hosts (the CSP blocks them anyway); attachments are the way to share a picture.
"""

import nh3
from django.utils.html import strip_tags
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "a", "em", "strong", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    # markdown-it marks fenced code with its language: class="language-python".
    "code": {"class"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": True}).enable(
    ["linkify", "table", "strikethrough"]
)


def render_markdown(text: str) -> str:
    """Sanitised HTML for a post body."""
    html = _markdown.render(text or "")
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        # Table-cell alignment (a style attribute) goes too: the CSP refuses inline style.
        link_rel=LINK_REL,
        strip_comments=True,
    )


def plain_text(html: str) -> str:
    """The words of rendered HTML, for the search index and excerpts."""
    return " ".join(strip_tags(html).split())

"""A topic page's posts and page links, rendered from Jinja2 templates (forum/jinja2/forum/).

The topic page is the forum's hottest page, and its posts are most of it. The
markup lives in ``forum/post.html`` and ``forum/page_links.html``, rendered by
the Jinja2 engine (config/jinja2_environment.py) rather than Django's: for twenty
posts Jinja2 costs about 1 ms of CPU more than joining strings did, Django's engine
about 3.5 ms, a third of the request (bench/README.md, "Readings behind the code",
forum). Jinja2 autoescapes as Django does; a post's
body is the HTML stored when it was written (already sanitised) and goes in as
it is, everything else is escaped.

Each post is rendered on its own into ``post.html``, so the page template
(forum/templates/forum/topic.html) can place the accepted answer after the
opening post. What the posts of a page share is built once (``PageContext``): the
viewer, their page-wide rights and the CSRF field of the page's forms; URLs are
reversed once per process by the environment's ``url()``.

Every per-viewer part (edit and history links, the helpful button's state,
moderation tools) comes from flags the view computed with forum.access for this
viewer; nothing is shared between viewers, and nothing is cached across
requests: a cached body would have to be invalidated by every redaction as well
as every edit, and a lookup would cost about what rendering does.
"""

from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.dates import MONTHS_3
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext

from forum import display
from forum.attachments import services as attachments

# The engine's NAME in settings.TEMPLATES.
ENGINE = "jinja2"


def page_links(page_number, page_count) -> SafeString:
    """The topic's page links (``<li>`` items), the current one unlinked."""
    template = get_template("forum/page_links.html", using=ENGINE)
    # Jinja2 escaped every value as it rendered (autoescape is always on: config/jinja2_environment.py).
    return SafeString(template.render({"page_number": page_number, "page_count": page_count}))


def _when(value):
    """A time as the template's date filters gave it: ISO 8601, and "Nov 5, 2026, 3:04 p.m."."""
    local = localtime(value)
    hour = local.hour % 12 or 12
    noon = gettext("p.m.") if local.hour >= 12 else gettext("a.m.")
    month = MONTHS_3[local.month].title()
    return local.isoformat(), f"{month} {local.day}, {local.year}, {hour}:{local.minute:02d} {noon}"


class PageContext:
    """What every post on one page shares: the viewer, the topic, the viewer's rights, the CSRF field."""

    def __init__(self, request, topic, *, can_quote, is_moderator):
        self.user_id = request.user.pk
        self.topic = topic
        self.can_quote = can_quote
        self.is_moderator = is_moderator
        self.csrf = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
        )


def render_posts(request, topic, posts, *, can_quote, is_moderator) -> None:
    """Set ``post.html`` on each post of the page (flags from the view: visible, can_edit, ...)."""
    page = PageContext(request, topic, can_quote=can_quote, is_moderator=is_moderator)
    attachments.for_posts([post for post in posts if post.visible])
    template = get_template("forum/post.html", using=ENGINE)
    # Rendered without the request: the backend would add a fresh CSRF field (a new mask of the
    # token) to each post's context; the page's one field is passed instead. Jinja2 copies the
    # dictionary for each render, so one serves every post.
    context = {"page": page, "csrf_input": page.csrf, "avatar": display.avatar, "when": _when}
    for post in posts:
        context["post"] = post
        post.html = SafeString(template.render(context))  # escaped by Jinja2, body_html as stored

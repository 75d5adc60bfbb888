"""A topic page's posts (and page links) as HTML, built in Python rather than by template loops.

The topic page is the forum's hottest page. Rendered through ``{% include %}``
with six to eight ``{% url %}`` tags and a ``{% csrf_token %}`` per post it
cost most of the page's CPU (see bench/README.md, "Readings behind the code",
forum). Here each
URL pattern is reversed once per page and formatted per post, the CSRF field
is built once, and the markup (the same the template produced) is joined from
escaped parts, which takes a fraction of that.

Every per-viewer part (edit and history links, the helpful button's state,
moderation tools) is decided here from flags the view computed with
forum.access for this viewer; nothing is shared between viewers. The post's
body is the HTML stored when it was written (already sanitised), inserted as
it is, so there is nothing worth caching across requests: a cache lookup would
cost more than joining the strings, and a cached body would have to be
invalidated by every redaction as well as every edit.
"""

from django.middleware.csrf import get_token
from django.template.defaultfilters import filesizeformat
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.dates import MONTHS_3
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext

from forum import attachments, display

# A number no real key reaches: reversed once, then replaced by each post's values.
_SLOT = 987654321


# Reversed patterns by script prefix and name: the URLconf does not change while a process runs.
_patterns: dict[tuple[str, str], str] = {}


class _Pattern:
    """One URL pattern reversed once per process; ``format(*values)`` fills its integer arguments."""

    def __init__(self, name, slots=1):
        key = (get_script_prefix(), name)
        parts = _patterns.get(key)
        if parts is None:
            parts = reverse(name, args=[_SLOT + i for i in range(slots)])
            for i in range(slots):
                parts = parts.replace(str(_SLOT + i), f"{{{i}}}")
            _patterns[key] = parts
        self.parts = parts

    def format(self, *values):
        return self.parts.format(*values)


def page_links(page_number, page_count) -> SafeString:
    """The topic's page links, the current one unlinked: a long topic has hundreds of pages, which as
    a template loop (an ``{% if %}`` and two numbers a page) cost more than all of its posts."""
    return SafeString(
        "\n".join(
            f'<li><span aria-current="page">{number}</span></li>'
            if number == page_number
            else f'<li><a href="?page={number}">{number}</a></li>'
            for number in range(1, page_count + 1)
        )
    )


def _when(value):
    """A time as the template's date filters gave it: ISO 8601, and "Nov 5, 2026, 3:04 p.m."."""
    local = localtime(value)
    hour = local.hour % 12 or 12
    noon = gettext("p.m.") if local.hour >= 12 else gettext("a.m.")
    month = MONTHS_3[local.month].title()
    return local.isoformat(), f"{month} {local.day}, {local.year}, {hour}:{local.minute:02d} {noon}"


class PageContext:
    """What every post on one page shares: the viewer, the topic, reversed patterns, the CSRF field."""

    def __init__(self, request, topic, *, can_quote, is_moderator):
        self.user_id = request.user.pk
        self.topic = topic
        self.can_quote = can_quote
        self.is_moderator = is_moderator
        self.csrf = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
        )
        self.profile = _Pattern("members:profile")
        self.post = _Pattern("forum:post", 2)
        self.history = _Pattern("forum:history")
        self.helpful = _Pattern("forum:helpful")
        self.quote = reverse("forum:reply", args=[topic.pk]) + "?quote="
        self.edit = _Pattern("forum:edit")
        self.report = _Pattern("forum:report")
        self.moderate = _Pattern("forum:moderate_post")
        self.accept = _Pattern("forum:accept")
        self.attachment = _Pattern("forum:attachment")
        self.attach = _Pattern("forum:attachments")
        self.redact = _Pattern("forum:redact")
        self.warn = _Pattern("forum:warn")
        self.approvals = reverse("forum:approvals")
        self.topic_tools = reverse("forum:topic_tools", args=[topic.pk])
        self.moderation_css = static("forum/moderation.css")


def render_posts(request, topic, posts, *, can_quote, is_moderator) -> None:
    """Set ``post.html`` on each post of the page (flags from the view: visible, can_edit, ...)."""
    page = PageContext(request, topic, can_quote=can_quote, is_moderator=is_moderator)
    attachments.for_posts([post for post in posts if post.visible])
    for post in posts:
        post.html = SafeString("".join(_post(page, post)))


def _post(page, post):
    topic = page.topic
    number = post.number
    accepted = post.pk == topic.accepted_post_id
    yield (
        f'<article class="forum-post{" forum-post-accepted" if accepted else ""}" id="post-{number}"'
        f' aria-labelledby="post-{number}-by">\n  <header class="forum-post-head">\n'
        f"    {display.avatar(post.author_name)}\n"
        f'    <h3 id="post-{number}-by" class="forum-post-author">'
    )
    name = escape(post.author_name)
    if post.author_id:
        yield f'<a href="{page.profile.format(post.author_id)}">{name}</a></h3>\n'
    else:
        yield f"{name}</h3>\n"
    iso, shown = _when(post.created_at)
    yield (
        f'    <a class="forum-post-link muted" href="{page.post.format(topic.pk, number)}">#{number}</a>\n'
        f'    <time class="muted" datetime="{iso}">{shown}</time>\n'
    )
    if post.edited_at:
        if post.can_edit:
            yield f'    <a class="muted" href="{page.history.format(post.pk)}">(edited: see history)</a>\n'
        else:
            yield '    <span class="muted">(edited)</span>\n'
    if accepted:
        yield '    <span class="forum-badge forum-badge-ok">Accepted answer</span>\n'
    yield "  </header>\n"
    if not post.visible:
        if post.is_deleted:
            yield '  <p class="muted">This post was deleted.</p>\n</article>\n'
        else:
            yield '  <p class="muted">This post is hidden while a moderator reviews it.</p>\n</article>\n'
        return
    if post.is_hidden:
        yield '  <p class="notice">Hidden from other members.</p>\n'
    if post.is_deleted:
        yield '  <p class="notice">Deleted (moderators see it).</p>\n'
    yield f'  <div class="forum-body">{post.body_html}</div>\n'
    yield from _extras(page, post)
    yield from _actions(page, post)
    yield "</article>\n"


def _extras(page, post):
    """What moderation adds under a post: approval notice, attachments, author's and moderators' tools."""
    mine = post.author_id == page.user_id
    if post.awaiting_approval:
        who = "you" if mine else "its author"
        queue = f' <a href="{page.approvals}#held-{post.pk}">Approval queue</a>' if page.is_moderator else ""
        yield (
            f'  <p class="notice">Waiting for a moderator\'s approval: until then only {who}'
            f" and the moderators can see it.{queue}</p>\n"
        )
    if post.attachment_list:
        yield (
            f'  <link rel="stylesheet" href="{page.moderation_css}">\n'
            '  <ul class="forum-attachments" aria-label="Attachments">\n'
        )
        for file in post.attachment_list:
            url = page.attachment.format(file.pk)
            if file.kind == "image":
                yield (
                    f'    <li><a href="{url}"><img src="{url}" alt="{escape(file.alt_text)}"'
                    f' width="{file.width or ""}" height="{file.height or ""}" loading="lazy"'
                    ' class="forum-attachment-image"></a></li>\n'
                )
            else:
                yield (
                    f'    <li><a href="{url}">{escape(file.display_name)}</a>'
                    f' <span class="muted">(PDF, {filesizeformat(file.size)})</span></li>\n'
                )
        yield "  </ul>\n"
    may_attach = post.can_edit and mine
    if may_attach or page.is_moderator:
        yield '  <p class="forum-post-tools">\n'
        if may_attach:
            yield f'    <a href="{page.attach.format(post.pk)}">Attach a file</a>\n'
        if page.is_moderator:
            yield f'    <a href="{page.redact.format(post.pk)}">Redact</a>\n'
            if post.author_id and not mine:
                yield f'    <a href="{page.warn.format(post.author_id)}?post={post.pk}">Warn the author</a>\n'
            if post.is_opening_post:
                yield f'    <a href="{page.topic_tools}">Move, merge, split or restore</a>\n'
        yield "  </p>\n"


def _actions(page, post):
    topic = page.topic
    yield (
        f'  <footer class="forum-post-actions">\n    <span>{post.helpful_count} found this helpful</span>\n'
    )
    if post.can_helpful:
        action = page.helpful.format(post.pk)
        yield f'    <form method="post" action="{action}" class="inline-form">{page.csrf}'
        if post.marked_helpful:
            yield (
                '<input type="hidden" name="undo" value="1">'
                '<button type="submit" class="button-secondary">Undo helpful</button></form>\n'
            )
        else:
            yield '<button type="submit" class="button-secondary">Helpful</button></form>\n'
    if page.can_quote:
        yield f'    <a href="{page.quote}{post.number}">Quote</a>\n'
    if post.can_edit:
        yield f'    <a href="{page.edit.format(post.pk)}">Edit</a>\n'
    if post.author_id != page.user_id:
        yield f'    <a href="{page.report.format(post.pk)}">Report</a>\n'
    if page.is_moderator and not post.is_opening_post:
        hide = "unhide" if post.is_hidden else "hide"
        delete = "restore" if post.is_deleted else "delete"
        action = page.moderate.format(post.pk)
        yield (
            f'    <form method="post" action="{action}" class="inline-form">{page.csrf}'
            f'<button name="action" value="{hide}" class="button-secondary">{hide.capitalize()}</button>'
            f'<button name="action" value="{delete}" class="button-secondary">{delete.capitalize()}</button>'
            "</form>\n"
        )
    if post.can_accept and not topic.accepted_post_id:
        yield (
            f'    <form method="post" action="{page.accept.format(post.pk)}" class="inline-form">{page.csrf}'
            '<button type="submit">Accept as the answer</button></form>\n'
        )
    yield "  </footer>\n"

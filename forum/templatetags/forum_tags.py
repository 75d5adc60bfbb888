"""Tags for the forum menu: the member's unread notification count, whether they moderate, how many
posts wait for their approval, and links."""

from django import template

from config.jinja2_environment import url
from config.prepared import PreparedQuery
from forum import display
from forum.access import is_moderator
from forum.moderation.services import waiting_for_approval
from forum.querysets import unread_notifications

register = template.Library()


# Every forum page shows the count: its SQL is compiled once (see PreparedQuery), the count is fresh.
_UNREAD = PreparedQuery(lambda user: unread_notifications(user).values_list("count"), "user")


def unread_count_of(user) -> int:
    rows = _UNREAD.rows(user=user)
    return rows[0][0] if rows else 0


@register.simple_tag(takes_context=True)
def forum_unread_notifications(context):
    count = context.get("forum_unread_count")
    if count is not None:
        # The topic page's view loaded it with the topic; elsewhere forum.context_processors'
        # count, which the site header may already have read.
        return count() if callable(count) else count
    user = context["request"].user
    return unread_count_of(user) if user.is_authenticated else 0


@register.simple_tag(takes_context=True)
def forum_moderator(context):
    return is_moderator(context["request"].user)


@register.simple_tag(takes_context=True)
def forum_approvals_waiting(context):
    """Posts waiting for a moderator, for the Approvals link; one count query, moderators only."""
    user = context["request"].user
    return waiting_for_approval(user) if is_moderator(user) else 0


@register.simple_tag
def forum_url(name, *args):
    """``{% url %}`` for the forum's pages, reversed once per process (the Jinja2 templates' ``url``).

    A forum page links to twenty-odd of them; each ``{% url %}`` resolves the name
    again. Only whole-number arguments (keys) are filled into a kept pattern;
    anything else is reversed as ``{% url %}`` would.
    """
    return url(name, *args)


@register.simple_tag
def when(value, css_class=""):
    """``{% when topic.last_post_at %}``: "3 hours ago", the exact time in its title and in hidden text."""
    return display.time_html(value, css_class)


@register.simple_tag
def avatar(name):
    """``{% avatar topic.author_name %}``: the member's initials in a coloured circle."""
    return display.avatar(name)

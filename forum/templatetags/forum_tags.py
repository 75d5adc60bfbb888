"""Tags for the forum menu: the member's unread notification count, and whether they moderate."""

from django import template

from forum.access import is_moderator
from forum.notifications import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def forum_unread_notifications(context):
    user = context["request"].user
    return unread_count(user) if user.is_authenticated else 0


@register.simple_tag(takes_context=True)
def forum_moderator(context):
    return is_moderator(context["request"].user)

"""{% forum_unread_notifications %}: the member's unread notification count, for the forum menu."""

from django import template

from forum.notifications import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def forum_unread_notifications(context):
    user = context["request"].user
    return unread_count(user) if user.is_authenticated else 0

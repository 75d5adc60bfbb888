"""Tags for the forum menu: the member's unread notification count, and whether they moderate."""

from django import template
from django.db.models import Count

from forum.access import is_moderator
from forum.models import Notification
from forum.querysets import PreparedQuery

register = template.Library()


def _unread(user):
    # forum.notifications.unread_count's query, as a row (none when nothing is unread).
    unread = Notification.objects.filter(user_id=user.pk, read_at__isnull=True).order_by()
    return unread.values("user_id").annotate(count=Count("pk")).values_list("count")


# Every forum page shows the count: its SQL is compiled once (see PreparedQuery), the count is fresh.
_UNREAD = PreparedQuery(_unread, "user")


@register.simple_tag(takes_context=True)
def forum_unread_notifications(context):
    user = context["request"].user
    if not user.is_authenticated:
        return 0
    rows = _UNREAD.rows(user=user)
    return rows[0][0] if rows else 0


@register.simple_tag(takes_context=True)
def forum_moderator(context):
    return is_moderator(context["request"].user)

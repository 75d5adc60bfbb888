"""Template context: the member's unread forum notification count, for the site's main header."""

from members import access as members_access


class UnreadCount:
    """The count, read at most once per request and only if a template shows it.

    Templates call it (``{{ forum_unread_count }}``), so a page that never shows the
    header costs no query, and the header and the forum menu share one. A view that
    already loaded the count (the topic page) puts a plain number under the same
    name, which templates see instead of this.
    """

    def __init__(self, user):
        self.user = user
        self._value = None

    def __call__(self) -> int:
        if self._value is None:
            # Imported here: forum.templatetags loads the compiled query once Django is ready.
            from forum.templatetags.forum_tags import unread_count_of

            self._value = unread_count_of(self.user)
        return self._value


def notifications(request):
    user = getattr(request, "user", None)
    # Only members reach the forum; a pending applicant or a member still setting up their
    # second factor has nothing to read there, so the header shows them no count. The group
    # names are already loaded for the navigation, so deciding this adds no query.
    if not members_access.is_member(user) or members_access.needs_mfa(user):
        return {}
    return {"forum_unread_count": UnreadCount(user)}

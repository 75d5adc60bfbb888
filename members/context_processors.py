"""Template context: what the navigation needs to know about the visitor."""

from members import access


def membership(request):
    user = getattr(request, "user", None)
    return {
        # A member without a second factor is sent to set one up from every
        # members-only page, so the navigation does not offer those pages yet.
        "is_member": access.is_member(user) and not access.needs_mfa(user),
        "is_pending": access.is_pending(user),
    }

"""Template context: what the navigation needs to know about the visitor."""

from members import access


def membership(request):
    user = getattr(request, "user", None)
    return {
        "is_member": access.is_member(user),
        "is_pending": access.is_pending(user),
    }

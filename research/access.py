"""Who may use the research pages: researchers and TTA staff who are approved members."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from members import access
from members.roles import RESEARCHER, TTA_STAFF


def can_use_research(user):
    return access.is_member(user) and (access.in_group(user, RESEARCHER) or access.in_group(user, TTA_STAFF))


def researchers_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if access.is_pending(request.user):
            return redirect("members:pending")
        if not can_use_research(request.user):
            raise PermissionDenied("The research pages are for researchers and TTA staff.")
        return view(request, *args, **kwargs)

    return wrapper

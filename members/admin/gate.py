"""Who gets past the membership screens' door, and what everyone else sees.

The rule itself is members.access.can_review_applications; this module
applies it to URLs, menu items and Wagtail's permission policies.
"""

from functools import wraps

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.response import TemplateResponse
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.utils.urlpatterns import decorate_urlpatterns

from members import access
from members.roles import MEMBERSHIP_ADMIN


def forbidden(request, message="Only membership administrators can use this screen."):
    return TemplateResponse(
        request,
        "members/admin/forbidden.html",
        {
            "message": message,
            "page_title": "Permission denied",
            "header_title": "Permission denied",
            "header_icon": "warning",
            "breadcrumbs_items": [],
        },
        status=403,
    )


def membership_admin_required(view):
    """Decorator: a real 403 for anyone else in the admin, before any object is looked up.

    Wagtail's own handling turns PermissionDenied into a redirect to the admin
    dashboard; a 403 says plainly that the screen exists but is not theirs,
    and runs before the view can reveal (by a 404) whether an id exists.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not access.can_review_applications(request.user):
            return forbidden(request)
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as denied:
            return forbidden(request, str(denied) or "You cannot do that here.")

    return wrapper


class MembershipMenuItem(MenuItem):
    def is_shown(self, request):
        return access.can_review_applications(request.user)


class MembershipAdminPolicy(BasePermissionPolicy):
    """A Wagtail permission policy for models only membership administrators manage.

    ``actions`` lists what they may do (never "delete" for task forces: a task
    force is retired by unticking "active", so members keep their history).
    """

    def __init__(self, model, actions):
        super().__init__(model)
        self.actions = frozenset(actions)

    def user_has_permission(self, user, action):
        return action in self.actions and access.can_review_applications(user)

    def user_has_any_permission(self, user, actions):
        return bool(self.actions.intersection(actions)) and access.can_review_applications(user)

    def users_with_any_permission(self, actions):
        User = get_user_model()
        if not self.actions.intersection(actions):
            return User.objects.none()
        return User.objects.filter(
            Q(is_superuser=True) | Q(groups__name=MEMBERSHIP_ADMIN),
            is_active=True,
            status=User.Status.APPROVED,
        ).distinct()


def gated(urlpatterns):
    """Put every URL of a membership ViewSet behind membership_admin_required."""
    return decorate_urlpatterns(urlpatterns, membership_admin_required)

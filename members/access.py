"""Who may see or do what in members: the one place these rules live.

Every view, search scope, feed and email in this app asks here. Other apps ask
``is_member`` before showing members-only content.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from members.roles import MEMBER, MEMBERSHIP_ADMIN


def _group_names(user):
    # One query per request; request.user is reused across checks.
    cached = getattr(user, "_group_names_cache", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True)) if user.pk else frozenset()
        user._group_names_cache = cached
    return cached


def group_names(user) -> frozenset:
    """The names of the groups this user is in, read once per request."""
    return _group_names(user)


def remember(user, *, group_names: frozenset, has_mfa: bool) -> None:
    """Record what was loaded with the account (members.backends), so this request's checks
    need no query of their own. Both are per-request: a new request reloads the user."""
    user._group_names_cache = frozenset(group_names)
    user._has_mfa_cache = bool(has_mfa)


def in_group(user, name):
    return bool(user and user.is_authenticated and (user.is_superuser or name in _group_names(user)))


def is_approved(user):
    return bool(user and user.is_authenticated and user.is_active and user.status == "approved")


def is_pending(user):
    return bool(user and user.is_authenticated and user.status == "pending")


def is_member(user):
    """An approved, active account in the Member group: may see members-only content."""
    return is_approved(user) and (user.is_superuser or MEMBER in _group_names(user))


def has_mfa(user):
    if not (user and user.is_authenticated):
        return False
    cached = getattr(user, "_has_mfa_cache", None)
    if cached is None:
        from allauth.mfa.models import Authenticator

        cached = Authenticator.objects.filter(
            user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).exists()
        user._has_mfa_cache = cached
    return cached


def passed_second_factor(request):
    """Whether this session itself got past a second factor, whatever signed it in.

    allauth writes a record for each step of a log-in into the session ("password",
    then "mfa" once a code or security key was accepted); an account that merely has
    an authenticator says nothing about how this session was opened.
    """
    from allauth.account.authentication import get_authentication_records

    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def needs_mfa(user):
    """Anyone who may reach members-only content or the admin must have a second factor."""
    return bool(
        user and user.is_authenticated and (is_member(user) or user.is_staff or user.is_superuser)
    ) and not has_mfa(user)


def can_review_applications(user):
    return bool(is_approved(user) and (user.is_superuser or MEMBERSHIP_ADMIN in _group_names(user)))


def can_view_profile(viewer, profile_user):
    return is_member(viewer) and profile_user.is_active and profile_user.status == "approved"


def can_edit_profile(viewer, profile_user):
    return is_member(viewer) and viewer.pk == profile_user.pk


def requires(allowed, denied_message):
    """Decorator factory: anonymous users go to log-in, pending users to the review page,
    signed-in users for whom ``allowed(user)`` is false get a 403 with ``denied_message``.

    Every app's page gates are built from this, so the three outcomes stay the same everywhere.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if is_pending(user):
                return redirect("members:pending")
            if not allowed(user):
                raise PermissionDenied(denied_message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


members_only = requires(is_member, "Only approved members can see this page.")

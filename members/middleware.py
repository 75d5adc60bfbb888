"""Session timeouts and the membership gate (MFA required, pending users kept out)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import LazyObject

from members import access, audit
from members.models import AuditEvent

SESSION_STARTED = "tfc_session_started"
LAST_ACTIVITY = "tfc_last_activity"
ACTIVITY_PRECISION_SECONDS = 60

# Requests the browser makes by itself; they must not keep an idle session alive.
BACKGROUND_PATH_PREFIXES = ("/admin/editing-sessions/", "/healthz")
BACKGROUND_HEADERS = ("HTTP_X_BACKGROUND_REQUEST",)


def _is_background(request):
    return request.path_info.startswith(BACKGROUND_PATH_PREFIXES) or any(
        h in request.META for h in BACKGROUND_HEADERS
    )


def _loaded(request):
    """The user behind AuthenticationMiddleware's lazy ``request.user``, loaded now.

    Every page reads the user at once anyway (this middleware, the membership
    gate). Through the lazy stand-in each attribute read is a proxied call, and a
    forum topic page makes hundreds (every access check asks whether the reader
    is a member): handing views the user itself saves that. ``auth.get_user`` is
    what the stand-in calls when first read (session hash check included), and
    nothing before this middleware reads the user (config.settings.MIDDLEWARE),
    so the user is still loaded once a request.
    """
    user = request.user
    if isinstance(user, LazyObject):
        return auth.get_user(request)
    return user


class SessionTimeoutMiddleware:
    """Sign a session out after SESSION_IDLE_TIMEOUT without activity, or SESSION_ABSOLUTE_TIMEOUT after
    it began, whichever comes first (settings: 30 minutes and 12 hours; the messages name those figures)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user = user = _loaded(request)
        if user.is_authenticated:
            now = timezone.now().timestamp()
            started = request.session.get(SESSION_STARTED)
            last = request.session.get(LAST_ACTIVITY)
            if started is None:
                request.session[SESSION_STARTED] = started = now
                request.session[LAST_ACTIVITY] = last = now
            idle = now - (last or now) > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            too_old = now - started > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if idle or too_old:
                reason = "idle" if idle else "absolute"
                audit.record(
                    AuditEvent.Action.SESSION_EXPIRED,
                    subject=user,
                    actor=user,
                    request=request,
                    reason=reason,
                )
                logout(request)
                messages.info(
                    request,
                    "You were signed out after 30 minutes without activity."
                    if idle
                    else "You were signed out because sessions end after 12 hours.",
                )
                return redirect(f"{reverse('account_login')}?next={request.get_full_path()}")
            # Writing the session on every request would make each page view a
            # database write; ACTIVITY_PRECISION_SECONDS is plenty for an idle limit of many minutes.
            if not _is_background(request) and now - last >= ACTIVITY_PRECISION_SECONDS:
                request.session[LAST_ACTIVITY] = now
        return self.get_response(request)


# Paths a signed-in person may reach before MFA is set up or while pending.
OPEN_PREFIXES = (
    "/accounts/",
    "/static/",
    "/healthz",
    "/report/",
    "/members/pending/",
    "/favicon.ico",
)


# Wagtail's own log-in and reset URLs only redirect to allauth (config/urls.py).
ADMIN_LOGIN_PATHS = ("/admin/login/", "/admin/password_reset/")


# Requests that read nothing of the account: a session is not ended over them.
UNGATED_PREFIXES = ("/static/", "/healthz", "/favicon.ico")


def _end_session_without_second_factor(request):
    """Sign out a session that was opened without the second factor its account has.

    Only allauth's log-in asks for the code, and it records that in the session;
    a session without that record came in some other way (a log-in view of
    Django's or Wagtail's, or any future one). Ending it and asking for a proper
    sign-in is what allauth supports: its re-authentication step assumes the
    session was opened by its own log-in.
    """
    user = request.user
    audit.record(
        AuditEvent.Action.SESSION_EXPIRED,
        subject=user,
        actor=user,
        request=request,
        reason="no_second_factor",
    )
    logout(request)
    messages.warning(request, "Sign in again with your second factor to continue.")
    return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")


class MembershipGateMiddleware:
    """Send signed-in members without a second factor to set one up; keep pending users out of the admin.

    An account with a second factor must have used it in this very session: anywhere
    on the site, /accounts/ included (where the factors themselves are managed).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        path = request.path_info
        if (
            user.is_authenticated
            and not path.startswith(UNGATED_PREFIXES)
            and access.has_mfa(user)
            and not access.passed_second_factor(request)
        ):
            return _end_session_without_second_factor(request)
        if user.is_authenticated and not path.startswith(OPEN_PREFIXES):
            if access.needs_mfa(user):
                messages.warning(
                    request,
                    "Set up a second factor (an authenticator app or a security key) before you continue.",
                )
                return redirect(f"{reverse('mfa_index')}?next={request.get_full_path()}")
            if path.startswith("/admin/") and not path.startswith(ADMIN_LOGIN_PATHS):
                if not access.is_approved(user):
                    return redirect("members:pending" if access.is_pending(user) else "/")
                if not user.has_perm("wagtailadmin.access_admin"):
                    # Wagtail would send a signed-in member to its login page,
                    # which sends them straight back: say no plainly instead.
                    raise PermissionDenied(
                        "The admin is for staff: editors, reviewers, moderators and administrators."
                    )
        return self.get_response(request)

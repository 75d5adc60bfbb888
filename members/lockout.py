"""Lockout after repeated failed log-ins, kept in the database so it survives cache loss and is audited."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from members import access, audit
from members.models import AccountLock, AuditEvent, LoginFailure, User


def normalise(email):
    return (email or "").strip().lower()[:254]


def active_lock(email):
    return (
        AccountLock.objects.filter(
            email=normalise(email), released_at__isnull=True, locked_until__gt=timezone.now()
        )
        .order_by("-locked_at")
        .first()
    )


def is_locked(email):
    return active_lock(email) is not None


def record_failure(email, request=None):
    """Count a failure; lock the address when the threshold is reached in the window."""
    email = normalise(email)
    if not email:
        return None
    now = timezone.now()
    user = User.objects.filter(email=email).first()
    with transaction.atomic():
        LoginFailure.objects.create(email=email, ip_address=audit.client_ip(request), created_at=now)
        audit.record(AuditEvent.Action.LOGIN_FAILED, subject=user, email=email, request=request, actor=None)
        if is_locked(email):
            return None
        since = max(now - settings.LOCKOUT_WINDOW, _last_release(email) or now - settings.LOCKOUT_WINDOW)
        recent = LoginFailure.objects.filter(email=email, created_at__gt=since).count()
        if recent < settings.LOCKOUT_THRESHOLD:
            return None
        lock = AccountLock.objects.create(
            email=email, user=user, locked_at=now, locked_until=now + settings.LOCKOUT_COOL_OFF
        )
        audit.record(
            AuditEvent.Action.LOCKED,
            subject=user,
            email=email,
            request=request,
            actor=None,
            failures=recent,
            until=lock.locked_until.isoformat(),
        )
        return lock


def _last_release(email):
    last = (
        AccountLock.objects.filter(email=email)
        .exclude(released_at__isnull=True)
        .order_by("-released_at")
        .values_list("released_at", flat=True)
        .first()
    )
    return last


def release(lock, by, request=None):
    """A membership administrator ends a lock early; failures before it no longer count.

    Releasing a lock someone else has just released changes nothing and is not audited again.
    """
    if not access.can_review_applications(by):
        raise PermissionDenied("Only membership administrators can release locked accounts.")
    now = timezone.now()
    with transaction.atomic():
        # A conditional update, so two admins pressing Release at once audit it once.
        released = AccountLock.objects.filter(pk=lock.pk, released_at__isnull=True).update(
            released_at=now, released_by=by
        )
        if released:
            audit.record(
                AuditEvent.Action.RELEASED, subject=lock.user, email=lock.email, actor=by, request=request
            )
    lock.refresh_from_db(fields=["released_at", "released_by"])
    if request is not None:
        _clear_rate_limits(lock, request)
    return lock


def _clear_rate_limits(lock, request):
    """Forget allauth's per-key counts of failures for the address and its account.

    Released means released: without this, allauth's cache-based limit on failed
    log-ins (per address at the password, per account at the code step) would keep
    refusing for up to its window after an administrator let the person in again.
    """
    from allauth.account.adapter import get_adapter
    from allauth.core import ratelimit

    keys = [get_adapter(request)._get_login_attempts_cache_key(request, email=lock.email)]
    if lock.user_id:
        keys.append(f"mfa-auth-user-{lock.user_id}")  # allauth.mfa.base.internal.flows.check_rate_limit
    for key in keys:
        ratelimit.clear(request, action="login_failed", key=key)

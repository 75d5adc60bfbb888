"""Writing to the audit log: one function, used for every account event."""

from members.models import AuditEvent


def client_ip(request):
    if request is None:
        return None
    # Behind the proxy, REMOTE_ADDR is the proxy; the proxy sets X-Forwarded-For.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    ip = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return ip or None


def record(action, *, subject=None, actor=None, request=None, email="", **detail):
    user = getattr(request, "user", None) if actor is None else None
    if user is not None and user.is_authenticated:
        actor = user
    return AuditEvent.objects.create(
        action=action,
        subject=subject if subject is not None and subject.pk else None,
        subject_email=(subject.email if subject is not None else email)[:254],
        actor=actor,
        detail=detail,
        ip_address=client_ip(request),
    )

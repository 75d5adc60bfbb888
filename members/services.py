"""Actions that change members' state: one function per action, with its check and its transaction."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from members import access, audit
from members.models import AuditEvent, User
from members.roles import MEMBER


def _email_applicant(applicant, template, **context):
    context = {"user": applicant, "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"members/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"members/email/{template}.txt", context)
    # Sent after commit so a rolled-back decision never emails anyone.
    transaction.on_commit(lambda: send_mail(f"[Task Force Commons] {subject}", body, None, [applicant.email]))


def approve_applicant(applicant: User, *, groups, by: User, request=None) -> User:
    """Approve a pending applicant into the chosen groups (always including Member)."""
    if not access.can_review_applications(by):
        raise PermissionDenied("Only membership administrators can approve applicants.")
    names = set(groups) | {MEMBER}
    chosen = list(Group.objects.filter(name__in=names))
    if len(chosen) != len(names):
        raise ValidationError("Unknown group in approval.")
    with transaction.atomic():
        applicant = User.objects.select_for_update().get(pk=applicant.pk)
        if applicant.status != User.Status.PENDING:
            raise ValidationError(
                f"{applicant.email} is not pending (now {applicant.get_status_display().lower()})."
            )
        applicant.status = User.Status.APPROVED
        applicant.decided_at = timezone.now()
        applicant.decided_by = by
        applicant.rejection_reason = ""
        applicant.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
        applicant._changed_by = by
        applicant.groups.add(*chosen)
        audit.record(
            AuditEvent.Action.APPROVED, subject=applicant, actor=by, request=request, groups=sorted(names)
        )
        _email_applicant(applicant, "approved", groups=sorted(names))
    return applicant


def reject_applicant(applicant: User, *, reason: str, by: User, request=None) -> User:
    if not access.can_review_applications(by):
        raise PermissionDenied("Only membership administrators can reject applicants.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give a reason for the rejection; the applicant is told it.")
    with transaction.atomic():
        applicant = User.objects.select_for_update().get(pk=applicant.pk)
        if applicant.status != User.Status.PENDING:
            raise ValidationError(
                f"{applicant.email} is not pending (now {applicant.get_status_display().lower()})."
            )
        applicant.status = User.Status.REJECTED
        applicant.decided_at = timezone.now()
        applicant.decided_by = by
        applicant.rejection_reason = reason[:2000]
        applicant.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
        audit.record(
            AuditEvent.Action.REJECTED, subject=applicant, actor=by, request=request, reason=reason[:2000]
        )
        _email_applicant(applicant, "rejected", reason=reason)
    return applicant


def set_coordinator(member: User, *, is_coordinator: bool, by: User, request=None) -> User:
    if not access.can_review_applications(by):
        raise PermissionDenied("Only membership administrators can designate coordinators.")
    if is_coordinator and not member.task_force_id:
        raise ValidationError("A coordinator must belong to a task force.")
    with transaction.atomic():
        User.objects.filter(pk=member.pk).update(is_coordinator=is_coordinator)
        member.is_coordinator = is_coordinator
        audit.record(
            AuditEvent.Action.COORDINATOR_CHANGED,
            subject=member,
            actor=by,
            request=request,
            is_coordinator=is_coordinator,
            task_force=member.task_force_label,
        )
    return member


def deactivate_inactive_accounts(now=None) -> int:
    """Disable accounts with no log-in for INACTIVE_ACCOUNT_DAYS (never-used ones count from sign-up)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.INACTIVE_ACCOUNT_DAYS)
    stale = User.objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )
    count = 0
    for user in stale.iterator():
        with transaction.atomic():
            updated = User.objects.filter(pk=user.pk, is_active=True).update(
                is_active=False, deactivated_at=now
            )
            if updated:
                audit.record(
                    AuditEvent.Action.DEACTIVATED,
                    subject=user,
                    reason=f"no log-in for {settings.INACTIVE_ACCOUNT_DAYS} days",
                    last_login=user.last_login.isoformat() if user.last_login else None,
                )
                count += 1
    return count


def reactivate_account(user: User, *, by: User, request=None) -> User:
    if not access.can_review_applications(by):
        raise PermissionDenied("Only membership administrators can reactivate accounts.")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=True, deactivated_at=None, last_login=timezone.now())
        audit.record(AuditEvent.Action.REACTIVATED, subject=user, actor=by, request=request)
    user.refresh_from_db()
    return user

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
from members.roles import ADMIN_GROUPS, MEMBER

REASON_MAX_LENGTH = 2000


def _staff_flag(user, groups):
    # is_staff follows the admin groups (as in the role fixtures), so
    # access.needs_mfa demands a second factor of anyone who can reach /admin/.
    return user.is_superuser or any(group.name in ADMIN_GROUPS for group in groups)


def _email_applicant(applicant, template, **context):
    context = {"user": applicant, "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"members/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"members/email/{template}.txt", context)
    # Sent after commit so a rolled-back decision never emails anyone. Robust:
    # a mail server failure is logged, it must not turn a recorded decision
    # into an error page that invites the admin to decide again.
    transaction.on_commit(
        lambda: send_mail(f"[Task Force Commons] {subject}", body, None, [applicant.email]), robust=True
    )


def approve_applicant(applicant: User, *, groups, by: User, task_force=None, request=None) -> User:
    """Approve a pending applicant into the chosen groups (always including Member).

    Every member belongs to one task force: an applicant who chose "Other" gets
    the one the admin picks (``task_force``), and cannot be approved without it.
    """
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
        if task_force is not None:
            if not task_force.is_active:
                raise ValidationError(f"{task_force.name} is retired; choose an active task force.")
            applicant.task_force = task_force
        if applicant.task_force_id is None:
            raise ValidationError(
                f"{applicant.email} named a task force that is not on the list "
                f"(“{applicant.other_task_force_name}”): open their application and choose their "
                "task force, adding it under Task forces first if it is new."
            )
        applicant.status = User.Status.APPROVED
        applicant.decided_at = timezone.now()
        applicant.decided_by = by
        applicant.rejection_reason = ""
        applicant.is_staff = _staff_flag(applicant, chosen)
        applicant.save(
            update_fields=["status", "decided_at", "decided_by", "rejection_reason", "is_staff", "task_force"]
        )
        applicant._changed_by = by
        applicant.groups.add(*chosen)
        audit.record(
            AuditEvent.Action.APPROVED,
            subject=applicant,
            actor=by,
            request=request,
            groups=sorted(names),
            task_force=applicant.task_force.name if applicant.task_force else "",
        )
        _email_applicant(applicant, "approved", groups=sorted(names))
    return applicant


def reject_applicant(applicant: User, *, reason: str, by: User, request=None) -> User:
    if not access.can_review_applications(by):
        raise PermissionDenied("Only membership administrators can reject applicants.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give a reason for the rejection; the applicant is told it.")
    # The applicant is emailed exactly what is recorded.
    reason = reason[:REASON_MAX_LENGTH]
    with transaction.atomic():
        applicant = User.objects.select_for_update().get(pk=applicant.pk)
        if applicant.status != User.Status.PENDING:
            raise ValidationError(
                f"{applicant.email} is not pending (now {applicant.get_status_display().lower()})."
            )
        applicant.status = User.Status.REJECTED
        # A rejected applicant can no longer sign in; allauth shows them the
        # "account inactive" page instead of a second-factor prompt.
        applicant.is_active = False
        applicant.decided_at = timezone.now()
        applicant.decided_by = by
        applicant.rejection_reason = reason
        applicant.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
        audit.record(AuditEvent.Action.REJECTED, subject=applicant, actor=by, request=request, reason=reason)
        _email_applicant(applicant, "rejected", reason=reason)
    return applicant


def set_coordinator(member: User, *, is_coordinator: bool, by: User, request=None) -> User:
    """Designate or undesignate a member as their task force's coordinator; no-ops are not audited."""
    if not access.can_review_applications(by):
        raise PermissionDenied("Only membership administrators can designate coordinators.")
    with transaction.atomic():
        # Re-read under a row lock: the caller's copy may be stale.
        # of=("self",): PostgreSQL cannot lock the nullable side of the task force join.
        current = User.objects.select_for_update(of=("self",)).select_related("task_force").get(pk=member.pk)
        if is_coordinator and current.status != User.Status.APPROVED:
            raise ValidationError(f"{current.email} is not an approved member.")
        if is_coordinator and not current.task_force_id:
            raise ValidationError("A coordinator must belong to a task force.")
        if current.is_coordinator != is_coordinator:
            User.objects.filter(pk=current.pk).update(is_coordinator=is_coordinator)
            current.is_coordinator = is_coordinator
            audit.record(
                AuditEvent.Action.COORDINATOR_CHANGED,
                subject=current,
                actor=by,
                request=request,
                is_coordinator=is_coordinator,
                task_force=current.task_force_label,
            )
    member.is_coordinator = current.is_coordinator
    return member


def set_groups(member: User, *, groups, by: User, request=None) -> User:
    """Replace an approved member's groups; each addition and removal is audited by audit_signals."""
    if not access.can_review_applications(by):
        raise PermissionDenied("Only membership administrators can change a member's groups.")
    chosen = list(groups)
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=member.pk)
        if current.status != User.Status.APPROVED:
            raise ValidationError(f"{current.email} is not an approved member.")
        # audit_signals reads the actor from the instance whose groups change.
        current._changed_by = by
        current.groups.set(chosen)
        staff = _staff_flag(current, chosen)
        if staff != current.is_staff:
            User.objects.filter(pk=current.pk).update(is_staff=staff)
            current.is_staff = staff
    return current


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
    """Re-enable an account the inactivity job (or anyone) disabled; an active account is left alone."""
    if not access.can_review_applications(by):
        raise PermissionDenied("Only membership administrators can reactivate accounts.")
    with transaction.atomic():
        # last_login restarts the inactivity clock, or the next run would disable it again.
        updated = User.objects.filter(pk=user.pk, is_active=False).update(
            is_active=True, deactivated_at=None, last_login=timezone.now()
        )
        if not updated:
            raise ValidationError(f"{user.email} is already active.")
        audit.record(AuditEvent.Action.REACTIVATED, subject=user, actor=by, request=request)
    user.refresh_from_db()
    return user

"""Signal handlers that write account events to the audit log."""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from members import audit, lockout
from members.models import AuditEvent

User = get_user_model()


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit.record(AuditEvent.Action.LOGIN, subject=user, actor=user, request=request)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditEvent.Action.LOGOUT, subject=user, actor=user, request=request)


@receiver(account_signals.user_signed_up)
def on_signed_up(sender, request, user, **kwargs):
    audit.record(AuditEvent.Action.SIGNED_UP, subject=user, actor=user, request=request)


@receiver(account_signals.password_changed)
@receiver(account_signals.password_reset)
def on_password_changed(sender, request, user, **kwargs):
    audit.record(AuditEvent.Action.PASSWORD_CHANGED, subject=user, actor=user, request=request)


@receiver(account_signals.email_changed)
def on_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    audit.record(
        AuditEvent.Action.EMAIL_CHANGED,
        subject=user,
        actor=user,
        request=request,
        old=getattr(from_email_address, "email", ""),
        new=getattr(to_email_address, "email", ""),
    )


@receiver(mfa_signals.authenticator_added)
def on_mfa_added(sender, request, user, authenticator, **kwargs):
    audit.record(
        AuditEvent.Action.MFA_ADDED, subject=user, actor=user, request=request, type=authenticator.type
    )


@receiver(mfa_signals.authenticator_removed)
def on_mfa_removed(sender, request, user, authenticator, **kwargs):
    audit.record(
        AuditEvent.Action.MFA_REMOVED, subject=user, actor=user, request=request, type=authenticator.type
    )


@receiver(mfa_signals.authentication_failed)
def on_mfa_failed(sender, request, user, **kwargs):
    # A wrong second factor is a failed log-in and counts towards lockout.
    lockout.record_failure(user.email, request=request)


@receiver(m2m_changed, sender=User.groups.through)
def on_groups_changed(sender, instance, action, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"} or not isinstance(instance, User):
        return
    if action != "post_clear" and not pk_set:
        # Adding groups someone already has (re-seeding, a form saved unchanged)
        # changes nothing, and an event saying so would only bury real changes.
        return
    from django.contrib.auth.models import Group

    names = sorted(Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True))
    audit.record(
        AuditEvent.Action.ROLE_CHANGED,
        subject=instance,
        actor=getattr(instance, "_changed_by", None),
        change=action.removeprefix("post_"),
        groups=names,
    )

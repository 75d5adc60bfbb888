"""Signal handlers that write account events to the audit log."""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import m2m_changed, post_save
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


@receiver(post_save, sender=Authenticator)
def on_authenticator_created(sender, instance, created, **kwargs):
    """Enrolling a factor proves it in this session: record that as allauth records a used factor.

    allauth accepts an authenticator app only with a code from it, and a security
    key only with its signature, so the session that enrolled it has just used it.
    Without this record the membership gate (which asks that the session itself
    passed a second factor) would sign out everyone right after they enrolled.
    Done on the save, in the request (allauth's context), not in allauth's
    ``authenticator_added`` signal: that one waits for the commit, which may
    come after the session was saved.
    """
    from allauth.core import context

    from config.compat.allauth import record_authentication

    request = context.request
    if not created or instance.type not in (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN):
        return
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.pk != instance.user_id:
        return
    record_authentication(request, user, "mfa", id=instance.pk, type=instance.type, enrolled=True)


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

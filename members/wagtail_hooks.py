"""Registers the membership screens in the Wagtail admin under one "Membership" menu group.

The task force permission policy is registered at import, before Wagtail
creates its default (Django model permissions) policy for the model. Changes
a superuser makes in Wagtail's own user editor, including creating and
deleting an account, are audited here too.
"""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from members import audit
from members.admin.applications import ApplicationsViewSet
from members.admin.audit_log import AuditLogViewSet
from members.admin.gate import MembershipAdminPolicy
from members.admin.locks import LocksViewSet
from members.admin.people import MembersViewSet
from members.admin.task_forces import TaskForceViewSet
from members.models import AuditEvent, TaskForce

register_permission_policy(TaskForce, MembershipAdminPolicy(TaskForce, actions=["add", "change", "view"]))


class MembershipGroup(ViewSetGroup):
    menu_label = "Membership"
    menu_icon = "group"
    menu_order = 250
    items = (
        ApplicationsViewSet("membership_applications", url_prefix="membership/applications"),
        MembersViewSet("membership_members", url_prefix="membership/members"),
        TaskForceViewSet("membership_task_forces", url_prefix="membership/task-forces"),
        LocksViewSet("membership_locks", url_prefix="membership/locks"),
        AuditLogViewSet("membership_audit", url_prefix="membership/audit-log"),
    )


@hooks.register("register_admin_viewset")
def register_membership_viewsets():
    return MembershipGroup()


# An account made or removed in Wagtail's user editor skips sign-up and rejection,
# which audit themselves, so the editor's own hooks record it.
@hooks.register("after_create_user")
def audit_an_account_created_in_the_user_editor(request, user):
    audit.record(AuditEvent.Action.CREATED, subject=user, actor=request.user, request=request)


@hooks.register("after_delete_user")
def audit_an_account_deleted_in_the_user_editor(request, user):
    # The row is gone: the event keeps the address (members.audit copies it).
    audit.record(AuditEvent.Action.DELETED, subject=user, actor=request.user, request=request)


# Wagtail's user editor (superusers only) saves the same user object these hooks
# get: group changes are then audited with the superuser as actor
# (members.audit_signals), and switching "active" or "superuser" is audited here.
@hooks.register("before_edit_user")
def remember_who_edits_a_user(request, user):
    user._changed_by = request.user
    user._flags_before = {"is_active": user.is_active, "is_superuser": user.is_superuser}


@hooks.register("after_edit_user")
def audit_flags_changed_in_the_user_editor(request, user):
    before = getattr(user, "_flags_before", None)
    if before is None:
        return
    if before["is_active"] != user.is_active:
        action = AuditEvent.Action.REACTIVATED if user.is_active else AuditEvent.Action.DEACTIVATED
        audit.record(action, subject=user, actor=request.user, request=request, reason="admin user editor")
    if before["is_superuser"] != user.is_superuser:
        audit.record(
            AuditEvent.Action.ROLE_CHANGED,
            subject=user,
            actor=request.user,
            request=request,
            change="add" if user.is_superuser else "remove",
            groups=["Superuser"],
        )

"""Registers the membership screens in the Wagtail admin under one "Membership" menu group.

The task force permission policy is registered at import, before Wagtail
creates its default (Django model permissions) policy for the model.
"""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from members.admin.applications import ApplicationsViewSet
from members.admin.audit_log import AuditLogViewSet
from members.admin.gate import MembershipAdminPolicy
from members.admin.locks import LocksViewSet
from members.admin.people import MembersViewSet
from members.admin.task_forces import TaskForceViewSet
from members.models import TaskForce

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

"""The Locked accounts screen: locks in force, each with a Release button (a POST through members.lockout)."""

from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.admin.ui.tables import BaseColumn, Column
from wagtail.admin.views.generic.base import BaseListingView
from wagtail.admin.viewsets.base import ViewSet

from members import lockout
from members.admin.audit_log import exact_time
from members.admin.gate import MembershipMenuItem, gated
from members.models import AccountLock

NAMESPACE = "membership_locks"
PAGE_SIZE = 50


def locks_in_force():
    return AccountLock.objects.filter(
        released_at__isnull=True, locked_until__gt=timezone.now()
    ).select_related("user")


def account_label(lock):
    # Locks are keyed by the address typed, so some have no account behind them.
    return lock.user.get_full_name() if lock.user_id else "No account with this email"


class ReleaseColumn(BaseColumn):
    cell_template_name = "members/admin/locks/release_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        # Cells render without the request's context processors, so the token is passed in.
        context["csrf_token"] = get_token(parent_context["request"])
        return context


class LocksIndexView(BaseListingView):
    page_title = "Locked accounts"
    header_icon = "lock"
    paginate_by = PAGE_SIZE
    default_ordering = ("-locked_at", "-pk")
    verbose_name_plural = "locked accounts"
    index_url_name = f"{NAMESPACE}:index"
    columns = [
        Column("email", label="Email typed"),
        Column("account", label="Account", accessor=account_label),
        Column("locked_at", label="Locked at", accessor=lambda lock: exact_time(lock.locked_at)),
        Column("locked_until", label="Locked until", accessor=lambda lock: exact_time(lock.locked_until)),
        ReleaseColumn("release", label="Release"),
    ]

    def get_base_queryset(self):
        return locks_in_force()


@require_POST
def release_lock(request, pk):
    lock = get_object_or_404(AccountLock.objects.select_related("user"), pk=pk)
    if lock.released_at is not None:
        messages.info(request, f"The lock on {lock.email} had already been released.")
    else:
        lockout.release(lock, by=request.user, request=request)
        messages.success(request, f"The lock on {lock.email} is released; they can sign in again.")
    return redirect(f"{NAMESPACE}:index")


class LocksViewSet(ViewSet):
    icon = "lock"
    menu_label = "Locked accounts"
    menu_item_class = MembershipMenuItem

    def get_urlpatterns(self):
        return gated(
            [
                path("", LocksIndexView.as_view(), name="index"),
                path("<int:pk>/release/", release_lock, name="release"),
            ]
        )

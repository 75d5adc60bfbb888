"""Members in site search: approved, active members' profiles, seen by members only.

Registers the "profile" kind and the "members" scope with search, and keeps the
index current as accounts and profiles change. Paths that change accounts with
QuerySet.update() (no post_save) are caught through their audit events, which
every such change writes.
"""

from django.db.models import Prefetch
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import reverse

from members import access
from members.models import AuditEvent, TaskForce, User
from search.documents import IndexDocument
from search.index import index_document, remove_document
from search.registry import register_provider, register_scope_resolver
from taxonomy.models import Term

KIND = "profile"
SCOPE = "members"
# A save touching only these (a log-in, a password change) leaves the profile as it was.
_UNINDEXED_FIELDS = frozenset({"last_login", "password", "work_phone", "access_reason", "email"})
_AUDITED_STATE_CHANGES = frozenset({AuditEvent.Action.DEACTIVATED, AuditEvent.Action.REACTIVATED})


def _profiles():
    return (
        User.objects.filter(is_active=True, status=User.Status.APPROVED)
        .select_related("task_force")
        .prefetch_related(Prefetch("expertise", queryset=Term.objects.only("id", "name", "slug")))
    )


def is_listed(user) -> bool:
    """Whether this account's profile belongs in search: the same rule as the profile page."""
    return user.is_active and user.status == User.Status.APPROVED


def profile_document(user) -> IndexDocument:
    expertise = list(user.expertise.all())
    text = " · ".join(
        part
        for part in (
            user.agency,
            user.get_claimed_role_display(),
            user.task_force_label,
            ", ".join(term.name for term in expertise),
            user.bio,
        )
        if part
    )
    return IndexDocument(
        kind=KIND,
        key=str(user.pk),
        title=user.full_name or "Member",
        text=text,
        url=reverse("members:profile", args=[user.pk]),
        scope=SCOPE,
        topics=tuple(term.slug for term in expertise),
    )


def profile_documents():
    """Every listed profile, for a full reindex."""
    for user in _profiles().order_by("pk").iterator(chunk_size=500):
        yield profile_document(user)


def sync_profile(user_pk) -> None:
    """Put this account's profile in the index as it is now, or take it out."""
    user = _profiles().filter(pk=user_pk).first()
    if user is None:
        remove_document(KIND, user_pk)
    else:
        index_document(profile_document(user))


def member_scopes(user):
    return {SCOPE} if access.is_member(user) else set()


def _on_user_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields and not (set(update_fields) - _UNINDEXED_FIELDS)):
        return
    if is_listed(instance):
        index_document(profile_document(instance))
    else:
        remove_document(KIND, instance.pk)


def _on_user_deleted(sender, instance, **kwargs):
    remove_document(KIND, instance.pk)


def _on_expertise_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        sync_profile(instance.pk)
    else:
        # A term gained or lost experts; post_clear from that side gives no pks.
        for pk in pk_set or ():
            sync_profile(pk)


def _on_term_saved(sender, instance, created, raw=False, **kwargs):
    if not (created or raw):
        for pk in instance.experts.values_list("pk", flat=True):
            sync_profile(pk)


def _on_task_force_saved(sender, instance, created, raw=False, **kwargs):
    if not (created or raw):
        for pk in instance.members.values_list("pk", flat=True):
            sync_profile(pk)


def _on_audit_event(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.action in _AUDITED_STATE_CHANGES and instance.subject_id:
        sync_profile(instance.subject_id)


def _connect():
    register_provider(KIND, profile_documents, label="Member profiles", scope_prefix=SCOPE)
    register_scope_resolver(member_scopes)
    uid = "members.search_provider"
    post_save.connect(_on_user_saved, sender=User, dispatch_uid=f"{uid}.user_saved")
    post_delete.connect(_on_user_deleted, sender=User, dispatch_uid=f"{uid}.user_deleted")
    m2m_changed.connect(_on_expertise_changed, sender=User.expertise.through, dispatch_uid=f"{uid}.expertise")
    post_save.connect(_on_term_saved, sender=Term, dispatch_uid=f"{uid}.term_saved")
    post_save.connect(_on_task_force_saved, sender=TaskForce, dispatch_uid=f"{uid}.task_force_saved")
    post_save.connect(_on_audit_event, sender=AuditEvent, dispatch_uid=f"{uid}.audit_event")


# Importing this module (MembersConfig.ready() does) registers it with search.
_connect()

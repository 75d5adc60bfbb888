"""Who staff can match as a peer: an approved member of another task force (chosen, or found by a
typed name), or another active task force. A name that fits several members asks staff to choose."""

from django.db.models import Q

from config.errors import ServiceError
from members.access import is_member
from members.models import TaskForce, User
from members.roles import MEMBER
from tta.services.checks import clean_text

PEER_CHOICES_SHOWN = 20


class SeveralPeers(ServiceError):
    """The name staff typed fits several members who can be matched: they choose one of ``candidates``."""

    def __init__(self, message, candidates, *, field=None):
        super().__init__(message, field=field)
        self.candidates = candidates


def number(value) -> int | None:
    """A row id typed or posted as text, or None when it is not one."""
    if isinstance(value, int):
        return value
    value = str(value or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


def eligible_peer_members(seeking_task_force_id):
    """Approved, active members (as members.access.is_member counts them) outside the task force helped."""
    approved = User.objects.filter(is_active=True, status=User.Status.APPROVED).filter(
        Q(groups__name=MEMBER) | Q(is_superuser=True)
    )
    if seeking_task_force_id is not None:
        approved = approved.exclude(task_force_id=seeking_task_force_id)
    return approved.distinct()


def peer_members_named(name: str, seeking_task_force_id) -> list[User]:
    """Members who can be matched whose name holds every word typed, by name; at most one more than shown,
    so a caller can tell there were too many."""
    words = clean_text(name, "peer_member_name", limit=150).split()
    if not words:
        return []
    found = eligible_peer_members(seeking_task_force_id)
    for word in words:
        found = found.filter(full_name__icontains=word)
    return list(found.select_related("task_force").order_by("full_name", "pk")[: PEER_CHOICES_SHOWN + 1])


def _peer_member_by_name(name, seeking_task_force_id) -> User:
    """The one member the typed name points to, or a message saying what to do."""
    typed = " ".join(str(name or "").split())
    if not typed:
        raise ServiceError("Type the peer member's name.", field="peer_member")
    found = peer_members_named(typed, seeking_task_force_id)
    exact = [member for member in found if member.full_name.casefold() == typed.casefold()]
    if len(found) == 1 or len(exact) == 1:
        return exact[0] if len(exact) == 1 else found[0]
    if not found:
        raise ServiceError(
            f"No approved member outside the task force asking for help is called "
            f"“{typed}”. Check the spelling, or type part of the name.",
            field="peer_member",
        )
    if len(found) > PEER_CHOICES_SHOWN:
        raise ServiceError(
            f"More than {PEER_CHOICES_SHOWN} members match “{typed}”: type more of the name.",
            field="peer_member",
        )
    raise SeveralPeers(
        f"{len(found)} members match “{typed}”: choose one and add the match again.",
        found,
        field="peer_member",
    )


def peer_member(value, seeking_task_force_id, name="") -> User:
    """The approved member staff chose (or named), from another task force than the one helped."""
    if isinstance(value, User):
        value = value.pk
    if not str(value or "").strip():
        return _peer_member_by_name(name, seeking_task_force_id)
    pk = number(value)
    member = User.objects.filter(pk=pk).select_related("task_force").first() if pk is not None else None
    if member is None:
        raise ServiceError("That member could not be found: search for them by name.", field="peer_member")
    if not is_member(member):
        raise ServiceError(
            f"{member.get_full_name()} is not an approved member, so cannot be matched.", field="peer_member"
        )
    if member.task_force_id is not None and member.task_force_id == seeking_task_force_id:
        raise ServiceError(
            f"{member.get_full_name()} is in the task force asking for help: choose a peer.",
            field="peer_member",
        )
    return member


def peer_task_force(value, seeking_task_force_id) -> TaskForce:
    """The active task force staff chose, other than the one helped."""
    if isinstance(value, TaskForce):
        value = value.pk
    pk = number(value)
    task_force = TaskForce.objects.filter(pk=pk, is_active=True).first() if pk is not None else None
    if task_force is None:
        raise ServiceError("Choose an active task force from the list.", field="peer_task_force")
    if task_force.pk == seeking_task_force_id:
        raise ServiceError("Choose another task force than the one asking for help.", field="peer_task_force")
    return task_force

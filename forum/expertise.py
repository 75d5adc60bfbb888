"""Expertise per taxonomy tag: what members declare they know, and "Find a peer", which ranks members
for a tag by the answers peers accepted from them there and by what they declared.

Accepted answers are counted only in topics the person looking may read
(forum.querysets visible_to, so forum.access decides), so a prosecutors-only
answer never shows up as a number to someone outside that category. Only
current members are listed. Five queries, whatever the number of members.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count

from forum.models import Expertise, Topic
from members.models import User
from members.roles import MEMBER
from taxonomy.models import Term

MAX_DECLARED = 10
MAX_PEERS = 50


@dataclass(frozen=True)
class Peer:
    user: User
    accepted_answers: int
    declared: bool

    @property
    def task_force_name(self) -> str:
        task_force = self.user.task_force
        return task_force.name if task_force else (self.user.other_task_force_name or "")


class TooManyTerms(ValueError):
    """More terms than a member may declare; the message is for them."""


def declared_term_ids(user) -> list[int]:
    return list(Expertise.objects.filter(user=user).values_list("term_id", flat=True))


def set_expertise(user, terms) -> None:
    """Replace the member's declared expertise with these current terms."""
    wanted = {term.pk for term in terms if not term.retired}
    if len(wanted) > MAX_DECLARED:
        raise TooManyTerms(f"Choose at most {MAX_DECLARED} subjects, the ones you know best.")
    with transaction.atomic():
        Expertise.objects.filter(user=user).exclude(term_id__in=wanted).delete()
        have = set(Expertise.objects.filter(user=user).values_list("term_id", flat=True))
        Expertise.objects.bulk_create([Expertise(user=user, term_id=pk) for pk in wanted - have])


def accepted_answers_by_author(viewer, term: Term) -> dict[int, int]:
    """How many answers each member has had accepted in topics with this tag that the viewer may read."""
    rows = (
        Topic.objects.visible_to(viewer)
        .filter(
            tags=term,
            accepted_post__isnull=False,
            accepted_post__author__isnull=False,
            accepted_post__is_deleted=False,
            accepted_post__is_hidden=False,
            accepted_post__awaiting_approval=False,
        )
        .values("accepted_post__author_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["accepted_post__author_id"]: row["count"] for row in rows}


def find_peers(viewer, term: Term, limit: int = MAX_PEERS) -> list[Peer]:
    accepted = accepted_answers_by_author(viewer, term)
    declared = set(Expertise.objects.filter(term=term).values_list("user_id", flat=True))
    candidates = (
        User.objects.filter(
            pk__in=set(accepted) | declared,
            is_active=True,
            status=User.Status.APPROVED,
            groups__name=MEMBER,
        )
        .select_related("task_force")
        .distinct()
    )
    peers = [Peer(user, accepted.get(user.pk, 0), user.pk in declared) for user in candidates]
    peers.sort(key=lambda peer: (-peer.accepted_answers, not peer.declared, peer.user.full_name.lower()))
    return peers[:limit]

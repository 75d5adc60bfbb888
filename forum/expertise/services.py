"""The forum's side of expertise: "Find a peer", which ranks members for a tag by the answers peers
accepted from them there and by the expertise they declared (``User.expertise``, owned and changed by
members.expertise).

Also a member's record on their profile: accepted answers and helpful
reactions per tag (record_for, shown through profile_section).

Accepted answers and helpful reactions are counted only in topics the person
looking may read (forum.querysets visible_to, so forum.access decides), so a
prosecutors-only answer never shows up as a number to someone outside that
category. Only current members are listed. Five queries for Find a peer and
one for a profile, whatever the number of members and posts.
"""

from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, Sum, Value

from forum.models import Post, Topic
from members.models import User
from members.roles import MEMBER
from taxonomy.models import Term

# Declarations live on the member (members.expertise); this is their table, read by term.
Declared = User.expertise.through

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
    declared = set(Declared.objects.filter(term=term).values_list("user_id", flat=True))
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


@dataclass(frozen=True)
class TagRecord:
    """One tag of a member's record on their profile, as far as the viewer may read."""

    slug: str
    name: str
    accepted_answers: int = 0
    helpful: int = 0


def _shown(prefix: str = "") -> dict:
    """Filters for a post anyone who reads the topic sees: not deleted, hidden or held for approval."""
    return {f"{prefix}is_deleted": False, f"{prefix}is_hidden": False, f"{prefix}awaiting_approval": False}


def _tags_of(viewer, person) -> list[TagRecord]:
    """Every tag of the member's record, in one query (a UNION of two groupings).

    Accepted answers and helpful marks are counted only in topics the viewer reads;
    a topic with several tags counts once under each. Best record first.
    """
    zero = Value(0, output_field=IntegerField())
    columns = ("slug", "name", "accepted", "helpful")
    readable = Topic.objects.visible_to(viewer)
    accepted = (
        readable.filter(accepted_post__author=person, tags__isnull=False, **_shown("accepted_post__"))
        .values(slug=F("tags__slug"), name=F("tags__name"))
        .annotate(accepted=Count("pk"), helpful=zero)
        .values_list(*columns)
        .order_by()
    )
    helpful = (
        Post.objects.filter(
            author=person,
            helpful_count__gt=0,
            topic__in=readable.values("pk"),
            topic__tags__isnull=False,
            **_shown(),
        )
        .values(slug=F("topic__tags__slug"), name=F("topic__tags__name"))
        .annotate(accepted=zero, helpful=Sum("helpful_count"))
        .values_list(*columns)
        .order_by()
    )
    found: dict[str, TagRecord] = {}
    for slug, name, accepted_count, helpful_count in accepted.union(helpful, all=True):
        had = found.get(slug) or TagRecord(slug, name)
        found[slug] = TagRecord(
            slug, name, had.accepted_answers + (accepted_count or 0), had.helpful + (helpful_count or 0)
        )
    tags = list(found.values())
    tags.sort(key=lambda tag: (-tag.accepted_answers, -tag.helpful, tag.name.lower()))
    return tags


def record_for(viewer, person) -> list[TagRecord]:
    """The member's accepted answers and helpful marks per tag, counted only in topics the viewer reads."""
    return _tags_of(viewer, person)


def profile_section(viewer, person) -> dict:
    """The forum's section of a member's profile (members.views.profile): their record by tag. What they
    declared is the profile's own "Areas of expertise" (User.expertise), not repeated here."""
    return {"template": "forum/profile_expertise.html", "record": _tags_of(viewer, person)}

"""The matcher: for a request's topic or an assessment's need, who and what could help, and why.

Three kinds of help, each ranked by a score with a plain-words reason:

- resources and practices from the site search index whose topics include the
  need's Term (2 points) and each of its audiences (1 point each); read from
  search's entries so tta does not import cms;
- peer task forces that rated their capacity in the same area 4 or 5 in the
  current cycle's submitted assessments (the rating is the score);
- peer members who declared expertise in the area (3 points).

Deterministic: ties are broken by title or name, then by id, so the same data
always gives the same ranking. Four queries whatever the size of the data.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Collate, Lower

from members.models import User
from members.roles import MEMBER
from search.models import IndexEntry
from taxonomy.models import Term
from tta.models import AreaRating, Cycle, Match, NeedsAssessment

CONTENT_KINDS = {"resource": Match.Kind.RESOURCE, "practice": Match.Kind.PRACTICE}
VISIBLE_SCOPES = ("public", "members")
STRONG_CAPACITY = 4
HIGH_PRIORITY = 4
LOW_CAPACITY = 2
PER_KIND = 10


@dataclass(frozen=True)
class Candidate:
    kind: str
    target_key: str
    title: str
    url: str
    score: float
    reason: str
    peer_task_force_id: int | None = None
    peer_member_id: int | None = None


def _facet_words(term: Term) -> str:
    return f"{term.get_facet_display().lower()} {term.name}"


def _code_point_order(expression):
    """Order text by code point, as Python sorts str, whatever the database's default collation."""
    if connection.vendor == "postgresql":
        return Collate(expression, "C")
    return expression  # SQLite's default BINARY collation already compares code points


def content_candidates(topic: Term, audiences=()) -> list[Candidate]:
    audiences = sorted(audiences, key=lambda t: (t.sort_order, t.name, t.pk))
    # One 0/1 column per wanted audience, so the database scores and ranks the
    # entries and only the top PER_KIND rows come back, not every entry on the topic.
    has_audience = {
        f"audience_{n}": Case(
            When(topics__contains=f" {a.slug} ", then=1), default=0, output_field=IntegerField()
        )
        for n, a in enumerate(audiences)
    }
    score = sum((F(name) for name in has_audience), Value(2, output_field=IntegerField()))
    rows = (
        IndexEntry.objects.filter(
            kind__in=list(CONTENT_KINDS), scope__in=VISIBLE_SCOPES, topics__contains=f" {topic.slug} "
        )
        .annotate(**has_audience)
        .annotate(score=score)
        # Same order as the sort below (kind values equal the Match.Kind values;
        # target_key is "kind:key", so key breaks the last tie).
        .order_by(
            "-score",
            _code_point_order(F("kind")),
            _code_point_order(Lower("title")),
            _code_point_order(F("key")),
        )
        .values_list("kind", "key", "title", "url", *has_audience)[:PER_KIND]
    )
    found = []
    for kind, key, title, url, *flags in rows:
        shared = [a for a, flag in zip(audiences, flags, strict=True) if flag]
        reason = f"covers {_facet_words(topic)}"
        if shared:
            reason += " and audience " + ", ".join(a.name for a in shared)
        found.append(
            Candidate(
                kind=CONTENT_KINDS[kind],
                target_key=f"{kind}:{key}",
                title=title,
                url=url,
                score=2.0 + len(shared),
                reason=reason,
            )
        )
    # SQL lower() and str.casefold() agree on ASCII; re-sorting the ten keeps
    # their order exact when a title is not plain ASCII.
    found.sort(key=lambda c: (-c.score, c.kind, c.title.casefold(), c.target_key))
    return found


def current_cycle() -> Cycle | None:
    return Cycle.objects.open_now().first()


def peer_task_force_candidates(topic: Term, exclude_task_force_id=None, cycle=None) -> list[Candidate]:
    cycle = cycle or current_cycle()
    if cycle is None:
        return []
    ratings = (
        AreaRating.objects.filter(
            term=topic,
            capacity__gte=STRONG_CAPACITY,
            assessment__cycle=cycle,
            assessment__status=NeedsAssessment.Status.SUBMITTED,
            assessment__task_force__is_active=True,
        )
        .exclude(assessment__task_force_id=exclude_task_force_id)
        .order_by(
            "-capacity",
            _code_point_order(Lower("assessment__task_force__name")),
            "assessment__task_force_id",
        )
        .values_list("capacity", "assessment__task_force_id", "assessment__task_force__name")[:PER_KIND]
    )
    found = [
        Candidate(
            kind=Match.Kind.PEER_TASK_FORCE,
            target_key=f"task_force:{tf_id}",
            title=name,
            url="",
            score=float(capacity),
            reason=f"rated its capacity in {_facet_words(topic)} {capacity} of 5 in the {cycle.name} cycle",
            peer_task_force_id=tf_id,
        )
        for capacity, tf_id, name in ratings
    ]
    found.sort(key=lambda c: (-c.score, c.title.casefold(), c.peer_task_force_id))
    return found


def peer_member_candidates(topic: Term, exclude_task_force_id=None) -> list[Candidate]:
    from django.urls import reverse

    people = (
        User.objects.filter(expertise=topic, is_active=True, status=User.Status.APPROVED, groups__name=MEMBER)
        .exclude(Q(task_force_id=exclude_task_force_id) & Q(task_force__isnull=False))
        .order_by("full_name", "pk")
        .values_list("pk", "full_name", "task_force__name")[:PER_KIND]
    )
    return [
        Candidate(
            kind=Match.Kind.PEER_MEMBER,
            target_key=f"member:{pk}",
            title=f"{name} ({tf_name})" if tf_name else name,
            url=reverse("members:profile", args=[pk]),
            score=3.0,
            reason=f"declared expertise in {_facet_words(topic)}",
            peer_member_id=pk,
        )
        for pk, name, tf_name in people
    ]


def candidates_for(topic: Term, audiences=(), exclude_task_force_id=None) -> list[Candidate]:
    return [
        *content_candidates(topic, audiences),
        *peer_task_force_candidates(topic, exclude_task_force_id),
        *peer_member_candidates(topic, exclude_task_force_id),
    ]


def match_request(tta_request) -> list[Candidate]:
    audiences = [tta_request.audience] if tta_request.audience_id else []
    return candidates_for(tta_request.topic, audiences, tta_request.task_force_id)


def needs_of(assessment: NeedsAssessment) -> list[AreaRating]:
    """The areas this task force most needs help in: high priority and low capacity, biggest gap first."""
    ratings = AreaRating.objects.filter(
        assessment=assessment, priority__gte=HIGH_PRIORITY, capacity__lte=LOW_CAPACITY
    ).select_related("term")
    return sorted(ratings, key=lambda r: (r.capacity - r.priority, r.term.sort_order, r.term.name, r.term_id))


def match_need(assessment: NeedsAssessment, term: Term) -> list[Candidate]:
    return candidates_for(term, list(assessment.audiences.all()), assessment.task_force_id)

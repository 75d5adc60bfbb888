"""The matcher: for a request's topic or an assessment's need, who and what could help, and why.

Three kinds of help, each ranked by a score with a plain-words reason:

- resources and practices from the site search index whose topics include the
  need's Term (2 points) and each of its audiences (1 point each); read from
  search's entries so tta does not import cms;
- peer task forces that rated their capacity in the same area 4 or 5 in the
  current cycle's submitted assessments (the rating is the score);
- peer members who declared expertise in the area (3 points) or whose forum
  record shows it: accepted answers in topics tagged with the area, in
  categories every member can read (1 point each, at most 3);
- for a request, upcoming training events on its topic that still take
  registrations (2 points), read through tta.training_events because tta does
  not import trainings; the reason says what, when and how many seats are left.

Deterministic: ties are broken by title or name (code-point order on either
database), then by id, so the same data always gives the same ranking. Four
queries whatever the size of the data (five for a request: its events).
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Collate, Least, Lower

from members.models import User
from members.roles import MEMBER
from search.models import IndexEntry
from taxonomy.models import Term
from tta import access, training_events
from tta.models import AreaRating, Cycle, Match, NeedsAssessment

CONTENT_KINDS = {"resource": Match.Kind.RESOURCE, "practice": Match.Kind.PRACTICE}
VISIBLE_SCOPES = ("public", "members")
STRONG_CAPACITY = 4
HIGH_PRIORITY = 4
LOW_CAPACITY = 2
PER_KIND = 10
EXPERTISE_POINTS = 3
FORUM_POINTS_CAP = 3


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


def task_force_members_url(task_force_id: int) -> str:
    """Where a peer task force is reached: the member directory, filtered to its members."""
    from django.urls import reverse

    return f"{reverse('members:directory')}?task_force={task_force_id}"


def peer_task_force_candidates(topic: Term, exclude_task_force_id=None, cycle=None) -> list[Candidate]:
    # The open cycle is a subquery, not a query of its own: one round trip.
    in_cycle = cycle.pk if cycle else Subquery(Cycle.objects.open_now().values("pk")[:1])
    ratings = (
        AreaRating.objects.filter(
            term=topic,
            capacity__gte=STRONG_CAPACITY,
            assessment__cycle=in_cycle,
            assessment__status=NeedsAssessment.Status.SUBMITTED,
            assessment__task_force__is_active=True,
        )
        .exclude(assessment__task_force_id=exclude_task_force_id)
        .order_by(
            "-capacity",
            _code_point_order(Lower("assessment__task_force__name")),
            "assessment__task_force_id",
        )
        .values_list(
            "capacity",
            "assessment__task_force_id",
            "assessment__task_force__name",
            "assessment__cycle__name",
        )[:PER_KIND]
    )
    found = [
        Candidate(
            kind=Match.Kind.PEER_TASK_FORCE,
            target_key=f"task_force:{tf_id}",
            title=name,
            url=task_force_members_url(tf_id),
            score=float(capacity),
            reason=f"rated its capacity in {_facet_words(topic)} {capacity} of 5 in the {cycle_name} cycle",
            peer_task_force_id=tf_id,
        )
        for capacity, tf_id, name, cycle_name in ratings
    ]
    found.sort(key=lambda c: (-c.score, c.title.casefold(), c.peer_task_force_id))
    return found


def _in_member_group(user_ref):
    """EXISTS a Member group row for the user. The group is compared by id, through a scalar
    subquery, not joined by name: joined, PostgreSQL estimated a tenth of the users were
    members (the name's selectivity among groups), drove the plan from the group rows and
    probed every member's posts."""
    member_group = Subquery(Group.objects.filter(name=MEMBER).values("pk")[:1])
    return Exists(User.groups.through.objects.filter(user_id=OuterRef(user_ref), group_id=member_group))


def _peers(exclude_task_force_id):
    """Approved, active members, outside the task force asking. Group membership is an EXISTS,
    not a join, so a member in several groups is one row and the planner never fans out."""
    people = User.objects.filter(_in_member_group("pk"), is_active=True, status=User.Status.APPROVED)
    if exclude_task_force_id is not None:
        people = people.exclude(task_force_id=exclude_task_force_id)
    return people


def _forum_answerers(topic: Term, exclude_task_force_id):
    """Peer members with accepted answers in forum topics tagged with ``topic``: the top PER_KIND
    by score, as (pk, name, task force name, declared expertise (above 0 when declared),
    accepted answers).

    Only topics every member can read count (tta.access), and only answers still
    shown: a hidden, deleted or unapproved post or topic is no record.
    """
    from forum.models import Topic

    author = "accepted_post__author"
    # Eligibility is tested on the answer author's own row (joined from the accepted post),
    # not as ``author IN (every eligible peer)``: with that subquery the planners started
    # from the ~10,000 eligible users and their posts instead of from the topics tagged
    # with the area (forum_topic_tags.term_id), several times slower at bench size.
    answerers = Topic.objects.filter(
        _in_member_group(f"{author}_id"),
        tags=topic,
        is_deleted=False,
        awaiting_approval=False,
        category__in=access.forum_category_ids_open_to_members(),
        accepted_post__is_deleted=False,
        accepted_post__is_hidden=False,
        accepted_post__awaiting_approval=False,
        **{f"{author}__is_active": True, f"{author}__status": User.Status.APPROVED},
    )
    if exclude_task_force_id is not None:
        answerers = answerers.exclude(**{f"{author}__task_force_id": exclude_task_force_id})
    # One pass over the tagged topics, grouped by the accepted answer's author: no
    # per-person subquery, so the cost follows the number of tagged topics. Declared
    # expertise is a LEFT JOIN counted with a filter (a person's expertise rows repeat
    # their topics, hence the distinct count of answers): an EXISTS here was repeated in
    # the SELECT, GROUP BY and ORDER BY, built and compiled four times per call.
    rows = (
        answerers.values(f"{author}_id", f"{author}__full_name", f"{author}__task_force__name")
        .annotate(
            expert=Count(f"{author}__expertise", filter=Q(**{f"{author}__expertise": topic})),
            answers=Count("pk", distinct=True),
        )
        .annotate(score=_member_score())
        .order_by("-score", _code_point_order(F(f"{author}__full_name")), f"{author}_id")
        .values_list(
            f"{author}_id", f"{author}__full_name", f"{author}__task_force__name", "expert", "answers"
        )[:PER_KIND]
    )
    return list(rows)


def _member_score():
    """Points for declared expertise, plus one per accepted answer up to FORUM_POINTS_CAP."""
    expertise = Case(When(Q(expert__gt=0), then=EXPERTISE_POINTS), default=0, output_field=IntegerField())
    return expertise + Least(F("answers"), Value(FORUM_POINTS_CAP))


def _declared_experts(topic: Term, exclude_task_force_id):
    """The first PER_KIND peer members by name who declared expertise in ``topic``."""
    # ``pk IN (experts on the topic)``, not a correlated EXISTS: SQLite then starts from the
    # expertise term index (~1,500 rows at bench size) instead of scanning every user.
    experts = User.expertise.through.objects.filter(term=topic).values("user_id")
    return list(
        _peers(exclude_task_force_id)
        .filter(pk__in=experts)
        .order_by(_code_point_order(F("full_name")), "pk")
        .values_list("pk", "full_name", "task_force__name")[:PER_KIND]
    )


def _answers_words(count: int, topic: Term) -> str:
    return f"{count} accepted answer{'s' if count != 1 else ''} on {topic.name} in the forum"


def peer_member_candidates(topic: Term, exclude_task_force_id=None) -> list[Candidate]:
    """Members who declared expertise in the area (3 points) or answered on it in the forum
    (1 point per accepted answer, at most 3), best first, then by name.

    Two queries of at most PER_KIND rows. Every forum answerer outranks every
    expert without answers whose name comes after the PER_KIND-th expert, so
    the first PER_KIND answerers and the first PER_KIND experts hold the exact
    top PER_KIND of everyone.
    """
    from django.urls import reverse

    people = {}
    for pk, name, tf_name in _declared_experts(topic, exclude_task_force_id):
        people[pk] = (name, tf_name, True, 0)
    for pk, name, tf_name, expert, answers in _forum_answerers(topic, exclude_task_force_id):
        people[pk] = (name, tf_name, bool(expert), answers)
    found = []
    for pk, (name, tf_name, expert, answers) in people.items():
        reasons = [f"declared expertise in {_facet_words(topic)}"] if expert else []
        if answers:
            reasons.append(_answers_words(answers, topic))
        found.append(
            Candidate(
                kind=Match.Kind.PEER_MEMBER,
                target_key=f"member:{pk}",
                title=f"{name} ({tf_name})" if tf_name else name,
                url=reverse("members:profile", args=[pk]),
                score=float((EXPERTISE_POINTS if expert else 0) + min(answers, FORUM_POINTS_CAP)),
                reason="; ".join(reasons),
                peer_member_id=pk,
            )
        )
    names = {pk: value[0] for pk, value in people.items()}
    found.sort(key=lambda c: (-c.score, names[c.peer_member_id], c.peer_member_id))
    return found[:PER_KIND]


def candidates_for(topic: Term, audiences=(), exclude_task_force_id=None) -> list[Candidate]:
    return [
        *content_candidates(topic, audiences),
        *peer_task_force_candidates(topic, exclude_task_force_id),
        *peer_member_candidates(topic, exclude_task_force_id),
    ]


def _topic_words(topic: Term) -> str:
    """The topic's name as it reads mid-sentence: "Labor trafficking" -> "labor trafficking",
    but "T visas" and "CSEC" keep their capitals."""
    name = topic.name
    return name[0].lower() + name[1:] if len(name) > 1 and name[1].islower() else name


def _seats_words(seats_left: int) -> str:
    if seats_left <= 0:
        return "full, with a waitlist"
    return f"{seats_left} seat{'' if seats_left == 1 else 's'} left"


def event_reason(topic: Term, event) -> str:
    """Plain words: "Upcoming webinar on labor trafficking, 12 Jan, 40 seats left" (the date in the
    event's own time zone)."""
    start = event.local_start
    return (
        f"Upcoming {event.kind_label.lower()} on {_topic_words(topic)}, "
        f"{start.day} {start:%b}, {_seats_words(event.seats_left)}"
    )


def event_candidates(topic: Term, now=None) -> list[Candidate]:
    """Upcoming training events on the topic that still take registrations, soonest first (one
    query, through tta.training_events: tta does not import trainings)."""
    return [
        Candidate(
            kind=Match.Kind.EVENT,
            target_key=f"event:{event.pk}",
            title=event.title,
            url=event.url,
            score=2.0,
            reason=event_reason(topic, event),
        )
        for event in training_events.upcoming_on_topic(topic.pk, now=now, limit=PER_KIND)
    ]


def match_request(tta_request) -> list[Candidate]:
    audiences = [tta_request.audience] if tta_request.audience_id else []
    return [
        *candidates_for(tta_request.topic, audiences, tta_request.task_force_id),
        *event_candidates(tta_request.topic),
    ]


def needs_of(assessment: NeedsAssessment) -> list[AreaRating]:
    """The current areas this task force most needs help in: high priority, low capacity, widest gap first."""
    ratings = AreaRating.objects.filter(
        assessment=assessment,
        priority__gte=HIGH_PRIORITY,
        capacity__lte=LOW_CAPACITY,
        term__retired=False,  # a retired area is no longer matched (services refuses it too)
    ).select_related("term")
    return sorted(ratings, key=lambda r: (r.capacity - r.priority, r.term.sort_order, r.term.name, r.term_id))


def match_need(assessment: NeedsAssessment, term: Term) -> list[Candidate]:
    return candidates_for(term, list(assessment.audiences.all()), assessment.task_force_id)

"""Factories for TTA tests: cycles, assessments with ratings, requests, and search entries to match."""

import datetime

import factory

from search.models import IndexEntry
from taxonomy.models import Term
from tta.models import AreaRating, Cycle, Match, NeedsAssessment, PeerExchange, TTARequest


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle

    name = factory.Sequence(lambda n: f"Cycle {2030 + n}")
    opens = datetime.date(2026, 1, 1)
    closes = datetime.date(2026, 12, 31)
    is_open = True


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedsAssessment

    cycle = factory.SubFactory(CycleFactory)
    status = NeedsAssessment.Status.DRAFT


def rate(assessment, slug, capacity, priority):
    return AreaRating.objects.create(
        assessment=assessment, term=Term.objects.get(slug=slug), capacity=capacity, priority=priority
    )


class RequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TTARequest

    topic = factory.LazyFunction(lambda: Term.objects.get(slug="coordination"))
    description = "We need help standing up a multidisciplinary case review."
    requester_name = factory.LazyAttribute(lambda o: o.requester.full_name if o.requester else "")


def index_entry(kind, key, title, topics, scope="public"):
    return IndexEntry.objects.create(
        kind=kind,
        key=str(key),
        title=title,
        url=f"/{kind}s/{key}/",
        topics=f" {' '.join(topics)} ",
        scope=scope,
    )


def all_rated_terms():
    return list(Term.objects.current().filter(facet__in=["practice_area", "phase"]))


def full_ratings(capacity=3, priority=3):
    return {t.pk: (capacity, priority) for t in all_rated_terms()}


def accepted_answer(category, tag_slugs, *, asker, answerer, title="How did you set this up?"):
    """A forum question tagged with the given Terms, answered by ``answerer`` and accepted by ``asker``.

    Written through forum.services, as a member would, so the forum's own rules apply.
    """
    from forum import services as forum

    tags = list(Term.objects.filter(slug__in=tag_slugs))
    topic = forum.start_topic(
        by=asker,
        category=category,
        kind="question",
        title=title,
        body="We are starting this work and would like to hear what worked for you.",
        tags=tags,
    )
    post = forum.reply(topic, by=answerer, body="We wrote a one-page protocol first and met monthly.")
    forum.accept_answer(topic, post, by=asker)
    return post


def matrix_objects(users) -> dict:
    """What the access matrices act on, all belonging to the Central Ohio task force of ``role_users``:
    a submitted assessment rating Coordination with a peer match under that need, a request with a
    peer task force match, and a proposed exchange of that match with the Southern Arizona task force.

    Returns the ids, by the names the matrices' URL patterns use.
    """
    tf, other = users["_task_force"], users["_other_task_force"]
    assessment = AssessmentFactory(task_force=tf, cycle=CycleFactory(name="Matrix"), status="submitted")
    need = rate(assessment, "coordination", 1, 5).term
    tta_request = RequestFactory(task_force=tf, requester=users["member"])
    peer = {
        "kind": Match.Kind.PEER_TASK_FORCE,
        "peer_task_force": other,
        "title": other.name,
        "reason": "strong",
    }
    match = Match.objects.create(request=tta_request, target_key=f"task_force:{other.pk}", **peer)
    need_match = Match.objects.create(
        assessment=assessment, need=need, target_key=f"task_force:{other.pk}", **peer
    )
    exchange = PeerExchange.objects.create(match=match, seeking=tf, host=other, topic=tta_request.topic)
    return {
        "assessment": assessment.pk,
        "need": need.pk,
        "request": tta_request.pk,
        "match": match.pk,
        "need_match": need_match.pk,
        "exchange": exchange.pk,
        "cycle": assessment.cycle_id,
    }


def matrix_url(pattern):
    """A callable the access matrix resolves per role: ``pattern`` is formatted with matrix_objects()."""

    def url(users):
        return pattern.format(**matrix_objects(users))

    return url

"""Demo TTA content: an open cycle, assessments from demo task forces, a dozen requests in various statuses.

Idempotent: run again, it finds what it made (by cycle name and by request
description) and adds nothing twice. Called by ``manage.py seed_demo`` after
members, so the demo task forces and accounts exist.
"""

import datetime

from django.utils import timezone

from members.demo import TASK_FORCES, email_for
from members.models import TaskForce, User
from taxonomy.models import Term
from tta.models import (
    RATED_FACETS,
    AreaRating,
    AssessmentRevision,
    Cycle,
    Match,
    NeedsAssessment,
    RequestEvent,
    RequestStatus,
    ServiceTarget,
    TTARequest,
)
from tta.services.assessments import snapshot

S = RequestStatus
# By index in members.demo.TASK_FORCES: a base capacity, the areas it is strong in, the areas it is weak in.
PROFILES = {
    0: (
        3,
        ["coordination", "information-sharing"],
        ["labor-trafficking-investigation", "financial-investigation"],
    ),
    1: (3, ["victim-centered-and-trauma-informed-response"], ["data-collection-and-analysis"]),
    2: (2, ["proactive-investigations", "financial-investigation"], ["training", "coordination"]),
    3: (
        3,
        ["data-collection-and-analysis", "labor-trafficking-investigation"],
        ["prosecution-and-case-review"],
    ),
    4: (2, ["training"], ["victim-centered-and-trauma-informed-response", "information-sharing"]),
}
# (task force index, requester local part or None, topic slug, status, days ago, description)
REQUESTS = [
    (
        0,
        "member",
        "labor-trafficking-investigation",
        S.RECEIVED,
        2,
        "Training for patrol on spotting labor trafficking.",
    ),
    (0, "coordinator", "financial-investigation", S.ASSIGNED, 9, "Help building financial case workups."),
    (
        1,
        "prosecutor",
        "data-collection-and-analysis",
        S.MATCHED,
        15,
        "Setting up a shared case-tracking dataset.",
    ),
    (
        1,
        "advocate",
        "victim-centered-and-trauma-informed-response",
        S.SCHEDULED,
        25,
        "Refresher for new advocates.",
    ),
    (2, None, "coordination", S.DELIVERED, 40, "Facilitated planning session for our new MOU."),
    (2, None, "training", S.CLOSED, 70, "Roll-call training videos for patrol."),
    (3, None, "prosecution-and-case-review", S.ASSIGNED, 20, "Case review protocol for labor cases."),
    (3, None, "financial-investigation", S.DECLINED, 30, "Forensic accountant on contract."),
    (4, None, "information-sharing", S.RECEIVED, 1, "Deconfliction across three counties."),
    (4, None, "victim-centered-and-trauma-informed-response", S.MATCHED, 12, "Trauma-informed interviewing."),
    (5, None, "coordination", S.DELIVERED, 50, "Peer exchange on task force governance."),
    (5, None, "forming-a-task-force", S.RECEIVED, 4, "Onboarding new partner agencies."),
]
PATH = {
    S.RECEIVED: [],
    S.ASSIGNED: [S.ASSIGNED],
    S.MATCHED: [S.ASSIGNED, S.MATCHED],
    S.SCHEDULED: [S.ASSIGNED, S.MATCHED, S.SCHEDULED],
    S.DELIVERED: [S.ASSIGNED, S.MATCHED, S.SCHEDULED, S.DELIVERED],
    S.CLOSED: [S.ASSIGNED, S.MATCHED, S.SCHEDULED, S.DELIVERED, S.CLOSED],
    S.DECLINED: [S.DECLINED],
}
TARGETS = {S.RECEIVED: 3, S.ASSIGNED: 7, S.MATCHED: 14, S.SCHEDULED: 45}


def _task_forces():
    by_name = {tf.name: tf for tf in TaskForce.objects.filter(name__in=[t[0] for t in TASK_FORCES])}
    return [by_name.get(t[0]) for t in TASK_FORCES]


def _assessments(cycle, task_forces):
    terms = list(Term.objects.current().filter(facet__in=RATED_FACETS))
    audiences = list(Term.objects.current().filter(slug__in=["patrol", "investigators", "prosecutors"]))
    made = 0
    for index, (base, strong, weak) in PROFILES.items():
        tf = task_forces[index]
        if tf is None or NeedsAssessment.objects.filter(task_force=tf, cycle=cycle).exists():
            continue
        coordinator = User.objects.filter(task_force=tf, is_coordinator=True).first()
        assessment = NeedsAssessment.objects.create(
            task_force=tf,
            cycle=cycle,
            status=NeedsAssessment.Status.SUBMITTED,
            preferred_delivery=["virtual", "peer_exchange"],
            context="Demo assessment.",
            submitted_at=timezone.now(),
            submitted_by=coordinator,
            updated_by=coordinator,
        )
        assessment.audiences.set(audiences)
        AreaRating.objects.bulk_create(
            AreaRating(
                assessment=assessment,
                term=t,
                capacity=5 if t.slug in strong else 1 if t.slug in weak else base,
                priority=5 if t.slug in weak else 2 if t.slug in strong else 3,
            )
            for t in terms
        )
        AssessmentRevision.objects.create(
            assessment=assessment,
            number=1,
            status=assessment.status,
            snapshot=snapshot(assessment),
            saved_by=coordinator,
        )
        made += 1
    return made


def _requests(task_forces):
    staff = User.objects.filter(email=email_for("tta")).first()
    topics = {t.slug: t for t in Term.objects.filter(slug__in={r[2] for r in REQUESTS})}
    now = timezone.now()
    made = 0
    for tf_index, local, slug, status, days, description in REQUESTS:
        tf = task_forces[tf_index]
        if tf is None or slug not in topics or TTARequest.objects.filter(description=description).exists():
            continue
        requester = User.objects.filter(email=email_for(local)).first() if local else None
        requester = requester or User.objects.filter(task_force=tf, status="approved").first()
        filed = now - datetime.timedelta(days=days)
        r = TTARequest.objects.create(
            task_force=tf,
            requester=requester,
            requester_name=requester.full_name if requester else "",
            topic=topics[slug],
            description=description,
            status=status,
            assignee=staff if status != S.RECEIVED else None,
            decline_reason="Outside the scope of this grant; see the resource library."
            if status == S.DECLINED
            else "",
            created_at=filed,
            status_changed_at=filed + datetime.timedelta(days=days // 2),
        )
        events = [
            RequestEvent(request=r, kind="filed", to_status=S.RECEIVED, created_at=filed, actor=requester)
        ]
        previous = S.RECEIVED
        for step, to in enumerate(PATH[status], start=1):
            events.append(
                RequestEvent(
                    request=r,
                    kind="status",
                    from_status=previous,
                    to_status=to,
                    actor=staff,
                    actor_name=staff.full_name if staff else "",
                    created_at=filed + datetime.timedelta(hours=step),
                )
            )
            previous = to
        RequestEvent.objects.bulk_create(events)
        made += 1
    return made


SHOWS_MATCHES = {S.MATCHED, S.SCHEDULED, S.DELIVERED, S.CLOSED}
ACCEPTED_PER_REQUEST = 2


def _matches() -> int:
    """Requests past "matched" show the help staff accepted: the matcher's proposals are stored
    and its best two accepted, once (a request that has any match already is left alone)."""
    from tta.matching import match_request
    from tta.services.matches import store_proposals

    staff = User.objects.filter(email=email_for("tta")).first()
    made = 0
    waiting = TTARequest.objects.filter(status__in=SHOWS_MATCHES, matches__isnull=True).select_related(
        "topic", "audience"
    )
    for r in waiting:
        made += store_proposals(r, match_request(r))
        best = r.matches.order_by("-score", "kind", "title", "pk")[:ACCEPTED_PER_REQUEST]
        Match.objects.filter(pk__in=[m.pk for m in best]).update(
            state=Match.State.ACCEPTED, decided_by=staff, decided_at=timezone.now()
        )
    return made


def seed(stdout):
    today = timezone.localdate()
    cycle, _ = Cycle.objects.get_or_create(
        name=str(today.year),
        defaults={
            "opens": today.replace(month=1, day=1),
            "closes": today.replace(month=12, day=31),
            "is_open": True,
        },
    )
    for status, days in TARGETS.items():
        ServiceTarget.objects.get_or_create(status=status, defaults={"days": days})
    task_forces = _task_forces()
    assessments = _assessments(cycle, task_forces)
    requests = _requests(task_forces)
    matches = _matches()
    stdout.write(
        f"TTA: cycle {cycle.name} open, {assessments} new assessment(s), {requests} new request(s), "
        f"{matches} new match(es)."
    )

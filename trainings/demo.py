"""Demo trainings: a few public and members-only events, upcoming and past, with registrations.

Idempotent: events are found by title, so running it again adds nothing twice. Called by
``manage.py seed_demo`` after members and taxonomy, so demo accounts and terms exist.
Times are relative to now, so the calendar always has something coming up.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from config.errors import ServiceError
from forum.rendering import render_markdown
from members.demo import email_for
from members.models import User
from taxonomy.models import Term
from trainings import registration
from trainings.evaluations import demo as evaluations_demo
from trainings.models import Event, EventFormat, EventKind, Visibility
from trainings.modules import demo as modules_demo

# (title, kind, format, visibility, days from today, local hour, hours long, zone,
#  topic slugs, audience slugs, capacity)
EVENTS = [
    (
        "Labor trafficking indicators for patrol",
        EventKind.WEBINAR,
        EventFormat.VIRTUAL,
        Visibility.PUBLIC,
        7,
        13,
        1.5,
        "America/New_York",
        ["labor-trafficking-investigation"],
        ["patrol"],
        200,
    ),
    (
        "Trauma-informed interviewing: a peer exchange",
        EventKind.PEER_EXCHANGE,
        EventFormat.VIRTUAL,
        Visibility.MEMBERS,
        10,
        10,
        2,
        "America/Phoenix",
        ["victim-centered-and-trauma-informed-response"],
        ["investigators"],
        3,
    ),
    (
        "Financial investigation workshop, Columbus",
        EventKind.IN_PERSON_TRAINING,
        EventFormat.IN_PERSON,
        Visibility.MEMBERS,
        21,
        9,
        7,
        "America/New_York",
        ["financial-investigation"],
        ["investigators", "prosecutors"],
        30,
    ),
    (
        "Building a task force data dashboard",
        EventKind.CONFERENCE_SESSION,
        EventFormat.HYBRID,
        Visibility.PUBLIC,
        35,
        14,
        1,
        "America/Chicago",
        ["data-collection-and-analysis"],
        ["task-force-coordinators", "researchers"],
        80,
    ),
    (
        "Case review for prosecutors (recording available)",
        EventKind.WEBINAR,
        EventFormat.VIRTUAL,
        Visibility.MEMBERS,
        -14,
        12,
        1.5,
        "America/Los_Angeles",
        ["prosecution-and-case-review"],
        ["prosecutors"],
        100,
    ),
]

DESCRIPTION = (
    "A session for task force members led by TTA staff and peers.\n\n"
    "- What works, from task forces that have done it\n- Questions from the field\n- Resources to take home"
)


def _local(days: int, hour: int, zone_name: str) -> datetime:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(zone_name)
    day = timezone.localtime(timezone.now(), zone).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone)


def seed(stdout):
    staff = User.objects.filter(email=email_for("tta")).first()
    made = 0
    for title, kind, fmt, visibility, days, hour, hours, zone, topics, audiences, capacity in EVENTS:
        if Event.objects.filter(title=title).exists():
            continue
        starts = _local(days, hour, zone)
        virtual = fmt != EventFormat.IN_PERSON
        materials = "[Slides (PDF)](https://www.example.org/slides.pdf)" if days < 0 else ""
        event = Event.objects.create(
            title=title, kind=kind, format=fmt, visibility=visibility, is_published=True,
            starts_at=starts, ends_at=starts + timedelta(hours=hours), time_zone=zone,
            location="" if fmt == EventFormat.VIRTUAL else "Franklin County Sheriff's Office training room",
            join_url="https://meet.example.org/tfc-demo" if virtual else "",
            capacity=capacity, questions=["Accessibility needs"],
            description=DESCRIPTION, description_html=render_markdown(DESCRIPTION),
            materials=materials, materials_html=render_markdown(materials),
            created_by=staff,
        )  # fmt: skip
        event.topics.set(Term.objects.filter(slug__in=topics))
        event.audiences.set(Term.objects.filter(slug__in=audiences))
        made += 1
    _register_demo_members()
    stdout.write(f"Trainings: {made} demo event(s) added.")
    modules_demo.seed(stdout)
    evaluations_demo.seed(stdout)


def _register_demo_members():
    """Fill the small peer exchange so the demo shows a full event and a waitlist."""
    event = Event.objects.filter(title=EVENTS[1][0]).first()
    if event is None or event.registrations.exists():
        return
    for local in ("member", "coordinator", "prosecutor", "advocate"):
        user = User.objects.filter(email=email_for(local)).first()
        if user is None:
            continue
        try:
            with transaction.atomic():
                registration.register(event, user, {"Accessibility needs": ""})
        except ServiceError:
            continue

"""Demo forum content: categories (one for prosecutors only), topics across the shared tags, replies,
accepted answers and helpful marks, all written by the demo accounts through forum.services.

Idempotent: categories are looked up by slug and a topic whose title exists is skipped.
"""

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from forum import services
from forum.access import PROSECUTORS
from forum.models import Category, CategoryPermission, Topic
from members.demo import email_for
from members.models import User
from taxonomy.models import Term

# (slug, name, description, parent slug, position, prosecutors only)
CATEGORIES = [
    (
        "investigations",
        "Investigations",
        "Proactive and reactive casework, interviews, evidence.",
        None,
        0,
        False,
    ),
    (
        "labor-cases",
        "Labor trafficking cases",
        "Agriculture, construction, domestic work, hospitality.",
        "investigations",
        0,
        False,
    ),
    (
        "financial",
        "Financial investigation",
        "Following the money, subpoenas, forfeiture.",
        "investigations",
        1,
        False,
    ),
    (
        "victim-services",
        "Victim services",
        "Trauma-informed response, housing, advocacy, continued presence.",
        None,
        1,
        False,
    ),
    (
        "operations",
        "Task force operations",
        "Governance, MOUs, meetings, data and reporting.",
        None,
        2,
        False,
    ),
    (
        "data",
        "Data and reporting",
        "What to count, how to share it, and grant reporting.",
        "operations",
        0,
        False,
    ),
    ("training", "Training and TTA", "Training plans, curricula, and technical assistance.", None, 3, False),
    (
        "prosecutors",
        "Prosecutors",
        "Charging, motions, trial strategy. Visible to prosecutors only.",
        None,
        4,
        True,
    ),
]

Q, D = Topic.Kind.QUESTION, Topic.Kind.DISCUSSION

# (category, kind, author, title, body, tags, [(replier, body)], index of the accepted reply or None)
TOPICS = [
    (
        "investigations",
        Q,
        "member",
        "How do you structure a joint interview with victim services present?",
        "We are moving to **joint interviews** with our NGO partner. Who leads, who takes notes, "
        "and how do you handle breaks? Anything you wish you had known before the first one?",
        ["victim-centered-and-trauma-informed-response", "proactive-investigations"],
        [
            (
                "advocate",
                "Agree the roles beforehand: the investigator leads, the advocate sits beside the person, "
                "not across. Breaks whenever they ask, no questions asked.",
            ),
            (
                "coordinator",
                "We wrote a one-page protocol both agencies signed. It is in our MOU appendix:\n\n"
                "1. Pre-brief (10 minutes)\n2. Interview\n3. Debrief with the advocate only",
            ),
            (
                "moderator",
                "Also see the e-Guide section on victim interviews: https://www.example.org/eguide",
            ),
        ],
        1,
    ),
    (
        "labor-cases",
        Q,
        "member",
        "Labor trafficking in agriculture: who do you call first?",
        "We got a tip about H-2A workers whose passports are held by the crew leader. DOL, HSI, or our own "
        "investigators first?",
        ["labor-trafficking-agriculture", "labor-trafficking-investigation"],
        [
            (
                "coordinator",
                "HSI and DOL Wage and Hour together, with your victim services partner on the call.",
            ),
            (
                "tta",
                "Document withholding alone is a federal offence (18 U.S.C. 1592); it is often the way in.",
            ),
        ],
        1,
    ),
    (
        "financial",
        Q,
        "researcher",
        "Which bank records have been most useful in your cases?",
        "For illicit massage business cases, which records gave you the most? Looking for a checklist.",
        ["financial-investigation", "sex-trafficking-of-adults"],
        [("member", "Merchant processing statements: card volume at 3 a.m. tells a story.")],
        0,
    ),
    (
        "victim-services",
        D,
        "advocate",
        "Emergency housing when shelters are full",
        "What do you do at 2 a.m. when every shelter bed in the county is taken? Share what has worked.",
        ["victim-centered-and-trauma-informed-response", "supporting-victims"],
        [
            ("coordinator", "We keep a small hotel voucher fund through our VOCA grant."),
            ("member", "Faith-based host homes, vetted in advance, have been a lifeline for us."),
        ],
        None,
    ),
    (
        "operations",
        Q,
        "coordinator",
        "What goes in a task force MOU?",
        "We are formalising our task force. What sections should our **MOU** have?",
        ["coordination", "forming-a-task-force"],
        [
            (
                "tta",
                "Purpose, members, governance, information sharing, victim services, media, "
                "and a review date.",
            ),
            ("admin", "Do not forget how a partner leaves the task force."),
        ],
        0,
    ),
    (
        "data",
        Q,
        "reviewer",
        "How do you count victims identified versus served?",
        "Our partners count the same person differently. How do you deduplicate across agencies?",
        ["data-collection-and-analysis", "information-sharing"],
        [
            (
                "researcher",
                "A shared case number per person, assigned by the coordinator, no names in the sheet.",
            )
        ],
        None,
    ),
    (
        "training",
        D,
        "tta",
        "Roll-call training for patrol: what sticks?",
        "Ten-minute roll-call trainings: which indicators do officers actually remember a month later?",
        ["training", "understanding-trafficking"],
        [("member", "Real local cases, anonymised. Statistics are forgotten by the end of the shift.")],
        None,
    ),
    (
        "prosecutors",
        Q,
        "prosecutor",
        "Motions to exclude expert testimony on trauma bonding",
        "Defence moved to exclude our expert on trauma bonding. What foundation did you lay?",
        ["prosecution-and-case-review", "building-strong-cases"],
        [("prosecutor", "Update: the court admitted it after a hearing on the expert's methodology.")],
        None,
    ),
    (
        "prosecutors",
        D,
        "prosecutor",
        "Charging decisions when the victim will not testify",
        "How are your offices approaching victimless prosecution strategies?",
        ["prosecution-and-case-review"],
        [],
        None,
    ),
]

# Shorter questions, to fill the lists: (category, author, title, tag).
SHORT_QUESTIONS = [
    ("investigations", "member", "Online ad monitoring tools you trust?", "proactive-investigations"),
    ("investigations", "coordinator", "Working with hotels on indicator training", "coordination"),
    (
        "labor-cases",
        "member",
        "Construction subcontractor chains: where to start?",
        "labor-trafficking-construction",
    ),
    ("labor-cases", "advocate", "Domestic workers on diplomatic visas", "labor-trafficking-domestic-work"),
    ("labor-cases", "tta", "Hospitality staffing agencies and debt bondage", "labor-trafficking-hospitality"),
    ("financial", "member", "Crypto tracing on a small budget", "financial-investigation"),
    ("victim-services", "advocate", "Continued presence requests: turnaround times?", "supporting-victims"),
    (
        "victim-services",
        "coordinator",
        "Language access for interviews in rare languages",
        "victim-centered-and-trauma-informed-response",
    ),
    (
        "victim-services",
        "advocate",
        "Supporting minors after recovery: first 72 hours",
        "sex-trafficking-of-minors",
    ),
    ("operations", "coordinator", "How often does your full task force meet?", "coordination"),
    ("operations", "admin", "Onboarding a new partner agency", "operating-a-task-force"),
    ("operations", "coordinator", "Media policy after a large operation", "operating-a-task-force"),
    ("data", "researcher", "Sharing de-identified data with researchers", "data-collection-and-analysis"),
    ("data", "reviewer", "Performance measures for the annual report", "data-collection-and-analysis"),
    ("training", "tta", "Cross-training prosecutors and advocates", "training"),
    ("training", "editor", "Good webinars for new task force members?", "training"),
    ("training", "member", "Training for school resource officers", "sex-trafficking-of-minors"),
    (
        "investigations",
        "moderator",
        "Interviewing through an interpreter",
        "victim-centered-and-trauma-informed-response",
    ),
    ("financial", "researcher", "Asset forfeiture and victim restitution", "financial-investigation"),
    ("operations", "coordinator", "Rural task forces: covering a large area", "coordination"),
    (
        "labor-cases",
        "coordinator",
        "Labor trafficking screening questions for inspectors",
        "labor-trafficking",
    ),
    ("victim-services", "advocate", "Peer mentors with lived experience", "supporting-victims"),
]
SHORT_BODY = "We are working on this now. What has worked for your task force, and what would you avoid?"
SHORT_REPLY = (
    "We tried this last year. Start small, write down who does what, and review it after three months."
)


def _people():
    emails = {
        email_for(local): local
        for local in {
            "member",
            "coordinator",
            "prosecutor",
            "advocate",
            "moderator",
            "editor",
            "reviewer",
            "researcher",
            "tta",
            "admin",
        }
    }
    return {emails[user.email]: user for user in User.objects.filter(email__in=emails)}


def _categories():
    prosecutors = Group.objects.get(name=PROSECUTORS)
    found = {}
    for slug, name, description, parent, position, restricted in CATEGORIES:
        category, _ = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "parent": found.get(parent),
                "position": position,
            },
        )
        if restricted:
            CategoryPermission.objects.get_or_create(category=category, group=prosecutors)
        found[slug] = category
    return found


def _write(people, category, kind, author, title, body, tags, replies, accepted):
    if Topic.objects.filter(title=title).exists():
        return False
    terms = list(Term.objects.filter(slug__in=tags))
    topic = services.start_topic(
        by=people[author], category=category, kind=kind, title=title, body=body, tags=terms
    )
    posts = [services.reply(topic, by=people[local], body=text) for local, text in replies]
    if accepted is not None:
        services.accept_answer(topic, posts[accepted], by=people[author])
    for post in posts:
        if post.author != people[author]:
            try:
                with transaction.atomic():
                    services.mark_helpful(post, by=people[author])
            except (services.ForumError, IntegrityError):
                pass
    return True


def seed(stdout):
    people = _people()
    if len(people) < 10:
        stdout.write("Forum demo skipped: run the members demo first.")
        return
    # The demo prosecutor reads the prosecutors-only category.
    people["prosecutor"].groups.add(Group.objects.get(name=PROSECUTORS))
    categories = _categories()
    written = 0
    for slug, kind, author, title, body, tags, replies, accepted in TOPICS:
        written += _write(people, categories[slug], kind, author, title, body, tags, replies, accepted)
    for n, (slug, author, title, tag) in enumerate(SHORT_QUESTIONS):
        replier = "coordinator" if author != "coordinator" else "member"
        replies = [(replier, SHORT_REPLY)] if n % 3 else []
        accepted = 0 if n % 3 == 1 else None
        written += _write(people, categories[slug], Q, author, title, SHORT_BODY, [tag], replies, accepted)
    stdout.write(f"Forum: {len(categories)} categories, {written} new demo topics.")

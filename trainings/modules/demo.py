"""Demo roll-call modules for ``seed_demo`` (called from trainings.demo.seed).

Their videos and captions are tiny files committed in ``trainings/demo_media/`` (nine-second
WebM clips made once with ffmpeg), copied into the protected storage: nothing is downloaded.
Idempotent: a module is found by its title, so running it again adds nothing twice.
"""

from decimal import Decimal
from pathlib import Path

from django.core.files import File
from django.db import transaction

from trainings.modules.models import Module, QuizQuestion

MEDIA = Path(__file__).resolve().parent.parent / "demo_media"

MODULES = [
    {
        "title": "Roll call 1: trafficking indicators on a traffic stop",
        "summary": "What to notice when one person speaks for everyone in the car, and who to call.",
        "file": "roll-call-1-indicators",
        "hours": Decimal("0.25"),
        "pass_mark": 67,
        "discussion": [
            "When did you last see someone answer for a passenger who could have answered for themselves?",
            "Who holds the documents in the vehicles you stop, and what would make you ask why?",
            "What is our task force's line, and when should a patrol officer call it?",
        ],
        "quiz": [
            (
                "A driver answers every question put to the passenger. What is the best next step?",
                [
                    "Cite the driver and move on",
                    "Ask the passenger open questions, apart if safe",
                    "Ignore it",
                ],
                2,
            ),
            (
                "Someone else holds a worker's identity documents. This is:",
                ["A common indicator of trafficking", "Always a crime by itself", "Never worth noting"],
                1,
            ),
            (
                "When something seems off, who should patrol contact?",
                ["Nobody until there is proof", "The task force line", "The local newspaper"],
                2,
            ),
        ],
    },
    {
        "title": "Roll call 2: first contact with a possible survivor",
        "summary": "Safety first: separating, interpreting and connecting the person with an advocate.",
        "file": "roll-call-2-first-contact",
        "hours": Decimal("0.25"),
        "pass_mark": 100,
        "discussion": [
            "How do we separate a person from someone who may control them without raising alarm?",
            "Which interpreters can we reach at 3 a.m., and how?",
            "What does a victim advocate do that we cannot?",
        ],
        "quiz": [
            (
                "Who should interpret for a possible survivor?",
                ["Their companion", "A qualified interpreter", "Whoever is nearby"],
                2,
            ),
            (
                "What comes first at first contact?",
                ["A full interview", "The person's safety", "Checking immigration status"],
                2,
            ),
        ],
    },
]


def seed(stdout):
    made = 0
    for spec in MODULES:
        if Module.objects.filter(title=spec["title"]).exists():
            continue
        with transaction.atomic():
            module = Module(
                title=spec["title"],
                summary=spec["summary"],
                discussion_questions="\n".join(spec["discussion"]),
                hours=spec["hours"],
                pass_mark=spec["pass_mark"],
                is_published=True,
            )
            with (MEDIA / f"{spec['file']}.webm").open("rb") as video:
                module.video.save(f"{spec['file']}.webm", File(video), save=False)
            with (MEDIA / f"{spec['file']}.vtt").open("rb") as captions:
                module.captions.save(f"{spec['file']}.vtt", File(captions), save=False)
            module.save()
            for order, (prompt, options, correct) in enumerate(spec["quiz"]):
                QuizQuestion.objects.create(
                    module=module,
                    sort_order=order,
                    prompt=prompt,
                    options="\n".join(options),
                    correct_option=correct,
                )
        made += 1
    stdout.write(f"Trainings: {made} demo roll-call module(s) added.")

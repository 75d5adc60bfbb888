"""Roll-call modules for tests: a tiny WebM-looking video, WebVTT captions and a quiz."""

from decimal import Decimal

from django.core.files.base import ContentFile

from trainings.modules.models import Module, QuizQuestion

WEBM = b"\x1a\x45\xdf\xa3" + b"\x00demo-video-bytes" * 8
VTT = "WEBVTT\n\n1\n00:00:00.000 --> 00:00:03.000\nCheck who holds the documents.\n"
QUIZ = (
    ("Who should interpret?", ["Their companion", "A qualified interpreter", "Anyone nearby"], 2),
    ("What comes first?", ["A full interview", "The person's safety"], 2),
    ("Who do you call?", ["Nobody", "The task force line", "The press"], 2),
)


def make_module(
    title="Roll call: first contact",
    *,
    published=True,
    quiz=QUIZ,
    pass_mark=100,
    hours=Decimal("0.50"),
    captions=VTT,
    discussion="What would you ask first?\nWho is our advocate on nights?",
    summary="Safety first.",
):
    module = Module(
        title=title,
        summary=summary,
        discussion_questions=discussion,
        pass_mark=pass_mark,
        hours=hours,
        is_published=published,
    )
    module.video.save("clip.webm", ContentFile(WEBM), save=False)
    module.captions.save("clip.vtt", ContentFile(captions.encode()), save=False)
    module.save()
    for order, (prompt, options, correct) in enumerate(quiz):
        QuizQuestion.objects.create(
            module=module, sort_order=order, prompt=prompt, options="\n".join(options), correct_option=correct
        )
    return module

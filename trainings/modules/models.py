"""Roll-call modules, their quiz questions and members' completions.

A module's video and WebVTT captions live in the protected storage (``config.storage``), never
under MEDIA_URL: they are sent only by ``trainings.modules.views`` after ``trainings.access``
says the viewer is a member. ``ModuleCompletion`` is unique per module and member, so a second
pass (or a double POST) never records the module twice.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from config.storage import protected_storage

__all__ = ["Module", "ModuleCompletion", "QuizQuestion"]

MAX_VIDEO_BYTES = 100 * 1024 * 1024
MAX_CAPTIONS_BYTES = 512 * 1024
MIN_OPTIONS, MAX_OPTIONS = 2, 6

# The first bytes of each video container we accept, and the content type we send it with.
VIDEO_TYPES = {".webm": "video/webm", ".mp4": "video/mp4"}


def module_storage():
    """The protected storage's folder for module videos and captions (referenced by migrations)."""
    return protected_storage("trainings/modules")


def _head(upload, size: int) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def video_kind(head: bytes) -> str | None:
    """ ".webm" or ".mp4" from a file's first bytes, or None: the name alone is never trusted."""
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return ".webm"
    if head[4:8] == b"ftyp":
        return ".mp4"
    return None


def validate_video(upload) -> None:
    if upload.size > MAX_VIDEO_BYTES:
        raise ValidationError("The video is larger than 100 MB; roll-call videos are short.")
    kind = video_kind(_head(upload, 12))
    if kind is None or not upload.name.lower().endswith(kind):
        raise ValidationError("Upload a WebM (.webm) or MP4 (.mp4) video.")


def validate_webvtt(upload) -> None:
    """Captions are required and must be a WebVTT file: UTF-8 text starting with "WEBVTT"."""
    if upload.size > MAX_CAPTIONS_BYTES:
        raise ValidationError("The captions file is larger than 512 KB.")
    head = _head(upload, MAX_CAPTIONS_BYTES)
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The captions file must be UTF-8 text.") from None
    first_line = text.split("\n", 1)[0].rstrip("\r")
    if not (first_line == "WEBVTT" or first_line.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise ValidationError('The captions must be a WebVTT file: its first line starts with "WEBVTT".')
    if "-->" not in text:
        raise ValidationError("The captions file has no cues (lines with start --> end times).")


class ModuleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Module(ClusterableModel):
    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=2000, blank=True, help_text="One or two sentences for the list.")
    video = models.FileField(
        storage=module_storage,
        upload_to="videos",
        max_length=300,
        validators=[validate_video],
        help_text="A short WebM or MP4 video, up to 100 MB. Members only: it is never public.",
    )
    captions = models.FileField(
        "captions (WebVTT)",
        storage=module_storage,
        upload_to="captions",
        max_length=300,
        validators=[validate_webvtt],
        help_text='Required: a WebVTT file (.vtt) whose first line is "WEBVTT"; also the transcript.',
    )
    discussion_questions = models.TextField(
        max_length=5000, help_text="One question per line, for the roll-call discussion."
    )
    hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.25"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("8"))],
        help_text="Training hours a member's record gets for completing it.",
    )
    pass_mark = models.PositiveSmallIntegerField(
        "pass mark (%)",
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="The share of quiz questions to answer correctly, in percent.",
    )
    is_published = models.BooleanField(default=False, help_text="Members see only published modules.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1, pass_mark__lte=100), name="trainings_module_pass_mark"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="trainings_module_hours_positive"),
        ]

    def __str__(self):
        return self.title

    @property
    def discussion_list(self) -> list[str]:
        return [line.strip() for line in self.discussion_questions.splitlines() if line.strip()]

    @property
    def video_content_type(self) -> str:
        suffix = "." + self.video.name.rsplit(".", 1)[-1].lower() if "." in self.video.name else ""
        return VIDEO_TYPES.get(suffix, "application/octet-stream")


class QuizQuestion(Orderable):
    module = ParentalKey(Module, on_delete=models.CASCADE, related_name="questions")
    prompt = models.CharField(max_length=500)
    options = models.TextField(max_length=3000, help_text="One answer per line, 2 to 6 of them.")
    correct_option = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_OPTIONS)],
        help_text="The number of the right answer: 1 for the first line, 2 for the second...",
    )

    def __str__(self):
        return self.prompt

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    def clean(self):
        super().clean()
        count = len(self.option_list)
        if not MIN_OPTIONS <= count <= MAX_OPTIONS:
            raise ValidationError({"options": f"Give {MIN_OPTIONS} to {MAX_OPTIONS} answers, one per line."})
        if self.correct_option is not None and not 1 <= self.correct_option <= count:
            raise ValidationError({"correct_option": f"Choose a number from 1 to {count}."})


class ModuleCompletion(models.Model):
    """A member passed the module's quiz; written once (trainings.modules.services.submit_quiz)."""

    # PROTECT: a member's record keeps every module they completed; unpublish a module instead.
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="completions")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_completions"
    )
    score = models.PositiveSmallIntegerField(help_text="Percent of questions answered correctly.")
    # The module's hours when it was completed: a later edit does not change a member's record.
    hours = models.DecimalField(max_digits=4, decimal_places=2)
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["module", "member"], name="trainings_one_module_completion")
        ]

    def __str__(self):
        return f"{self.member_id} completed module {self.module_id}"

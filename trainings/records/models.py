"""Check-in codes of events and issued certificates of completion.

Imported by ``trainings.models``, so they belong to the trainings app and its migrations.
A certificate keeps a snapshot of what it certified (title, hours, date, holder's name):
renaming an event or a member later never changes a certificate already handed out.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

# No 0/O, 1/I/L: read aloud at roll call or typed from a projector, nothing is ambiguous.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CHECKIN_CODE_LENGTH = 6
# 31^12 is about 7.9e17 codes: with the verification page rate-limited, guessing one is hopeless.
CERTIFICATE_CODE_LENGTH = 12


def random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_checkin_code() -> str:
    return random_code(CHECKIN_CODE_LENGTH)


def new_certificate_code() -> str:
    return random_code(CERTIFICATE_CODE_LENGTH)


class CheckInCode(models.Model):
    """The code staff show at an event; attendees type it in to be marked as attended."""

    event = models.OneToOneField("trainings.Event", on_delete=models.CASCADE, related_name="check_in_code")
    code = models.CharField(max_length=CHECKIN_CODE_LENGTH, default=new_checkin_code)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"check-in code of event {self.event_id}"


class Certificate(models.Model):
    """One certificate per member and record entry, issued on its first download."""

    code = models.CharField(max_length=CERTIFICATE_CODE_LENGTH, unique=True, default=new_certificate_code)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_certificates"
    )
    key = models.CharField(max_length=64)  # the RecordEntry key: "event:12", "module:3"
    title = models.CharField(max_length=300)
    hours = models.DecimalField(max_digits=7, decimal_places=2)
    completed_at = models.DateTimeField()
    holder_name = models.CharField(max_length=150)
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "key"], name="trainings_one_certificate_per_entry")
        ]

    def __str__(self):
        return f"certificate {self.code}"

    @property
    def display_code(self) -> str:
        """The code in groups of four, as printed and read: ABCD-EFGH-JKMN."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

"""A password validator for the upper bound: Django checks only the lower one.

OWASP ASVS 2.1.2 (level 2) asks that passwords of 64 characters be allowed and
that longer than 128 be refused; without a bound a sign-up form accepts a
password of any length and hashes it.
"""

from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    def __init__(self, max_length=128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is too long. It must have at most {self.max_length} characters.",
                code="password_too_long",
            )

    def get_help_text(self):
        return f"Your password can have at most {self.max_length} characters."

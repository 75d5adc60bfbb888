"""Spam guards of the contact form: a honeypot field and a per-address rate limit.

A bot fills in every field it finds, including ``website``, which people never
see (cms.css hides it, it is skipped by the keyboard and its label says to
leave it empty): such a submission is answered as if it worked and dropped. An
address may submit ``CONTACT_FORM_RATE[0]`` times per ``CONTACT_FORM_RATE[1]``
seconds (counted by config.ratelimit); beyond that the page says so plainly and
offers email and phone.
"""

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator

from config import ratelimit

HONEYPOT_FIELD = "website"
MAX_TEXT_CHARS = 5000
MAX_LINE_CHARS = 300


# The contact page shows this with the site's email address and phone number beside it.
RATE_LIMITED = "You have sent several messages in a short time, so this form is paused for you for a while."


def count_submission(request) -> None:
    """Count one submission from the visitor's address; raises LimitReached past CONTACT_FORM_RATE."""
    limit, window = settings.CONTACT_FORM_RATE
    ratelimit.hit("contact", client_address(request), limit=limit, window=window, message=RATE_LIMITED)


def client_address(request):
    """The visitor's address as the web server saw it; a proxy in front must pass the real one on."""
    return (request.META.get("REMOTE_ADDR") or "unknown")[:64]


def guard(form):
    """Add the honeypot, and cap text fields so one post cannot fill the database or an inbox."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and not field.max_length:
            limit = MAX_TEXT_CHARS if isinstance(field.widget, forms.Textarea) else MAX_LINE_CHARS
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs["maxlength"] = str(limit)
    form.fields[HONEYPOT_FIELD] = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    return form


def submitted_by_bot(form):
    """Whether the honeypot field, which people never see, was filled in."""
    return bool(str(form.data.get(HONEYPOT_FIELD, "")).strip())

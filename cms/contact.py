"""Spam guards of the contact form: a honeypot field and a per-address rate limit.

A bot fills in every field it finds, including ``website``, which people never
see (cms.css hides it, it is skipped by the keyboard and its label says to
leave it empty): such a submission is answered as if it worked and dropped. An
address may submit ``CONTACT_FORM_RATE[0]`` times per ``CONTACT_FORM_RATE[1]``
seconds; beyond that the page says so plainly and offers email and phone.
"""

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.validators import MaxLengthValidator

HONEYPOT_FIELD = "website"
MAX_TEXT_CHARS = 5000
MAX_LINE_CHARS = 300


class RateLimit:
    """At most N actions per window per key, counted in the shared cache (so across machines)."""

    def __init__(self, prefix, setting):
        self.prefix, self.setting = prefix, setting

    @property
    def limit(self):
        return getattr(settings, self.setting)[0]

    @property
    def window(self):
        return getattr(settings, self.setting)[1]

    def _key(self, key):
        return f"ratelimit:{self.prefix}:{key}"

    def exceeded(self, key):
        return (cache.get(self._key(key)) or 0) >= self.limit

    def hit(self, key):
        cache_key = self._key(key)
        # add() then incr() is atomic on Redis and locmem, so concurrent posts all count.
        cache.add(cache_key, 0, self.window)
        try:
            return cache.incr(cache_key)
        except ValueError:  # expired between the two calls
            cache.set(cache_key, 1, self.window)
            return 1


rate_limit = RateLimit("contact", "CONTACT_FORM_RATE")


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
    return bool(str(form.data.get(HONEYPOT_FIELD, "")).strip())

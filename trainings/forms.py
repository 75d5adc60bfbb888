"""Forms for trainings: the staff event form, the registration questions, the member's time zone.

The event form takes local times in the event's own time zone (as a coordinator thinks
of them: "10:00 in Phoenix") and gives the service UTC-aware datetimes.
"""

import zoneinfo
from datetime import datetime
from decimal import Decimal

from django import forms

from taxonomy.models import Facet, Term
from trainings.models import Event, EventFormat, EventKind, Visibility, available_time_zones

# The zones task forces work in, first; any IANA name is accepted.
US_ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
    "Pacific/Guam",
    "UTC",
]


def time_zone_choices():
    others = sorted(available_time_zones() - set(US_ZONES))
    return [(name, name) for name in US_ZONES + others]


LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _in_zone(value: datetime | None, zone: zoneinfo.ZoneInfo) -> datetime | None:
    """A naive local time typed for ``zone``, made aware (Django made it aware in the site's zone)."""
    if value is None:
        return None
    return value.replace(tzinfo=None).replace(tzinfo=zone)


class EventForm(forms.Form):
    kind = forms.ChoiceField(choices=EventKind.choices)
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=20000,
        help_text="Markdown. Raw HTML is shown as text.",
    )
    materials = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=20000,
        help_text="Links to slides, recordings and handouts (Markdown); kept after the event.",
    )
    topics = forms.ModelMultipleChoiceField(
        queryset=Term.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    audiences = forms.ModelMultipleChoiceField(
        queryset=Term.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    format = forms.ChoiceField(choices=EventFormat.choices)
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        initial="America/New_York",
        help_text="The event's own time zone; the times below are in it.",
    )
    starts_at = forms.DateTimeField(label="Starts", widget=LOCAL)
    ends_at = forms.DateTimeField(label="Ends", widget=LOCAL)
    registration_deadline = forms.DateTimeField(label="Registration deadline", widget=LOCAL, required=False)
    location = forms.CharField(max_length=300, required=False)
    join_url = forms.URLField(
        label="Join link",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="Shown only to registered attendees.",
    )
    capacity = forms.IntegerField(min_value=1, max_value=100000, initial=50)
    credit_hours = forms.DecimalField(
        label="Credit hours",
        required=False,
        min_value=Decimal("0.25"),
        max_value=Decimal("500"),
        max_digits=5,
        decimal_places=2,
        help_text="Hours a certificate of attendance carries. Leave empty to use the event's length.",
    )
    questions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        label="Registration questions",
        help_text="One per line, e.g. “Accessibility needs”. Answers are optional.",
    )
    visibility = forms.ChoiceField(choices=Visibility.choices)
    is_published = forms.BooleanField(label="Published", required=False)

    def __init__(self, *args, visibilities=None, **kwargs):
        super().__init__(*args, **kwargs)
        terms = Term.objects.current().order_by("sort_order", "name")
        self.fields["topics"].queryset = terms.filter(facet__in=[Facet.PRACTICE_AREA, Facet.TRAFFICKING_TYPE])
        self.fields["audiences"].queryset = terms.filter(facet=Facet.AUDIENCE)
        if visibilities is not None:
            self.fields["visibility"].choices = [c for c in Visibility.choices if c[0] in visibilities]

    @classmethod
    def initial_for(cls, event: Event) -> dict:
        zone = event.zone

        def local(value):
            return value.astimezone(zone).replace(tzinfo=None) if value else None

        return {
            **{
                name: getattr(event, name)
                for name in (
                    "kind",
                    "title",
                    "description",
                    "materials",
                    "format",
                    "time_zone",
                    "location",
                    "join_url",
                    "capacity",
                    "credit_hours",
                    "visibility",
                    "is_published",
                )
            },
            "starts_at": local(event.starts_at),
            "ends_at": local(event.ends_at),
            "registration_deadline": local(event.registration_deadline),
            "questions": "\n".join(event.questions),
            "topics": list(event.topics.all()),
            "audiences": list(event.audiences.all()),
        }

    def clean_questions(self):
        lines = [" ".join(line.split()) for line in self.cleaned_data["questions"].splitlines()]
        questions = list(dict.fromkeys(line[:200] for line in lines if line))
        if len(questions) > 10:
            raise forms.ValidationError("Ask at most 10 questions.")
        return questions

    def clean(self):
        data = super().clean()
        zone_name = data.get("time_zone")
        if zone_name:
            zone = zoneinfo.ZoneInfo(zone_name)
            for name in ("starts_at", "ends_at", "registration_deadline"):
                if data.get(name):
                    data[name] = _in_zone(data[name], zone)
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", "The event must end after it starts.")
        return data


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        label="Your time zone",
        help_text="Event times are shown to you in this zone.",
    )


class FilterForm(forms.Form):
    topic = forms.SlugField(required=False)
    audience = forms.SlugField(required=False)
    format = forms.ChoiceField(choices=[("", "Any format"), *EventFormat.choices], required=False)

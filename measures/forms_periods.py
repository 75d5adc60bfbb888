"""Forms of the staff screens for reporting periods and measure-set versions.

They parse and bound what was typed; the rules that need the database or span fields (a due date
after the quarter, a factor above 1, one period a quarter, a code once per set) live in
``measures.periods``, whose messages the views put back next to the field they name.
"""

from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator

from measures.models import MeasureSet

FACTOR_HELP = (
    "A figure more than this many times last quarter's (or less than that fraction of it) asks the "
    "reporter for a short reason. More than 1; 3 is usual."
)
FACTOR_ERRORS = {
    "invalid": "Enter the factor as a number, such as 3 or 2.5.",
    "max_digits": "Enter a factor of at most 100, with at most two decimals.",
    "max_decimal_places": "Use at most two decimals, such as 2.5.",
    "max_whole_digits": "Enter a factor of at most 100.",
}


class _Form(forms.Form):
    """Labels without Django's trailing colon, as the site's other forms read."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"


def _factor():
    return forms.DecimalField(
        label="Change factor",
        max_digits=5,
        decimal_places=2,
        help_text=FACTOR_HELP,
        error_messages=FACTOR_ERRORS,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6, "maxlength": 12}),
    )


def _due():
    return forms.DateField(
        label="Due date",
        widget=DateInput,
        help_text="After the quarter ends. Reminders go out 7 days before and 1 day after.",
        error_messages={"invalid": "Enter a date, such as 2027-04-30."},
    )


class PeriodForm(_Form):
    year = forms.IntegerField(
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": "Enter a year, such as 2027.", "min_value": "Enter a year from 2000."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6, "maxlength": 4}),
    )
    quarter = forms.TypedChoiceField(coerce=int, choices=[(q, f"Q{q}") for q in range(1, 5)])
    due_on = _due()
    change_factor = _factor()
    measure_set = forms.ModelChoiceField(
        queryset=MeasureSet.objects.order_by("-version"),
        empty_label=None,
        label="Measure set",
        help_text="The quarter keeps this version for good: a later version never changes what it meant.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_factor"].initial = Decimal("3.00")


class PeriodSettingsForm(_Form):
    due_on = _due()
    change_factor = _factor()


class CloseForm(_Form):
    confirm = forms.BooleanField(required=False, label="Close it anyway")


code_format = RegexValidator(
    r"^[a-z0-9]+(-[a-z0-9]+)*$", "Use lower-case letters, digits and single hyphens, such as arrests-federal."
)


class SetVersionForm(_Form):
    """A copy of ``measure_set`` with edits: a definition box and a retire box per measure, and one
    new measure (optional). ``definition-<code>`` and ``retire-<code>`` fields are added per measure."""

    based_on = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(max_length=200, label="Title of the new version")
    code = forms.CharField(
        required=False,
        max_length=60,
        validators=[code_format],
        label="Code",
        help_text="Lower-case, with hyphens.",
    )
    name = forms.CharField(required=False, max_length=200, label="Name")
    definition = forms.CharField(
        required=False,
        max_length=2000,
        label="Plain-language definition",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    unit = forms.CharField(required=False, max_length=60, label="Unit", initial="count")
    parent = forms.ChoiceField(required=False, label="Breaks down (optional)")
    breakdown = forms.CharField(
        required=False,
        max_length=40,
        label="Breakdown (optional)",
        help_text="Parts of one breakdown, such as type, add up to at most their total.",
    )

    def __init__(self, *args, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.measures = measures
        self.fields["parent"].choices = [("", "Nothing: a total of its own")] + [
            (m.code, m.name) for m in measures if not m.parent_id
        ]
        for m in measures:
            self.fields[f"definition-{m.code}"] = forms.CharField(
                max_length=2000,
                initial=m.definition,
                label=f"Definition of {m.name}",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"retire-{m.code}"] = forms.BooleanField(required=False, label=f"Retire {m.name}")

    def rows(self):
        """Each measure with its two bound fields, in the set's order."""
        return [(m, self[f"definition-{m.code}"], self[f"retire-{m.code}"]) for m in self.measures]

    def clean(self):
        data = super().clean()
        new = [data.get(f) for f in ("code", "name", "definition")]
        if any(new) and not all(new):
            for name, value in zip(("code", "name", "definition"), new, strict=True):
                if not value and name not in self.errors:
                    self.add_error(name, "A new measure needs a code, a name and a definition.")
        return data

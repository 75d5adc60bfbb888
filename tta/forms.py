"""Forms for TTA pages. The assessment's rating grid is read straight from POST (one row per area)."""

from django import forms

from taxonomy.models import Facet, Term
from tta.models import (
    FINISHED_STATUSES,
    MAX_TEXT,
    REQUEST_TOPIC_FACETS,
    Delivery,
    Match,
    RequestStatus,
    Urgency,
)
from tta.services.matches import STAFF_KIND_CHOICE


class TermChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_facet_display()}: {obj.name}"


class RequestForm(forms.Form):
    topic = TermChoiceField(
        queryset=Term.objects.none(),
        help_text="The area you want help with.",
        error_messages={
            "invalid_choice": "Choose a current topic from the list; that one may have been retired."
        },
    )
    audience = forms.ModelChoiceField(
        queryset=Term.objects.none(), required=False, help_text="Who would be trained."
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=MAX_TEXT)
    urgency = forms.ChoiceField(choices=Urgency.choices, initial=Urgency.NORMAL)
    format = forms.ChoiceField(choices=Delivery.choices, label="Preferred format")
    preferred_from = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Preferred dates: from"
    )
    preferred_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Term.objects.current().filter(facet__in=REQUEST_TOPIC_FACETS)
        self.fields["audience"].queryset = Term.objects.current().of_facet(Facet.AUDIENCE)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=RequestStatus.choices, label="New status")
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when declining; the requester sees it.",
    )
    expected_status = forms.CharField(widget=forms.HiddenInput)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=None, required=False)
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Internal note",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only TTA staff see notes.",
    )


class AddMatchForm(forms.Form):
    """What staff type to add a match. Only lengths are checked here; tta.services.matches checks the rest
    (title, link, the member or task force named) and says what is wrong."""

    kind = forms.ChoiceField(
        label="Kind",
        choices=Match.Kind.choices,
        initial=Match.Kind.RESOURCE,
        required=False,
        error_messages={"invalid_choice": STAFF_KIND_CHOICE},
    )
    title = forms.CharField(max_length=300, required=False, label="Title")
    url = forms.CharField(max_length=500, required=False, label="Link")
    reason = forms.CharField(max_length=500, required=False, label="Why it helps")
    peer_member_name = forms.CharField(max_length=150, required=False, label="Peer member's name")
    # The member chosen from the name search's list (their account id, never typed by staff).
    peer_member = forms.CharField(max_length=20, required=False, label="Peer member")
    peer_task_force = forms.CharField(max_length=20, required=False, label="Peer task force")

    def error_list(self) -> list[str]:
        return [f"{self.fields[name].label}: {e}" for name, errs in self.errors.items() for e in errs]


class CycleForm(forms.Form):
    name = forms.CharField(max_length=80)
    opens = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    closes = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class ServiceTargetForm(forms.Form):
    # Closed and declined requests are finished: they have no target to miss.
    status = forms.ChoiceField(choices=[c for c in RequestStatus.choices if c[0] not in FINISHED_STATUSES])
    days = forms.IntegerField(min_value=1, max_value=365)


class DeclineExchangeForm(forms.Form):
    reason = forms.CharField(
        label="Why are you declining?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The other task force's coordinator and TTA staff read this.",
        error_messages={"required": "Give the other task force a reason for declining."},
    )

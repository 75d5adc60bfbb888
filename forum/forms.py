"""Forms for writing in the forum. They collect input; forum.services decides whether it is allowed."""

from django import forms

from forum.models import MAX_TITLE_LENGTH, Category, PostReport, Topic, WatchLevel
from forum.services import MAX_POST_BYTES, MAX_TAGS
from taxonomy.models import Term

BODY_HELP = (
    "Markdown: **bold**, *italic*, `code`, ``` for code blocks, > to quote, - for lists. "
    "Links become links. Do not include anything that identifies a victim or a case."
)


class BodyField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label="Your post",
            # The services check the byte size with a clear message; this only stops absurd uploads early.
            max_length=MAX_POST_BYTES * 4,
            strip=False,
            help_text=BODY_HELP,
            widget=forms.Textarea(attrs={"rows": 12}),
            **kwargs,
        )


class PrivacyConfirmField(forms.BooleanField):
    """Shown only after the privacy guard flagged something (see views._privacy)."""

    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            label="I have checked: this does not identify a victim, a witness or a case",
            widget=forms.HiddenInput,
            **kwargs,
        )


def show_privacy_confirmation(form):
    form.fields["confirm_private"].widget = forms.CheckboxInput()


class TopicForm(forms.Form):
    category = forms.ModelChoiceField(queryset=Category.objects.none(), empty_label=None)
    kind = forms.ChoiceField(
        label="This is a", choices=Topic.Kind.choices, widget=forms.RadioSelect, initial=Topic.Kind.QUESTION
    )
    title = forms.CharField(max_length=MAX_TITLE_LENGTH)
    tags = forms.ModelMultipleChoiceField(
        queryset=Term.objects.current(),
        required=False,
        help_text=f"Up to {MAX_TAGS}. A question needs at least one.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    body = BodyField()
    confirm_private = PrivacyConfirmField()

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


class ReplyForm(forms.Form):
    body = BodyField()
    confirm_private = PrivacyConfirmField()
    quote = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EditForm(forms.Form):
    title = forms.CharField(max_length=MAX_TITLE_LENGTH, required=False)
    body = BodyField()
    confirm_private = PrivacyConfirmField()


class WatchForm(forms.Form):
    level = forms.ChoiceField(choices=WatchLevel.choices)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=PostReport.Reason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Anything the moderators should know (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

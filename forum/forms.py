"""Forms for writing in the forum. They collect input; forum.services decides whether it is allowed."""

from django import forms

from forum.attachments.services import MAX_ALT
from forum.attachments.services import MAX_PER_POST as MAX_FILES
from forum.models import MAX_TITLE_LENGTH, Category, PostReport, Topic, WatchLevel, forum_vocabulary
from forum.services import MAX_POST_BYTES, MAX_TAGS

# What the file chooser offers; the content decides, whatever the name or this list says.
ATTACHMENT_ACCEPT = (
    "image/png,image/jpeg,image/webp,image/gif,application/pdf,.png,.jpg,.jpeg,.webp,.gif,.pdf"
)

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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Files to attach while writing: a list of uploads, checked by forum.attachments.services.check_all."""

    def __init__(self, **kwargs):
        super().__init__(
            label="Attach files (optional)",
            required=False,
            # Empty files reach forum.attachments.services, which says plainly that they are empty.
            allow_empty_file=True,
            help_text=f"Images (PNG, JPEG, WebP or GIF) or PDFs, up to 10 MB each and {MAX_FILES} in all. "
            "Photos lose their hidden details (location, camera) when attached.",
            widget=MultipleFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
            **kwargs,
        )

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(AttachmentsField, self).clean(item, initial) for item in data if item]
        return [data] if data else []


class ImageDescriptionsField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label="Describe each image (for members who cannot see it)",
            required=False,
            max_length=MAX_FILES * (MAX_ALT + 2),
            help_text="One line per image, in the order you chose them. Not needed for PDFs.",
            widget=forms.Textarea(attrs={"rows": 2}),
            **kwargs,
        )


class AttachingForm(forms.Form):
    """Adds the attachment fields to a writing form; the form needs the multipart encoding."""

    files = AttachmentsField()
    image_descriptions = ImageDescriptionsField()

    def uploads(self, request) -> list:
        return [upload for upload in request.FILES.getlist("files") if upload is not None]


def show_privacy_confirmation(form):
    form.fields["confirm_private"].widget = forms.CheckboxInput()


class TopicForm(AttachingForm):
    category = forms.ModelChoiceField(queryset=Category.objects.none(), empty_label=None)
    kind = forms.ChoiceField(
        label="This is a", choices=Topic.Kind.choices, widget=forms.RadioSelect, initial=Topic.Kind.QUESTION
    )
    title = forms.CharField(max_length=MAX_TITLE_LENGTH)
    tags = forms.ModelMultipleChoiceField(
        queryset=forum_vocabulary(),
        required=False,
        help_text=f"Up to {MAX_TAGS}. A question needs at least one.",
        # forum/pickers.js turns it into a list that filters as you type; without JavaScript it stays.
        widget=forms.SelectMultiple(attrs={"size": 8, "data-tag-picker": "", "data-max": MAX_TAGS}),
    )
    body = BodyField()
    confirm_private = PrivacyConfirmField()

    field_order = ["category", "kind", "title", "tags", "body", "files", "image_descriptions"]

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


class ReplyForm(AttachingForm):
    body = BodyField()
    confirm_private = PrivacyConfirmField()
    quote = forms.IntegerField(required=False, widget=forms.HiddenInput)

    field_order = ["body", "files", "image_descriptions"]


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

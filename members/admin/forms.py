"""Forms for the membership screens: the approval decision, bulk decisions, groups and task forces."""

from django import forms
from django.contrib.auth.models import Group
from wagtail.admin.forms.models import WagtailAdminModelForm

from members.models import TaskForce, User
from members.roles import ALL_GROUPS, MEMBER, SUGGESTED_GROUPS
from members.services import REASON_MAX_LENGTH

# Bulk decisions act on one page of the list at most; a longer list is a forged request.
BULK_MAX = 100

# States, DC and the territories with task forces, as USPS writes them.
US_POSTAL_CODES = frozenset(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY "
    "NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP".split()
)


def _extra_role_groups():
    # Only our roles: Wagtail's own default "Editors" and "Moderators" groups
    # are not roles here and are easily mistaken for "Editor" and "Moderator".
    return Group.objects.filter(name__in=ALL_GROUPS).exclude(name=MEMBER).order_by("name")


class ApproveForm(forms.Form):
    """The groups an approved applicant gets beyond Member, which is always given."""

    groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.none(),
        to_field_name="name",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Groups besides Member",
        help_text="Ticked: what the claimed role suggests. The claimed role is the applicant's own word.",
    )

    task_force = forms.ModelChoiceField(
        queryset=TaskForce.objects.none(),
        required=False,
        label="Task force",
        empty_label="Choose their task force",
    )

    def __init__(self, *args, applicant, **kwargs):
        kwargs.setdefault("prefix", "approve")
        super().__init__(*args, **kwargs)
        self.applicant = applicant
        self.fields["task_force"].queryset = TaskForce.objects.filter(is_active=True).order_by("name")
        self.fields["task_force"].initial = applicant.task_force_id
        if applicant.task_force_id:
            self.fields["task_force"].help_text = "The one they chose. Change it only if they chose wrongly."
        else:
            self.fields["task_force"].help_text = (
                f"They chose “Other” and typed “{applicant.other_task_force_name}”. If it is not in this "
                "list, add it under Membership → Task forces first."
            )
        self.fields["groups"].queryset = _extra_role_groups()
        suggested = SUGGESTED_GROUPS.get(applicant.claimed_role, [MEMBER])
        self.fields["groups"].initial = [name for name in suggested if name != MEMBER]

    def clean_task_force(self):
        task_force = self.cleaned_data.get("task_force")
        if task_force is None and not self.applicant.task_force_id:
            raise forms.ValidationError("Choose the applicant's task force: every member belongs to one.")
        return task_force

    def group_names(self):
        return [MEMBER, *(group.name for group in self.cleaned_data["groups"])]


class RejectForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Reason",
        help_text="The applicant is emailed this reason.",
        error_messages={"required": "Give a reason for the rejection; the applicant is told it."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "reject")
        super().__init__(*args, **kwargs)


class BulkDecisionForm(forms.Form):
    APPROVE = "approve"
    REJECT = "reject"

    action = forms.ChoiceField(
        choices=[(APPROVE, "Approve as Member"), (REJECT, "Reject")],
        error_messages={
            "required": "Choose approve or reject.",
            "invalid_choice": "Choose approve or reject.",
        },
    )
    applicants = forms.ModelMultipleChoiceField(
        queryset=User.objects.all(),
        error_messages={
            "required": "Select at least one applicant.",
            "invalid_choice": "One of the selected applicants no longer exists; reload the list.",
            "invalid_pk_value": "The selection was not understood; reload the list.",
        },
    )
    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason for rejecting the selected applicants",
        help_text="Required to reject; each applicant is emailed it.",
    )

    def clean_applicants(self):
        applicants = self.cleaned_data["applicants"]
        if len(applicants) > BULK_MAX:
            raise forms.ValidationError(f"Select at most {BULK_MAX} applicants at a time.")
        # A fixed order, so two admins deciding overlapping sets lock rows in the same order.
        return sorted(applicants, key=lambda applicant: applicant.pk)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.REJECT and not cleaned.get("reason"):
            self.add_error("reason", "Give a reason for the rejection; each applicant is told it.")
        return cleaned


class GroupChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        if obj.name in ALL_GROUPS:
            return obj.name
        # Shown so saving never silently drops it, but marked as not one of our roles.
        return f"{obj.name} (not a Task Force Commons role)"


class MemberGroupsForm(forms.Form):
    groups = GroupChoiceField(
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Groups",
        help_text="Without Member, the account loses members-only access.",
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = Group.objects.order_by("name")
        self.fields["groups"].initial = list(member.groups.all())


class TaskForceForm(WagtailAdminModelForm):
    class Meta:
        model = TaskForce
        fields = ["name", "state", "region", "partner_agencies", "is_active"]
        labels = {"region": "Federal region", "is_active": "Active"}
        help_texts = {"is_active": "Untick to retire a task force; its members keep it on their profile."}

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = TaskForce.objects.filter(name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("A task force with this name already exists.")
        return name

    def clean_state(self):
        state = self.cleaned_data["state"].strip().upper()
        if state not in US_POSTAL_CODES:
            raise forms.ValidationError("Enter a two-letter U.S. postal code, e.g. OH.")
        return state

    def clean_partner_agencies(self):
        lines = [" ".join(line.split()) for line in self.cleaned_data["partner_agencies"].splitlines()]
        kept = list(dict.fromkeys(line for line in lines if line))
        text = "\n".join(kept)
        if len(text) > 5000:
            raise forms.ValidationError("List at most 5,000 characters of partner agencies.")
        return text

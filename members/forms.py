"""Forms for applying, logging in, and editing a profile."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import LoginForm, SignupForm
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.webauthn.forms import AuthenticateWebAuthnForm
from django import forms
from django.db import transaction

from members import expertise, lockout
from members.models import TaskForce, User
from members.roles import ClaimedRole
from taxonomy.models import Facet, Term

OTHER_TASK_FORCE = "other"


class TaskForceChoiceField(forms.ChoiceField):
    """Active task forces by id, plus "other"; an unknown id gets a plain message."""

    default_error_messages = {
        "invalid_choice": "Choose your task force from the list, or choose “Other” and type its name.",
    }

    def __init__(self, **kwargs):
        super().__init__(choices=self._choices, **kwargs)

    @staticmethod
    def _choices():
        options = [("", "Choose your task force")]
        options += [
            (str(pk), name) for pk, name in TaskForce.objects.filter(is_active=True).values_list("pk", "name")
        ]
        options.append((OTHER_TASK_FORCE, "Other (not listed)"))
        return options


class MembershipSignupForm(SignupForm):
    """allauth's sign-up plus what a membership admin needs to vet an applicant."""

    full_name = forms.CharField(
        label="Full name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    agency = forms.CharField(
        label="Agency or organisation",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    claimed_role = forms.ChoiceField(
        label="Your role", choices=[("", "Choose your role"), *ClaimedRole.choices]
    )
    task_force = TaskForceChoiceField(label="Task force")
    other_task_force_name = forms.CharField(
        label="Task force name, if not listed", max_length=200, required=False
    )
    work_phone = forms.RegexField(
        label="Work phone",
        max_length=32,
        regex=r"^\+?[0-9 ().\-x]{7,32}$",
        error_messages={"invalid": "Enter a phone number using digits, spaces, dashes or brackets."},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    access_reason = forms.CharField(
        label="Why do you need access?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Say what you do on the task force. Do not include case or victim details.",
    )

    field_order = [
        "full_name",
        "email",
        "agency",
        "claimed_role",
        "task_force",
        "other_task_force_name",
        "work_phone",
        "access_reason",
        "password1",
        "password2",
    ]

    def clean_full_name(self):
        return _plain_text(self.cleaned_data["full_name"], "name")

    def clean_agency(self):
        return _plain_text(self.cleaned_data["agency"], "agency")

    def clean_other_task_force_name(self):
        return _plain_text(self.cleaned_data.get("other_task_force_name", ""), "task force name")

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("task_force")
        if choice == OTHER_TASK_FORCE:
            # A name refused for its own reason (too long, < or >) already says so.
            if not cleaned.get("other_task_force_name") and "other_task_force_name" not in self.errors:
                self.add_error("other_task_force_name", "Type the name of your task force.")
            cleaned["task_force_obj"] = None
        elif choice:
            cleaned["task_force_obj"] = TaskForce.objects.filter(pk=choice, is_active=True).first()
            if cleaned["task_force_obj"] is None:
                self.add_error("task_force", TaskForceChoiceField.default_error_messages["invalid_choice"])
            cleaned["other_task_force_name"] = ""
        return cleaned

    def save(self, request):
        # One transaction: a failure anywhere (e.g. the verification email)
        # leaves no half-made account behind.
        with transaction.atomic():
            return super().save(request)

    def apply_to(self, user):
        data = self.cleaned_data
        user.full_name = data["full_name"]
        user.agency = data["agency"]
        user.claimed_role = data["claimed_role"]
        user.task_force = data.get("task_force_obj")
        user.other_task_force_name = data.get("other_task_force_name", "")
        user.work_phone = data["work_phone"]
        user.access_reason = data["access_reason"]
        user.status = User.Status.PENDING


def _plain_text(value, label):
    value = (value or "").strip()
    if any(ch in value for ch in "<>"):
        raise forms.ValidationError(f"The {label} cannot contain < or >.")
    if any(ord(ch) < 32 for ch in value):
        raise forms.ValidationError(f"The {label} cannot contain control characters.")
    return value


class LockAwareLoginForm(LoginForm):
    """allauth's log-in form; the lock check itself lives in the account adapter."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].widget.attrs.setdefault("autocomplete", "email")


def _refuse_if_locked(user):
    """The lockout holds at the second factor too: a locked account's right code opens nothing.

    The password step checks the lock, but the lock can start after it (five wrong
    codes, or failures from elsewhere) while this log-in waits at the code step.
    """
    if lockout.is_locked(user.email):
        raise get_adapter().validation_error("account_locked")


class SecondFactorForm(AuthenticateForm):
    """allauth's code step at log-in, saying that a recovery code goes in the same box.

    Without it, someone who has lost their phone sees only "enter an
    authenticator code" and does not know their recovery codes work here.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = (
            "The six-digit code your authenticator app shows now. Lost your phone? "
            "Type one of your recovery codes instead."
        )

    def clean_code(self):
        _refuse_if_locked(self.user)
        return super().clean_code()


class SecurityKeyStepForm(AuthenticateWebAuthnForm):
    """allauth's security-key step at log-in, refused while the account is locked."""

    def clean_credential(self):
        _refuse_if_locked(self.user)
        return super().clean_credential()


class ExpertiseField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ProfileForm(forms.ModelForm):
    """A member's own profile. Expertise is saved through members.expertise.set_expertise (its limit)."""

    expertise = ExpertiseField(
        queryset=Term.objects.current().filter(
            facet__in=[Facet.PRACTICE_AREA, Facet.TRAFFICKING_TYPE, Facet.PHASE]
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=f"Areas where peers can ask you for help (at most {expertise.MAX_DECLARED}).",
    )

    class Meta:
        model = User
        # expertise is the form field above, saved in save() rather than by the model form.
        fields = ["full_name", "agency", "work_phone", "bio"]
        labels = {"bio": "About your work"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("expertise", expertise.declared_term_ids(self.instance))

    def _kept_terms(self) -> list:
        """Current subjects the member declared that this form does not offer (the forum's preferences
        page offers every facet): they stay declared, since the member could not untick them here."""
        if not self.instance.pk:
            return []
        offered = self.fields["expertise"].queryset.values("pk")
        return list(self.instance.expertise.filter(retired=False).exclude(pk__in=offered))

    def clean_expertise(self):
        chosen = list(self.cleaned_data["expertise"]) + self._kept_terms()
        if len(chosen) > expertise.MAX_DECLARED:
            raise forms.ValidationError(expertise.too_many_message())
        return chosen

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            expertise.set_expertise(user, self.cleaned_data["expertise"])
        return user

    def clean_full_name(self):
        return _plain_text(self.cleaned_data["full_name"], "name")

    def clean_agency(self):
        return _plain_text(self.cleaned_data["agency"], "agency")

"""allauth adapter: lockout, applicant fields, and where people land after log-in."""

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.urls import reverse

from members import access, lockout
from members.models import User


class MembershipAccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_locked": (
            "Too many failed log-ins for this email address. It is locked for a while; "
            "try again later or ask a membership administrator to release it."
        ),
    }

    def clean_email(self, email):
        # allauth's email fields take up to 320 characters, and allauth cuts a value
        # to the column's length when it sets it on the user: a longer address would
        # make an account for a different, truncated address and send its link
        # nowhere. Every allauth form (sign-up, adding an address) asks this first.
        limit = User._meta.get_field("email").max_length
        if len(email) > limit:
            raise forms.ValidationError(f"An email address can have at most {limit} characters.")
        return super().clean_email(email)

    def authenticate(self, request, **credentials):
        email = credentials.get("email") or credentials.get("username")
        if email and lockout.is_locked(email):
            raise self.validation_error("account_locked")
        return super().authenticate(request, **credentials)

    def authentication_failed(self, request, **credentials):
        email = credentials.get("email") or credentials.get("username")
        lockout.record_failure(email, request=request)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        if hasattr(form, "apply_to"):
            form.apply_to(user)
        if commit:
            user.save()
        return user

    def pre_login(self, request, user, **kwargs):
        # allauth lets an active account through even when the backend said no;
        # a rejected applicant must not get as far as the second factor.
        if user.status == user.Status.REJECTED:
            from config.compat.allauth import clear_login

            clear_login(request)
            return self.respond_user_inactive(request, user)
        return super().pre_login(request, user, **kwargs)

    def get_login_redirect_url(self, request):
        if access.is_pending(request.user):
            return reverse("members:pending")
        return super().get_login_redirect_url(request)

"""Wagtail's own user editor (superusers only), fitted to our user model.

Wagtail's forms ask for a required first and last name, which our model does not
have: whatever a superuser typed there was dropped, and an account made there
had no name. These forms edit the one ``full_name`` the rest of the site shows.
The editor's hooks are audited in members.wagtail_hooks.
"""

from django import forms
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet

from members.models import User

NAME_HELP = "As the member's colleagues know them; shown on their profile and posts."


class _FullName:
    first_name = None
    last_name = None
    full_name = forms.CharField(label="Name", max_length=150, help_text=NAME_HELP)


class MemberCreationForm(_FullName, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["email", "full_name", "is_superuser", "groups"]


class MemberEditForm(_FullName, UserEditForm):
    class Meta(UserEditForm.Meta):
        model = User
        fields = ["email", "full_name", "is_active", "is_superuser", "groups"]


class MemberUserViewSet(UserViewSet):
    def get_form_class(self, for_update=False):
        return MemberEditForm if for_update else MemberCreationForm

"""Wagtail's users app with our user editor (members.admin.user_editor).

Listed in INSTALLED_APPS instead of "wagtail.users". Wagtail reads the viewset's
dotted path only when the admin's URLs load, so this module imports no models.
"""

from wagtail.users.apps import WagtailUsersAppConfig


class MembersWagtailUsersConfig(WagtailUsersAppConfig):
    user_viewset = "members.admin.user_editor.MemberUserViewSet"

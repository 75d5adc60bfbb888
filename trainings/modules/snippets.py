"""TTA staff create and edit roll-call modules as a Wagtail snippet (registered by
``trainings.wagtail_hooks``), with the quiz questions inline.

Who may is decided by ``trainings.access.can_manage_modules``, not by model permissions, so the
rule lives in one place and needs no data migration. Nobody deletes a module: members'
training records keep what they completed, so a module is unpublished instead.
"""

from django import forms
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from trainings import access
from trainings.modules.models import Module


class ModuleStaffPolicy(ModelPermissionPolicy):
    """TTA staff (and superusers) add, change and view modules; nobody deletes one."""

    def user_has_permission(self, user, action):
        return action != "delete" and access.can_manage_modules(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class ModuleViewSet(SnippetViewSet):
    model = Module
    icon = "media"
    menu_label = "Roll-call modules"
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["title", "hours", "pass_mark", "is_published", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["title"]
    panels = [
        FieldPanel("title"),
        FieldPanel("summary"),
        # A plain file input: the files have no URL (protected storage), so Django's
        # "Currently: <link>" widget cannot be shown; leaving it empty keeps the current file.
        FieldPanel("video", widget=forms.FileInput),
        FieldPanel("captions", widget=forms.FileInput),
        FieldPanel("discussion_questions"),
        FieldPanel("hours"),
        FieldPanel("pass_mark"),
        InlinePanel("questions", label="Quiz questions", min_num=1),
        FieldPanel("is_published"),
    ]


def register():
    # The policy first, so Wagtail uses it instead of its default for the model.
    register_permission_policy(Module, ModuleStaffPolicy(Module))
    register_snippet(ModuleViewSet)

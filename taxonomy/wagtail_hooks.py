"""Staff edit the vocabulary as a Wagtail snippet; there is no free tagging and no delete."""

from wagtail.admin.panels import FieldPanel
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from taxonomy.models import Term


class NoDeletePolicy(ModelPermissionPolicy):
    """Model permissions as usual, except nobody deletes a term: it is retired instead."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


# Registered before the viewset so Wagtail uses it instead of its default.
register_permission_policy(Term, NoDeletePolicy(Term))


class TermViewSet(SnippetViewSet):
    model = Term
    icon = "tag"
    menu_label = "Taxonomy"
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "facet", "slug", "retired"]
    list_filter = ["facet", "retired"]
    search_fields = ["name"]
    inspect_view_enabled = True
    panels = [
        FieldPanel("facet"),
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("parent"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
        FieldPanel("retired"),
    ]


register_snippet(TermViewSet)

"""Staff edit the vocabulary as a Wagtail snippet; there is no free tagging and no delete."""

from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from taxonomy.models import Term


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

"""Site settings: the navigation, the footer's links, the footer notice and the program contact.

Editors change the main navigation's content links and the footer's links in
the admin (Settings > Site settings); the templates only lay them out. A link
is a page (it follows the page if it moves) or a path on this site for a page
that is not a CMS page, such as ``/report/``. A page link is shown only while
the page is live and open to everyone, so a members-only title never reaches an
anonymous visitor's header. Links for members (forum, TTA, the directory) are
not settings: they follow the visitor's role, in ``base.html``.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page

from cms import access

GRANT_NOTICE = (
    "This project is supported by Grant No. 2015-VT-BX-K001 awarded by the Bureau of "
    "Justice Assistance. The Bureau of Justice Assistance is a component of the Office of "
    "Justice Programs, U.S. Department of Justice. Points of view or opinions in this "
    "document are those of the authors and do not necessarily represent the official "
    "position or policies of the U.S. Department of Justice."
)


class LinkBlock(blocks.StructBlock):
    """A labelled link to a page, or to a path on this site."""

    label = blocks.CharBlock(max_length=60)
    page = blocks.PageChooserBlock(required=False)
    path = blocks.CharBlock(
        required=False,
        max_length=200,
        help_text="A path on this site, such as /report/, for a link that is not a page.",
    )

    def clean(self, value):
        value = super().clean(value)
        page, path = value.get("page"), (value.get("path") or "").strip()
        if bool(page) == bool(path):
            raise blocks.StructBlockValidationError(
                block_errors={"path": ValidationError("Choose a page or give a path, not both.")}
            )
        # A path only: an address elsewhere ("//host", "javascript:") is not a site link.
        if path and (not path.startswith("/") or path.startswith("//")):
            raise blocks.StructBlockValidationError(
                block_errors={"path": ValidationError("Give a path on this site, starting with one /.")}
            )
        return value

    class Meta:
        icon = "link"


def _links(*pairs):
    return [("link", {"label": label, "page": None, "path": path}) for label, path in pairs]


MAIN_LINKS = _links(
    ("Practices", "/practices/"), ("Resources", "/resources/"), ("Evidence briefs", "/briefs/")
)
FOOTER_LINKS = _links(
    ("Report trafficking", "/report/"),
    ("About", "/about/"),
    ("Partners", "/about/partners/"),
    ("Contact", "/contact/"),
    ("Privacy", "/privacy/"),
    ("Topics", "/topics/"),
)


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """What every page shows: the navigation, the footer's links and notice, the program contact."""

    main_links = StreamField(
        [("link", LinkBlock())],
        blank=True,
        default=MAIN_LINKS,
        help_text="The content links of the main navigation, after Home. Members also see their own.",
    )
    footer_links = StreamField([("link", LinkBlock())], blank=True, default=FOOTER_LINKS)
    footer_notice = models.TextField(default=GRANT_NOTICE)
    contact_email = models.EmailField(default="humantrafficking@theiacp.org")
    contact_phone = models.CharField(max_length=40, default="800-843-4227 ext. 831")

    panels = [
        FieldPanel("main_links"),
        FieldPanel("footer_links"),
        FieldPanel("footer_notice"),
        FieldPanel("contact_email"),
        FieldPanel("contact_phone"),
    ]

    class Meta:
        verbose_name = "Site settings"

    @cached_property
    def navigation(self):
        """``{"main": [(label, url)], "footer": [(label, url)]}``, public pages only.

        Computed once per loaded settings object: the base template's settings are
        kept per content version (cms.hotpath), which any page or settings change raises.
        """
        # The stored values, not the blocks: a page link's page comes in the one query below.
        fields = {name: getattr(self, name).raw_data for name in ("main_links", "footer_links")}
        chosen = {link["value"].get("page") for raw in fields.values() for link in raw} - {None}
        shown = {}
        if chosen:
            restrictions = access.current_restrictions()
            for page in Page.objects.live().filter(pk__in=chosen):
                if not access.is_members_only(page, restrictions):
                    shown[page.pk] = page.get_url()

        def resolve(raw):
            links = []
            for link in raw:
                value = link["value"]
                if value.get("page"):
                    if value["page"] in shown:
                        links.append((value["label"], shown[value["page"]]))
                elif value.get("path"):
                    links.append((value["label"], value["path"]))
            return links

        return {"main": resolve(fields["main_links"]), "footer": resolve(fields["footer_links"])}

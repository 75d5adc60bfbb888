"""Site settings: the footer notice and the program contact every page shows."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

GRANT_NOTICE = (
    "This project is supported by Grant No. 2015-VT-BX-K001 awarded by the Bureau of "
    "Justice Assistance. The Bureau of Justice Assistance is a component of the Office of "
    "Justice Programs, U.S. Department of Justice. Points of view or opinions in this "
    "document are those of the authors and do not necessarily represent the official "
    "position or policies of the U.S. Department of Justice."
)


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Text every page shows: the footer notice and the program contact."""

    footer_notice = models.TextField(default=GRANT_NOTICE)
    contact_email = models.EmailField(default="humantrafficking@theiacp.org")
    contact_phone = models.CharField(max_length=40, default="800-843-4227 ext. 831")

    panels = [FieldPanel("footer_notice"), FieldPanel("contact_email"), FieldPanel("contact_phone")]

    class Meta:
        verbose_name = "Site settings"

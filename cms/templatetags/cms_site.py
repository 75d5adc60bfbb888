"""Template tags of the site's frame: settings from the cache instead of two queries per page."""

from django import template

from cms import hotpath

register = template.Library()


@register.simple_tag(takes_context=True)
def cached_settings(context):
    """Set ``settings.cms.SiteSettings`` as Wagtail's ``get_settings use_default_site=True`` does."""
    context["settings"] = {"cms": {"SiteSettings": hotpath.site_settings(context.get("request"))}}
    return ""

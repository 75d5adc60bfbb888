"""Wagtail's chooser widgets without inline script, so the admin's CSP can refuse inline script.

Wagtail's ``BaseChooser.render`` (page, image, document, snippet and task choosers) writes the
widget followed by ``<script>new PageChooser("id", {...});</script>``. That is the one inline
script of the admin Wagtail writes from Python rather than from a template (the templates are
overridden in members/templates/wagtailadmin/). Here the same call is written as data
attributes of a script tag whose code is a file of ours (members/static/members/admin-init.js),
which makes it. A start-up call of any other shape is left as Wagtail wrote it; the browser test
(tests/browser/test_admin_csp.py) would then report the blocked script.
"""

import json
import re

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe

# "new PageChooser(<json>, <json>);" or "createTaskChooser(<json>);"
JS_CALL = re.compile(r"^\s*(?P<new>new\s+)?(?P<name>[A-Za-z_$][\w$.]*)\((?P<args>.*)\);?\s*$", re.DOTALL)


def call_as_attributes(js):
    """The script tag that makes Wagtail's start-up call ``js``, or None if it has another shape."""
    match = JS_CALL.match(js)
    if match is None:
        return None
    try:
        args = json.loads(f"[{match['args']}]")
    except ValueError:
        return None
    return format_html(
        '<script src="{}" data-init="call" data-function="{}" data-new="{}" data-arguments="{}"></script>',
        static("members/admin-init.js"),
        match["name"],
        "true" if match["new"] else "false",
        json.dumps(args),
    )


def install():
    """Make Wagtail's choosers render their start-up call without inline script."""
    from wagtail.admin.widgets.chooser import BaseChooser

    if getattr(BaseChooser.render, "without_inline_script", False):
        return

    def render(self, name, value, attrs=None, renderer=None):
        # As BaseChooser.render, but for the script tag.
        try:
            id_ = attrs["id"]
        except (KeyError, TypeError) as e:
            raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from e
        value_data = self.get_value_data(value)
        widget_html = self.render_html(name, value_data, attrs)
        js = self.render_js_init(id_, name, value_data)
        script = call_as_attributes(js)
        if script is None:
            return mark_safe(f"{widget_html}<script>{js}</script>")  # noqa: S308 (Wagtail's own output)
        return mark_safe(f"{widget_html}{script}")  # noqa: S308 (widget_html is Wagtail's, escaped)

    render.without_inline_script = True
    BaseChooser.render = render

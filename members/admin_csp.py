"""Wagtail's chooser widgets without inline script, so the admin's CSP can refuse inline script.

Wagtail's ``BaseChooser.render`` (page, image, document, snippet and task choosers) writes the
widget followed by ``<script>new PageChooser("id", {...});</script>``. That is the one inline
script of the admin Wagtail writes from Python rather than from a template (the templates are
overridden in members/templates/wagtailadmin/). Wagtail's render is kept and only its output is
rewritten: the same call is written as data attributes of a script tag whose code is a file of
ours (members/static/members/admin-init.js), which makes it. A start-up call of any other
shape is left as Wagtail wrote it; the browser test (tests/browser/test_admin_csp.py) would then
report the blocked script.
"""

import functools
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


# The start-up script Wagtail's BaseChooser.render writes after the widget: the last thing it writes.
TRAILING_SCRIPT = re.compile(r"<script>(?P<js>(?:(?!</script>).)*)</script>\s*$", re.DOTALL)


def without_inline_script(html):
    """``html`` of a chooser widget with its trailing start-up script written as data attributes."""
    match = TRAILING_SCRIPT.search(html)
    if match is None:
        return html
    script = call_as_attributes(match["js"])
    if script is None:
        return html  # left as Wagtail wrote it; the browser test reports the blocked script
    # The widget's own HTML is Wagtail's, escaped by its template; the tag is ours, format_html'd.
    return mark_safe(f"{html[: match.start()]}{script}")  # noqa: S308


def install():
    """Make Wagtail's choosers render their start-up call without inline script.

    Wraps ``BaseChooser.render`` (Django's public widget API) and rewrites only its
    output, so Wagtail's rendering itself is not copied here and follows Wagtail's
    upgrades; tests/members/test_admin_csp.py renders each chooser of the page form.
    """
    from wagtail.admin.widgets.chooser import BaseChooser

    wagtail_render = BaseChooser.render
    if getattr(wagtail_render, "without_inline_script", False):
        return

    @functools.wraps(wagtail_render)
    def render(self, name, value, attrs=None, renderer=None):
        return without_inline_script(wagtail_render(self, name, value, attrs, renderer))

    render.without_inline_script = True
    BaseChooser.render = render

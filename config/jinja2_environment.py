"""The Jinja2 environment for templates under ``<app>/jinja2/`` (settings.TEMPLATES' second engine).

Django's own engine renders the site. Jinja2 renders only markup repeated many
times a request, where Django's engine costs too much: the topic page's posts
(forum/jinja2/forum/; figures in bench/README.md, "Readings behind the code",
forum). Autoescaping is on, as in Django's templates: anything not marked safe
(``|safe``, or a ``SafeString`` from Django) is escaped.

What the templates get besides Jinja2's own:

- ``url(name, *args)``: ``{% url %}``, with each pattern reversed once per process;
- ``static(path)``: ``{% static %}``;
- ``csrf_input`` / ``csrf_token``: Django's Jinja2 backend adds them when a template
  is rendered with the request (a caller rendering many fragments of one page
  may pass ``csrf_input`` once instead);
- the ``filesizeformat`` filter is Django's ("1.2 KB", powers of 1,024), not
  Jinja2's ("1.2 kB", powers of 1,000), so sizes read the same on every page.
"""

from django.template.defaultfilters import filesizeformat
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from jinja2 import Environment

# A number no real key reaches: reversed once, then replaced by each call's values.
_SLOT = 987654321

# Reversed patterns by script prefix, name and argument count: the URLconf does not change while a
# process runs. reverse() per link was most of the cost of a page of posts (bench/README.md).
_patterns: dict[tuple[str, str, int], str] = {}


def url(name: str, *args) -> str:
    """The path of a named URL, as ``reverse(name, args=args)`` gives it.

    Whole-number arguments (keys) are filled into a pattern reversed once;
    anything else is reversed each time.
    """
    if not all(type(arg) is int for arg in args):
        return reverse(name, args=args)
    key = (get_script_prefix(), name, len(args))
    pattern = _patterns.get(key)
    if pattern is None:
        slots = range(len(args))
        # Braces never occur in a reversed path (reverse() quotes them), so format() is safe here.
        pattern = reverse(name, args=[_SLOT + i for i in slots])
        for i in slots:
            pattern = pattern.replace(str(_SLOT + i), f"{{{i}}}")
        _patterns[key] = pattern
    return pattern.format(*args)


def environment(**options) -> Environment:
    """Jinja2's environment with Django's URL, static-file and file-size helpers."""
    # Always escaping, whatever OPTIONS say: these templates write members' names and file names.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.globals.update(url=url, static=static)
    env.filters["filesizeformat"] = filesizeformat
    return env

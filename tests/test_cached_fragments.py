"""Every {% cache %} block in the site's templates holds whole elements.

A fragment that opens an element the template closes outside it (or the
reverse) is balanced only while both halves render the same way; the cached
copy and the live remainder can then drift apart unseen.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BLOCK = re.compile(r"{%\s*cache\b.*?%}(.*?){%\s*endcache\s*%}", re.DOTALL)
TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.DOTALL)


class _Balance(HTMLParser):
    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.unmatched: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.unmatched.append(tag)


def _templates():
    root = Path(settings.BASE_DIR)
    return sorted(p for p in root.glob("*/templates/**/*.html") if ".venv" not in p.parts)


def test_templates_with_cached_fragments_are_found():
    assert any("{% cache" in p.read_text() for p in _templates())


@pytest.mark.parametrize("path", [p for p in _templates() if "{% cache" in p.read_text()], ids=str)
def test_each_cached_fragment_is_balanced(path):
    for fragment in BLOCK.findall(path.read_text()):
        parser = _Balance()
        parser.feed(TAG.sub("", fragment))
        assert not parser.open and not parser.unmatched, (path, parser.open, parser.unmatched)

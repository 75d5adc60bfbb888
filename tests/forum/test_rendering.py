"""Markdown is rendered once, safely: no script survives, links are marked, code blocks work."""

from html.parser import HTMLParser

import pytest

from forum.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, plain_text, render_markdown

# From the OWASP XSS filter evasion cheat sheet and the usual Markdown tricks.
XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x](https://example.org/x.png"onerror="alert(1))',
    '[x](https://example.org "title" onmouseover="alert(1)")',
    "[x](<javascript:alert(1)>)",
    "<iframe src=https://evil.example></iframe>",
    "<body onload=alert(1)>",
    "<div style=\"background:url('javascript:alert(1)')\">x</div>",
    "`<script>` and ```\n<script>alert(1)</script>\n```",
    "[a](https://ok.example)<img src=x onerror=alert(1)>",
    "> <img src=x onerror=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    "<a href='https://ok.example' onclick='alert(1)'>x</a>",
    "[![x](javascript:alert(1))](javascript:alert(2))",
]


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html):
    parser = _Elements()
    parser.feed(html)
    return parser.elements


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_no_xss_vector_survives(vector):
    html = render_markdown(vector)
    for tag, attrs in elements(html):
        assert tag in ALLOWED_TAGS, (vector, html)
        assert set(attrs) <= ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set()), html
        if "href" in attrs:
            assert attrs["href"].split(":")[0].lower() in {"http", "https", "mailto"}, html
            assert attrs["rel"] == "nofollow noopener"


def test_raw_html_is_shown_as_text_not_markup():
    assert render_markdown("<b>bold</b>") == "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n"


def test_links_get_nofollow_noopener_and_bare_urls_become_links():
    html = render_markdown("See [the guide](https://ovc.example/guide) and https://www.example.org/x?a=1")
    assert '<a href="https://ovc.example/guide" rel="nofollow noopener">the guide</a>' in html
    assert '<a href="https://www.example.org/x?a=1" rel="nofollow noopener">' in html


def test_code_blocks_keep_their_text_and_language():
    html = render_markdown("```python\nif a < b:\n    print('<x>')\n```")
    assert '<pre><code class="language-python">' in html
    assert "if a &lt; b:" in html
    assert "print('&lt;x&gt;')" in html or "print(&#39;&lt;x&gt;&#39;)" in html


def test_tables_strikethrough_lists_and_quotes_render():
    html = render_markdown("| a | b |\n|:-|-:|\n| 1 | 2 |\n\n~~old~~\n\n- one\n- two\n\n> quoted")
    assert "<table>" in html and "<td>1</td>" in html
    assert "style=" not in html  # the CSP forbids inline style
    assert "<s>old</s>" in html
    assert "<li>one</li>" in html
    assert "<blockquote>" in html


def test_mailto_links_work_and_other_schemes_do_not():
    assert 'href="mailto:tips@example.org"' in render_markdown("[mail](mailto:tips@example.org)")
    assert "href" not in render_markdown("[f](file:///etc/passwd)")
    assert "href" not in render_markdown("[f](ftp://example.org/x)")


def test_plain_text_drops_markup_for_the_index():
    assert (
        plain_text(render_markdown("**Joint** interviews\n\n- with advocates"))
        == "Joint interviews with advocates"
    )

"""Rendering an executed notebook as HTML: what researchers need stays, nothing that can run or load does."""

from html.parser import HTMLParser

import nbformat
import pytest
from nbformat import v4

from research.notebook_html import MAX_TEXT, render, sanitise
from tests.research.hostile import PNG_1PX, hostile_notebook

BEACON = "http://127.0.0.1:9/beacon"


class Elements(HTMLParser):
    """Every start tag with its attributes, as the browser's parser would see them."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def hostile_html():
    return render(hostile_notebook(beacon=BEACON))


def test_no_element_that_can_run_script_or_load_a_page_survives(hostile_html):
    tags = {tag for tag, _ in Elements(hostile_html).found}
    forbidden = {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "button", "meta",
                 "base", "link", "video", "audio", "template", "noscript", "input", "frame"}  # fmt: skip
    assert not tags & forbidden, tags & forbidden


def test_no_event_handler_style_or_dangerous_url_survives(hostile_html):
    for tag, attrs in Elements(hostile_html).found:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in ("style", "srcdoc", "formaction", "id", "name"), (tag, name)
            if name == "href":
                assert value.startswith(("https://", "http://", "mailto:", "#")) or ":" not in value, value
            if name == "src":
                assert tag == "img"
                assert value.startswith(("data:image/png;base64,", "data:image/jpeg;base64,")), value
    assert "javascript:" not in hostile_html.lower()


def test_nothing_is_loaded_from_elsewhere(hostile_html):
    loads = [attrs.get("src", "") for _, attrs in Elements(hostile_html).found]
    assert not [src for src in loads if BEACON in src]
    # The only mention of the beacon is an ordinary link, which loads nothing until followed.
    elsewhere = [a.get("href") for tag, a in Elements(hostile_html).found if BEACON in str(a.get("href"))]
    assert elsewhere == [f"{BEACON}/ok-link"] * 2


def test_javascript_widget_and_svg_outputs_are_dropped(hostile_html):
    assert "IPython.core.display.Javascript" not in hostile_html
    assert "widget" not in hostile_html.lower()
    assert "svg" not in hostile_html.lower()


def test_what_researchers_need_is_kept(hostile_html):
    elements = Elements(hostile_html).found
    tags = [tag for tag, _ in elements]
    assert "h1" in tags and "h2" in tags and "p" in tags and "strong" in tags
    assert ("a", {"href": "https://example.org/a", "rel": "noopener noreferrer nofollow"}) in elements
    assert "<th>group</th>" in hostile_html and "<td>12</td>" in hostile_html
    assert f"data:image/png;base64,{PNG_1PX}" in hostile_html
    assert "plain &lt;b&gt;text&lt;/b&gt;" in hostile_html, "stream output is shown as text"
    assert "ValueError" in hostile_html, "the traceback is kept, as text"
    assert "print" in hostile_html, "code is shown"


def test_an_image_that_is_not_real_base64_is_dropped():
    nb = v4.new_notebook()
    cell = v4.new_code_cell("x")
    cell.outputs = [v4.new_output("display_data", data={"image/png": "<script>alert(1)</script>"})]
    nb.cells = [cell]
    assert "alert" not in render(nb) and "<img" not in render(nb)


def test_huge_text_output_is_cut():
    nb = v4.new_notebook()
    cell = v4.new_code_cell("print('x' * 10**6)")
    cell.outputs = [v4.new_output("stream", name="stdout", text="x" * (MAX_TEXT + 5000))]
    nb.cells = [cell]
    html = render(nb)
    assert "output cut: 5,000 more characters not shown" in html
    assert len(html) < MAX_TEXT + 10_000


def test_relative_images_and_anchors_are_allowed_but_external_images_are_not():
    cleaned = sanitise(
        '<img src="chart.png" alt="a"><img src="https://example.org/x.png" alt="b">'
        '<img src="../../etc/passwd.png" alt="c"><a href="#results">r</a><a href="data:text/html,x">d</a>'
    )
    assert '<img src="chart.png" alt="a">' in cleaned
    assert 'alt="b"' in cleaned and "example.org" not in cleaned
    assert "passwd" not in cleaned
    assert 'href="#results"' in cleaned and "data:text" not in cleaned


def test_the_real_notebooks_render(tmp_path):
    notebook = nbformat.read("notebooks/forum_health.ipynb", as_version=4)
    html = render(notebook)
    assert "<h1>Peer forum health</h1>" in html
    assert "<h2>Limitations</h2>" in html

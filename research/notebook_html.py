"""An executed notebook as safe HTML for researchers and staff to read on the site.

Notebook output is untrusted: a notebook (or the data it reads) can emit any HTML or
JavaScript. So, before and after nbconvert's `basic` template:

1. outputs are filtered to a short list of MIME types: JavaScript, widgets, SVG (which can
   carry script), JSON and anything unknown are dropped; a PNG or JPEG must be real base64;
   oversized text is cut;
2. markdown attachments and notebook-level widget state are removed;
3. the HTML nbconvert produces is cleaned with nh3 (ammonia) using our own allowlist, and
   every URL is checked: links only to http(s), mailto, in-page anchors or relative paths;
   images only from `data:image/png` / `data:image/jpeg` base64 or a plain relative file name.

We do not use nbconvert's own `sanitize_html`: it strips paragraphs and headings.
"""

from __future__ import annotations

import base64
import binascii
import copy
import re

import nbformat
import nh3

KEPT_MIME = ("text/html", "text/markdown", "image/png", "image/jpeg", "text/plain")
DROPPED_WHOLE = ("application/javascript", "text/javascript", "application/vnd.jupyter.widget-view+json")
MAX_TEXT = 200_000  # characters of one text output kept; the rest is cut, not rendered
MAX_IMAGE = 10_000_000  # base64 characters of one image

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary",
    "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
}  # fmt: skip
ATTRIBUTES = {
    "*": {"class", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
    "col": {"span"},
    "colgroup": {"span"},
}
# Dropped with everything inside them, not just their tags.
DROP_WITH_CONTENT = {
    "script", "style", "svg", "math", "iframe", "object", "embed", "template", "noscript", "textarea",
    "select", "title", "head", "applet", "frameset", "frame", "noembed", "noframes", "xmp", "plaintext",
}  # fmt: skip

# Class tokens nbconvert and pygments emit; anything else (a hook for the site's own CSS or
# scripts, say) is removed.
CLASS_TOKEN = re.compile(
    r"(jp|lm|ansi|highlight|hl|anchor|dataframe|output|input|cell|prompt)[\w-]*|[a-z]{1,2}[0-9]?"
)
IMAGE_DATA = re.compile(r"data:image/(png|jpeg);base64,[A-Za-z0-9+/=\s]+", re.IGNORECASE)
RELATIVE_IMAGE = re.compile(r"[\w.-]+\.(png|jpe?g)", re.IGNORECASE)
SAFE_LINK = re.compile(r"(https?://|mailto:)[^\s]*|#[\w.:-]*|(?![\w+.-]*:)[\w./?=&%#~+-]*", re.IGNORECASE)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    value = value.strip()
    if attribute == "class":
        kept = [token for token in value.split() if CLASS_TOKEN.fullmatch(token)]
        return " ".join(kept) or None
    if tag == "img" and attribute == "src":
        if IMAGE_DATA.fullmatch(value) or RELATIVE_IMAGE.fullmatch(value):
            return value
        return None
    if tag == "a" and attribute == "href":
        # Control characters and entities inside a scheme ("java\tscript:") are decoded by
        # browsers; nh3 hands us the decoded value, so a plain match is enough here.
        return value if SAFE_LINK.fullmatch(value) else None
    return value


def sanitise(html: str) -> str:
    """Clean HTML with the notebook allowlist."""
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https", "mailto", "data"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def _valid_image(data) -> bool:
    text = "".join(data) if isinstance(data, list) else str(data)
    if len(text) > MAX_IMAGE:
        return False
    try:
        base64.b64decode(re.sub(r"\s+", "", text), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _cut(text) -> str:
    text = "".join(text) if isinstance(text, list) else str(text)
    if len(text) > MAX_TEXT:
        return text[:MAX_TEXT] + f"\n[… output cut: {len(text) - MAX_TEXT:,} more characters not shown]"
    return text


def _clean_output(output) -> dict | None:
    kind = output.get("output_type")
    if kind == "stream":
        text = _cut(output.get("text", ""))
        return {"output_type": "stream", "name": output.get("name", "stdout"), "text": text}
    if kind == "error":
        traceback = [_cut(line) for line in output.get("traceback", [])][:200]
        return {
            "output_type": "error",
            "ename": str(output.get("ename", "")),
            "evalue": _cut(output.get("evalue", "")),
            "traceback": traceback,
        }
    if kind not in ("display_data", "execute_result"):
        return None
    if any(mime in DROPPED_WHOLE for mime in output.get("data", {})):
        return None  # a JavaScript or widget output's text fallback only says what did not run
    data = {}
    for mime in KEPT_MIME:
        if mime not in output.get("data", {}):
            continue
        value = output["data"][mime]
        if mime.startswith("image/"):
            if _valid_image(value):
                data[mime] = "".join(value) if isinstance(value, list) else value
        else:
            data[mime] = _cut(value)
    if not data:  # JavaScript, widgets, SVG and the like: nothing safe left to show
        return None
    cleaned = {"output_type": kind, "data": data, "metadata": {}}
    if kind == "execute_result":
        cleaned["execution_count"] = output.get("execution_count")
    return cleaned


def _clean_attachments(cell) -> None:
    """Keep attached PNG and JPEG images; point references to anything else at nothing."""
    kept = {}
    for name, bundle in dict(cell.get("attachments", {}) or {}).items():
        images = {m: v for m, v in bundle.items() if m in ("image/png", "image/jpeg") and _valid_image(v)}
        if images:
            kept[name] = images
        else:
            cell.source = cell.source.replace(f"attachment:{name}", "removed-attachment")
    cell.pop("attachments", None)
    if kept:
        cell.attachments = nbformat.from_dict(kept)


def clean_notebook(notebook) -> nbformat.NotebookNode:
    """A copy of the notebook holding only what may be rendered."""
    nb = nbformat.from_dict(copy.deepcopy(dict(notebook)))
    nb.metadata = nbformat.from_dict(
        {k: v for k, v in nb.get("metadata", {}).items() if k in ("kernelspec", "language_info", "tfc")}
    )
    for cell in nb.cells:
        _clean_attachments(cell)
        cell.metadata = nbformat.from_dict({"tags": list(cell.get("metadata", {}).get("tags", []))})
        if cell.cell_type == "code":
            cell.outputs = [nbformat.from_dict(o) for o in map(_clean_output, cell.get("outputs", [])) if o]
    return nb


def plain_text(text: str) -> str:
    """Text a kernel wrote for a terminal (IPython colours its tracebacks), without the colour codes.

    Shown raw, the escape sequences read as "[0;31m" noise around every line.
    """
    from nbconvert.filters import strip_ansi

    return strip_ansi(text or "")


def render(notebook_node) -> str:
    """The executed notebook as sanitised HTML (nbconvert `basic` template, then nh3)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic", exclude_anchor_links=True)
    body, _ = exporter.from_notebook_node(clean_notebook(notebook_node))
    return sanitise(body)

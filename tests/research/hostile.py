"""A hostile executed notebook: every way we know for notebook output to try to run script,
load something from elsewhere, or restyle the page. Shared by the renderer tests, the browser
test and the pipeline's tests (build it with `hostile_notebook(beacon=...)`).

Every attack, if it worked, would do one of three visible things: set `document.title` to
start with "pwned", set `window.pwned`, or request a URL under `beacon`. A few honest outputs
are included too, so a test can check that sanitising keeps what researchers need.
"""

import base64

import nbformat
from nbformat import v4

# The smallest valid PNG (1 x 1 pixel), for the honest image output.
PNG_1PX = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2b3d6d90000000049454e44ae426082"
    )
).decode()

HONEST_MARKDOWN = (
    "# Honest heading\n\nA paragraph with **bold** text and a [safe link](https://example.org/a).\n"
)
HONEST_TABLE = "<table><thead><tr><th>group</th><th>count</th></tr></thead><tbody><tr><td>a</td><td>12</td></tr></tbody></table>"  # noqa: E501


def attacks(beacon: str) -> list[str]:
    """HTML fragments that try to run script or reach `beacon`."""
    return [
        "<script>document.title='pwned-script'; window.pwned='script'</script>",
        "<img src=x onerror=\"window.pwned='onerror'; document.title='pwned-onerror'\">",
        f'<img src="{beacon}/img" alt="tracking pixel">',
        '<a href="javascript:window.pwned=\'link\'" id="js-link">click me</a>',
        "<a href=\"  JaVaScRiPt:window.pwned='link2'\">and me</a>",
        '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">data link</a>',
        f'<iframe src="{beacon}/iframe"></iframe>',
        "<iframe srcdoc=\"&lt;script&gt;parent.pwned='srcdoc'&lt;/script&gt;\"></iframe>",
        "<svg><script>window.pwned='svg-script'</script></svg>",
        '<svg onload="window.pwned=\'svg-onload\'"><circle r="5"/></svg>',
        f'<object data="{beacon}/object"></object>',
        f'<embed src="{beacon}/embed">',
        f"<style>body {{ background: url('{beacon}/style') }} h1 {{ color: red }}</style>",
        f'<link rel="stylesheet" href="{beacon}/link.css">',
        f'<meta http-equiv="refresh" content="0;url={beacon}/refresh">',
        f'<base href="{beacon}/base/">',
        f'<form action="{beacon}/form"><button id="hostile-button">send</button></form>',
        "<details open ontoggle=\"window.pwned='ontoggle'\"><summary>more</summary>text</details>",
        "<math><mtext><table><mglyph><style><img src=x onerror=\"window.pwned='mxss'\"></style></mglyph>"
        "</table></mtext></math>",
        f"<div style=\"background-image: url('{beacon}/inline-style')\">styled</div>",
        f'<video src="{beacon}/video" autoplay onplay="window.pwned=\'video\'"></video>',
        f'<audio src="{beacon}/audio" autoplay></audio>',
        "<p onclick=\"window.pwned='onclick'\" onmouseover=\"window.pwned='hover'\">hover me</p>",
        "<noscript><p title=\"</noscript><img src=x onerror=window.pwned='noscript'>\"></p></noscript>",
        "<template><script>window.pwned='template'</script></template>",
        f'<a href="{beacon}/ok-link" target="_blank">an ordinary link (allowed, never followed)</a>',
    ]


def hostile_notebook(beacon: str = "http://127.0.0.1:9/beacon") -> nbformat.NotebookNode:
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["tfc"] = {"title": "Hostile", "brief": "hostile", "datasets": [], "summary": "Attacks."}
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "state": {"x": {"model_name": "<script>window.pwned=1"}}
        }
    }
    fragments = attacks(beacon)
    markdown = v4.new_markdown_cell(HONEST_MARKDOWN + "\n" + "\n\n".join(fragments))
    markdown.attachments = {"evil.svg": {"image/svg+xml": "<svg onload=\"window.pwned='attachment'\"/>"}}
    markdown.source += "\n\n![attached](attachment:evil.svg)\n\n![js](javascript:window.pwned='md-img')\n"
    code = v4.new_code_cell("print('hello')")
    code.outputs = [
        v4.new_output(
            "stream", name="stdout", text="plain <b>text</b> <script>window.pwned='stream'</script>\n"
        ),
        v4.new_output("display_data", data={"text/html": "\n".join(fragments)}),
        v4.new_output(
            "display_data",
            data={
                "application/javascript": "window.pwned='javascript'; document.title='pwned-js';",
                "text/plain": "<IPython.core.display.Javascript object>",
            },
        ),
        v4.new_output(
            "display_data",
            data={
                "application/vnd.jupyter.widget-view+json": {"model_id": "x", "version_major": 2},
                "text/html": "<script>window.pwned='widget'</script>",
            },
        ),
        v4.new_output("display_data", data={"image/svg+xml": "<svg onload=\"window.pwned='svg-output'\"/>"}),
        v4.new_output(
            "display_data",
            data={"text/markdown": "## Markdown output\n\n<img src=x onerror=\"window.pwned='md'\">"},
        ),
        v4.new_output("display_data", data={"image/png": "not base64 <script>window.pwned='png'</script>"}),
        v4.new_output("display_data", data={"image/png": PNG_1PX, "text/plain": "<Figure>"}),
        v4.new_output("execute_result", data={"text/html": HONEST_TABLE}, execution_count=1),
        v4.new_output(
            "error",
            ename="ValueError",
            evalue="<script>window.pwned='error'</script>",
            traceback=["\x1b[0;31mValueError\x1b[0m: <img src=x onerror=\"window.pwned='traceback'\">"],
        ),
    ]
    nb.cells = [markdown, code]
    nbformat.validate(nb)
    return nb

"""Plain text of a WebVTT captions file, for the module's transcript page.

Only the cue text is kept: the header, cue numbers, timings, NOTE/STYLE/REGION blocks and
inline tags (``<v Speaker>``, ``<i>``) are dropped. The result is plain text, escaped by the
template like anything else a person typed.
"""

import html
import re

_TAG = re.compile(r"<[^>]*>")
_BLOCK_BREAK = re.compile(r"\r?\n(?:[ \t]*\r?\n)+")


def cue_texts(text: str) -> list[str]:
    """The text of each cue, in order; lines of one cue are joined by a space."""
    text = text.lstrip("\ufeff")
    cues = []
    for block in _BLOCK_BREAK.split(text.strip())[1:]:
        lines = block.splitlines()
        if not lines or lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is None:
            continue
        words = " ".join(html.unescape(_TAG.sub("", line)).strip() for line in lines[timing + 1 :])
        if words.strip():
            cues.append(" ".join(words.split()))
    return cues

"""Cells a spreadsheet would run as formulas, made inert wherever research writes CSV or table headers.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some spreadsheets skip before reading a formula) is run by Excel and LibreOffice when
the file is opened: ``=HYPERLINK(...)`` sends data away. OWASP's advice is to prefix
such cells with a single quote, which makes the spreadsheet show them as text.
A number is left alone: ``-99`` (CTDC's "unknown") and ``-3.5`` must stay numbers.

Importable without Django: the Recorder uses it inside a notebook's kernel.
"""

from __future__ import annotations

import csv
import io
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d[\d,]*)?\.?\d+([eE][+-]?\d+)?")


def is_formula(value) -> bool:
    """True when a spreadsheet could read the cell as a formula (numbers never are)."""
    text = "" if value is None else str(value)
    return text.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(text)


def safe_cell(value):
    """The cell as a spreadsheet shows it as text; anything else is returned unchanged."""
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


def _rows(open_binary):
    with open_binary() as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="replace", newline="")
        yield from csv.reader(text)


def has_formulas(open_binary) -> bool:
    """Whether the CSV that ``open_binary()`` opens holds any formula-like cell (read as a stream)."""
    return any(is_formula(cell) for row in _rows(open_binary) for cell in row)


def safe_csv_lines(open_binary):
    """The CSV rewritten with every formula-like cell neutralised, line by line, as UTF-8 bytes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in _rows(open_binary):
        writer.writerow([safe_cell(cell) for cell in row])
        yield out.getvalue().encode("utf-8")
        out.seek(0)
        out.truncate()


def safe_csv(data: bytes) -> bytes:
    """CSV bytes with every formula-like cell neutralised; a file without one comes back as it was."""
    opener = lambda: io.BytesIO(data)  # noqa: E731 - a stream opener for the line-by-line helpers
    return b"".join(safe_csv_lines(opener)) if has_formulas(opener) else data


def formula_cells(frame) -> dict[str, int]:
    """{column: how many of its cells look like formulas} for a frame read as text, header included."""
    found = {}
    for name in frame.columns:
        values = frame[name].astype(str)
        risky = values.str.match(r"[=+\-@\t\r]") & ~values.str.fullmatch(NUMBER.pattern)
        count = int(risky.sum()) + int(is_formula(name))
        if count:
            found[str(name)] = count
    return found

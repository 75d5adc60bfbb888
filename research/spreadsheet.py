"""Spreadsheet safety wherever research writes CSV or table headers.

The rule for one cell (``is_formula``, ``safe_cell``) lives in config.csv_cells, shared
with every other export; here it is applied to whole CSV files and data frames.
Importable without Django: the Recorder uses it inside a notebook's kernel.
"""

from __future__ import annotations

import csv
import io

from config.csv_cells import FORMULA_STARTS, NUMBER, is_formula, safe_cell

__all__ = [
    "FORMULA_STARTS",
    "formula_cells",
    "has_formulas",
    "is_formula",
    "safe_cell",
    "safe_csv",
    "safe_csv_lines",
]


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

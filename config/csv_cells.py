"""Cells a spreadsheet would run as formulas, made inert: one rule for every CSV the site writes.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some spreadsheets skip before reading a formula) is run by Excel and LibreOffice when
the file is opened: ``=HYPERLINK(...)`` sends data away. OWASP's advice is to prefix
such cells with a single quote, which makes the spreadsheet show them as text.
A number is left alone: ``-99`` (CTDC's "unknown") and ``-3.5`` must stay numbers.

Used by the TTA, trainings and research exports. Importable without Django: the
research Recorder uses it inside a notebook's kernel.
"""

from __future__ import annotations

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

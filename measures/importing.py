"""Importing a quarter's figures from the published CSV or Excel template, with a message per row.

The template has one row per measure of the period's set, in the columns ``code``, ``name``,
``value`` and ``explanation``. An import is all or nothing: the file is read and every row
checked first, and if anything is wrong the report is not touched (what the reporter already
typed stays), and every problem is listed with the row it is on. A clean file fills the
reporter's draft through ``measures.services.save``, the same path as the form: the import
never submits. A blank ``value`` or ``explanation`` cell leaves what is already in the report,
so a partly filled spreadsheet never erases figures typed on the site.

The file is untrusted: its size and row count are capped before it is parsed, a cell a
spreadsheet would run as a formula is refused (never evaluated, never stored), and a file in
another encoding or of another kind is named as such rather than read as garbage.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from config.csv_cells import is_formula, safe_cell
from forum.privacy import kinds_found
from measures import services
from measures.checks import parse
from measures.models import Report, ReportingPeriod

COLUMNS = ["code", "name", "value", "explanation"]
REQUIRED = ("code", "value")
MAX_BYTES = 256 * 1024  # the template is a few kilobytes; anything near this is not one
MAX_ROWS = 500  # far above any measure set, far below anything slow to check
MAX_PROBLEMS_SHOWN = 50
XLSX_MAGIC = b"PK\x03\x04"
OTHER_KINDS = {
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) or Word file",
    b"%PDF": "a PDF",
    b"\x89PNG": "a picture",
    b"\xff\xd8\xff": "a picture",
    b"GIF8": "a picture",
}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
EMPTY = "The file is empty: download the template, fill in the value column, and import it."
SAVE_AS = 'Save it from your spreadsheet as "CSV UTF-8" or as an Excel workbook (.xlsx), and try again.'


class ImportRefused(Exception):
    """The file was not imported; ``problems`` says why, each naming its row where there is one."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Parsed:
    """What a clean file holds, by measure code: only the cells that were filled in."""

    raws: dict[str, str] = field(default_factory=dict)
    explanations: dict[str, str] = field(default_factory=dict)
    rows: int = 0


# --- the published template -------------------------------------------------------------------


def template_rows(period: ReportingPeriod, report: Report | None = None) -> list[list[str]]:
    """The template's rows for the period's measure set, filled with the report's entries if given."""
    raws, explanations = services.entries(report) if report is not None else ({}, {})
    return [
        [m.code, m.name, raws.get(m.code, ""), explanations.get(m.code, "")]
        for m in services.measures_of(period)
    ]


def template_csv(period: ReportingPeriod, report: Report | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in template_rows(period, report):
        writer.writerow([safe_cell(cell) for cell in row])
    # A byte-order mark so Excel opens the file as UTF-8; the importer accepts it with or without.
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(period: ReportingPeriod, report: Report | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = f"{period.year} Q{period.quarter}"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in template_rows(period, report):
        sheet.append(row)
        # Typed text, never a formula, even if a stored entry starts with "=".
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"
    for letter, width in zip("ABCD", (28, 60, 12, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- reading a file ----------------------------------------------------------------------------


def read_table(name: str, data: bytes) -> list[tuple[int, list[str]]]:
    """The file's rows as (row number in the spreadsheet, cells as text), header first."""
    if not data or not data.strip():
        raise ImportRefused(
            ["The file is empty: download the template, fill in the value column, and import it."]
        )
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            [
                f"The file is {len(data) // 1024:,} KB; the template is a few KB "
                f"(the limit is {MAX_BYTES // 1024} KB)."
            ]
        )
    if data.startswith(XLSX_MAGIC) or name.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    for magic, kind in OTHER_KINDS.items():
        if data.startswith(magic):
            raise ImportRefused([f"This file looks like {kind}, not a CSV or Excel template. {SAVE_AS}"])
    return _read_csv(data)


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    if data.startswith(UTF16_BOMS) or b"\x00" in data[:4096]:
        raise ImportRefused(
            [
                'Row 1: the file is saved as "Unicode text" (UTF-16), not as a CSV file this site can read. '
                + SAVE_AS
            ]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        raise ImportRefused(
            [
                f"Row {row}: the file is not in UTF-8 (it may be Windows or Mac text, such as Latin-1). "
                + SAVE_AS
            ]
        ) from None
    if "\x00" in text:
        raise ImportRefused([f"The file holds binary data, not a CSV or Excel template. {SAVE_AS}"])
    lines = text.splitlines()
    if len(lines) > MAX_ROWS + 1:
        raise ImportRefused(
            [f"The file has {len(lines):,} rows; the template has one per measure (at most {MAX_ROWS})."]
        )
    try:
        return [(number, row) for number, row in enumerate(csv.reader(lines), start=1)]
    except csv.Error as error:
        raise ImportRefused([f"The file could not be read as CSV ({error}). {SAVE_AS}"]) from None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        # A zip bomb unpacks to far more than its size: refuse before openpyxl inflates it.
        if sum(info.file_size for info in archive.infolist()) > MAX_BYTES * 40:
            raise ImportRefused(["The workbook is far larger than the template once unpacked."])
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except ImportRefused:
        raise
    except Exception:  # noqa: BLE001 - any failure to open it means it is not a workbook we read
        raise ImportRefused(
            [f"This file is not an Excel workbook (.xlsx) or CSV file this site can read. {SAVE_AS}"]
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, row in enumerate(sheet.iter_rows(values_only=False), start=1):
            if number > MAX_ROWS + 1:
                raise ImportRefused(
                    [f"The workbook has more than {MAX_ROWS + 1:,} rows; the template has one per measure."]
                )
            cells = []
            for cell in row:
                value = getattr(cell, "value", None)
                if (
                    getattr(cell, "data_type", None) == "f"
                    and value is not None
                    and not str(value).startswith("=")
                ):
                    value = "=" + str(value)
                cells.append(_cell_text(value))
            rows.append((number, cells))
        return rows
    finally:
        book.close()


# --- checking the rows -------------------------------------------------------------------------


def _header(table) -> dict[str, int]:
    """Where each template column is, or a refusal naming the header row."""
    header_row, header = table[0]
    names = [h.lower().lstrip("\ufeff") for h in header]
    missing = [c for c in REQUIRED if c not in names]
    unknown = [h[:40] for h in header if h and h.lower() not in COLUMNS]
    problems = []
    if missing:
        found = ", ".join(h[:40] or "(blank)" for h in header[:8])
        problems.append(
            f"Row {header_row}: the columns must be {', '.join(COLUMNS)}; "
            f"this file has no {' or '.join(missing)} column (it has: {found})."
        )
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        problems.append(f"Row {header_row}: unknown column{plural} {', '.join(unknown[:8])}.")
    if problems:
        raise ImportRefused(problems)
    return {name: names.index(name) for name in COLUMNS if name in names}


def _formula_problem(label, cells: dict[str, str]) -> str | None:
    for column, text in cells.items():
        if is_formula(text):
            return (
                f"{label}: the {column} cell holds a formula ({text[:40]}). "
                "Type the figure itself: formulas are not imported."
            )
    return None


def _explanation_problem(label, explanation: str) -> str | None:
    if len(explanation) > services.EXPLANATION_LIMIT:
        return f"{label}: the explanation is longer than {services.EXPLANATION_LIMIT} characters."
    found = kinds_found(explanation)
    if found:
        return (
            f"{label}: the explanation looks like it holds a {', '.join(found)}. "
            "Reports carry only counts: remove anything about a person or a case."
        )
    return None


def _check_row(period, measures, where, number, cells, seen, parsed) -> list[str]:
    """One data row's problems (each naming the row); a clean row's entries go into ``parsed``."""
    row = {
        column: (cells[where[column]] if column in where and where[column] < len(cells) else "")
        for column in COLUMNS
    }
    label = f"Row {number}"
    formula = _formula_problem(label, row)
    if formula:
        return [formula]
    code, value, explanation = row["code"], row["value"], row["explanation"]
    if code not in measures:
        return [
            f"{label}: {code[:40] or '(blank)'} is not a measure of the {period} set. "
            "Use the template's codes."
        ]
    if code in seen:
        return [f"{label}: {code} is also on row {seen[code]}. Give each measure once."]
    seen[code] = number
    problems = []
    if value:
        _, problem = parse(value)
        if problem:
            problems.append(f"{label} ({measures[code].name}): {value[:40]!r}: {problem}")
        else:
            parsed.raws[code] = value
    if explanation:
        problem = _explanation_problem(label, explanation)
        if problem:
            problems.append(problem)
        else:
            parsed.explanations[code] = explanation
    return problems


def parse_rows(period: ReportingPeriod, table: list[tuple[int, list[str]]]) -> Parsed:
    """Check every row against the period's measures: refuse with each row's problem, or the entries."""
    table = [(n, [c.strip() for c in cells]) for n, cells in table if any(c.strip() for c in cells)]
    if not table:
        raise ImportRefused([EMPTY])
    where = _header(table)
    measures = {m.code: m for m in services.measures_of(period)}
    parsed = Parsed()
    seen: dict[str, int] = {}
    problems = []
    for number, cells in table[1:]:
        parsed.rows += 1
        problems.extend(_check_row(period, measures, where, number, cells, seen, parsed))
    if problems:
        if len(problems) > MAX_PROBLEMS_SHOWN:
            hidden = len(problems) - MAX_PROBLEMS_SHOWN
            problems = [*problems[:MAX_PROBLEMS_SHOWN], f"... and {hidden:,} more problem(s)."]
        raise ImportRefused(problems)
    if not parsed.raws and not parsed.explanations:
        raise ImportRefused(["No row has a value: fill in the value column of the template, then import it."])
    return parsed


def import_file(user, report: Report, name: str, data: bytes, *, expected_version: int | None):
    """Read, check and, only if every row is right, save into the draft: (what was read, the checks).

    ``report`` may be unsaved (the reporter's first touch of the quarter): it is created only once
    the file has passed, so a refused file leaves no trace. Raises ``ImportRefused`` (nothing
    saved) or the service errors ``save`` raises (not a reporter, not editable, changed meanwhile).
    """
    parsed = parse_rows(report.period, read_table(name, data))
    if report.pk is None:
        period = report.period
        report = services.report_for(report.task_force, period)
        report.period = period
        expected_version = report.version
    raws, explanations = services.entries(report)
    raws.update(parsed.raws)
    explanations.update(parsed.explanations)
    checked = services.save(
        user, report, raws, explanations, report.comment, expected_version=expected_version
    )
    return parsed, checked

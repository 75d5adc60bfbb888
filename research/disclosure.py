"""What a sensitive run's recorded figures may show, checked again where they leave for a brief.

The Recorder suppresses counts as a notebook records them, but a brief copies whatever
results a run holds, whichever path produced them: a run reusing an earlier one's
results, a notebook that wrote its results.json by hand, an older Recorder. So
publishing reads the figures themselves and refuses to copy a count under the
threshold out of a run whose data are sensitive.

A figure is a count when the Recorder said so (``count`` on numbers, ``count_columns``
on tables and figure data). Where results do not say, every whole number is taken for
a count: refusing a year or a label by mistake costs a re-run; the opposite leaks.
"""

import re

from research import suppression

WHOLE_NUMBER = re.compile(r"\d{1,3}(,\d{3})*|\d+")


def run_is_sensitive(run) -> bool:
    """Sensitive if the run says so or any of its pinned data versions does."""
    return bool(run.sensitive) or any(entry.get("sensitive") for entry in (run.data_versions or {}).values())


def shown_count(cell):
    """The whole number a shown cell states, or None ("<5", "suppressed", a share, text)."""
    text = str(cell).strip()
    if not WHOLE_NUMBER.fullmatch(text):
        return None
    return int(text.replace(",", ""))


def _count_positions(columns, count_columns):
    if count_columns is None:
        return range(len(columns))
    wanted = {str(name) for name in count_columns}
    return [k for k, name in enumerate(columns) if str(name) in wanted]


def _small_cells(label, columns, rows, count_columns, threshold):
    problems = []
    positions = _count_positions(columns, count_columns)
    for row in rows:
        for k in positions:
            if k >= len(row):
                continue
            value = shown_count(row[k])
            if value is not None and value < threshold:
                problems.append(f"{label}: {columns[k]} = {row[k]} (row {' / '.join(map(str, row[:1]))})")
    return problems


def small_counts(results, threshold: int = suppression.THRESHOLD) -> list[str]:
    """Every count under ``threshold`` the recorded results show, described for the researcher."""
    results = results or {}
    problems = []
    for number in results.get("numbers", []):
        if number.get("suppressed") or number.get("count") is False:
            continue
        value = shown_count(number.get("display", ""))
        if value is not None and value < threshold and number.get("unit") != "%":
            problems.append(f"key figure {number.get('name')}: {number.get('display')}")
    for table in results.get("tables", []):
        problems += _small_cells(
            f"table {table.get('name')}",
            table.get("columns", []),
            table.get("rows", []),
            table.get("count_columns"),
            threshold,
        )
    for figure in results.get("figures", []):
        data = figure.get("data") or {}
        problems += _small_cells(
            f"chart {figure.get('name')}",
            data.get("columns", []),
            data.get("rows", []),
            figure.get("count_columns"),
            threshold,
        )
    return problems


def unsuppressed_problems(run, threshold: int = suppression.THRESHOLD) -> list[str]:
    """Why a sensitive run's results may not become a brief; empty when they may (or it is not sensitive)."""
    if not run_is_sensitive(run):
        return []
    results = run.results or {}
    problems = []
    if results.get("sensitive") is False:
        problems.append("the results were recorded as not sensitive, so nothing in them was suppressed")
    return problems + small_counts(results, threshold)


def all_suppressed(results) -> bool:
    """True when no key figure and no table or chart of the results shows a single count."""
    results = results or {}
    if any(not n.get("suppressed") and str(n.get("display", "")).strip() for n in results.get("numbers", [])):
        return False
    grids = [
        (t.get("columns", []), t.get("rows", []), t.get("count_columns")) for t in results.get("tables", [])
    ]
    for figure in results.get("figures", []):
        data = figure.get("data") or {}
        grids.append((data.get("columns", []), data.get("rows", []), figure.get("count_columns")))
    for columns, rows, count_columns in grids:
        positions = _count_positions(columns, count_columns)
        for row in rows:
            if any(k < len(row) and shown_count(row[k]) is not None for k in positions):
                return False
    return True

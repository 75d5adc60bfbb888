"""Small-count suppression for sensitive data: primary and complementary.

Primary: every count under the threshold (5) is shown as "<5". Zero counts too: a zero
says nobody in the group has the trait, which can itself disclose something.

Complementary: a hidden count must not be recoverable from what is shown. We assume
the attacker knows every row and column total (the notebook may publish them, or they
can be had elsewhere), and the grand total. A hidden cell is *exposed* when

* the totals pin it down exactly by arithmetic: it is the only hidden cell of a row, or
  more generally the linear system "rows and columns add up to their totals" has one
  solution for it (checked with the null space of that system, which also catches
  chains of subtractions across several rows and columns); or
* one total pins it down with the bounds a reader knows: a "<5" cell is 0 to 4, and a
  complementary cell is at least 5 (anything smaller would be "<5"). Two "<5" cells
  adding up to 8 must both be 4.

While some hidden cell is exposed, the smallest shown cell on one of its rows or columns
is hidden as well (shown as "suppressed"). This greedy rule is the usual practice; it
hides more than an optimal solver would, never less.

Totals are counts too. A row or column total under the threshold is hidden like any
small cell, even when the table does not print its totals: it is a group of fewer than
five, and a reader can often rebuild it from the grand total (published as a key
figure) minus the other totals. A total is also hidden when its label names a count
hidden in another table of the same run (``hidden_labels``: "forced labour" hidden in
one table must not come back as the forced-labour column of another). Other totals on
the same side then become hideable, so the hidden one can be protected; the labels of
every total hidden that way are reported (``hidden_labels`` of the result), and the
Recorder hides those groups in every other table of the run too, until no table shows
what another hides. When nothing can protect a hidden count, the table reports it
``unprotectable`` and the Recorder withholds the table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

THRESHOLD = 5
PRIMARY = "<5"
COMPLEMENTARY = "suppressed"
TOTAL = "Total"
LOOKAHEAD = 8  # candidates tried per step; more hides less, slower
NOTE = (
    '"<5" means fewer than five (zero to four). "suppressed" hides a larger count so that '
    'a "<5" cell cannot be worked out from the totals.'
)

# A cell is (row, column); margins use the TOTAL marker in place of the row or column position.
Cell = tuple


@dataclass(frozen=True)
class SuppressedTable:
    display: pd.DataFrame  # every cell a string: the count, "<5" or "suppressed"
    primary: frozenset  # positions (row index, column index) of "<5" cells, margins as TOTAL
    complementary: frozenset
    # Hidden cells that their own totals give away whatever else is hidden (say a 2 x 2 table
    # whose every cell is hidden): only withholding the totals protects them.
    unprotectable: frozenset = frozenset()
    # Row and column labels whose count (a one-column table's cell, or a total) is hidden:
    # every other table of the run must hide them too.
    hidden_labels: frozenset = frozenset()

    @property
    def suppressed_cells(self) -> int:
        return len(self.primary) + len(self.complementary)


class _Grid:
    """The table as cells and the linear equations ("lines") a reader knows hold between them."""

    def __init__(self, values: np.ndarray, totals_shown: bool):
        rows, cols = values.shape
        self.value: dict[Cell, int] = {}
        self.margin: set[Cell] = set()
        for i in range(rows):
            for j in range(cols):
                self.value[(i, j)] = int(values[i, j])
        self.lines: list[dict[Cell, int]] = []  # coefficient per cell; every line sums to zero
        # One-column tables have no row totals worth the name (a row total is the cell itself),
        # and one-row tables no column totals.
        has_row_totals, has_col_totals = cols > 1, rows > 1
        if has_row_totals:
            for i in range(rows):
                self._margin((i, TOTAL), values[i, :].sum())
                self.lines.append({**{(i, j): 1 for j in range(cols)}, (i, TOTAL): -1})
        if has_col_totals:
            for j in range(cols):
                self._margin((TOTAL, j), values[:, j].sum())
                self.lines.append({**{(i, j): 1 for i in range(rows)}, (TOTAL, j): -1})
        if has_row_totals and has_col_totals:
            self._margin((TOTAL, TOTAL), values.sum())
            self.lines.append({**{(i, TOTAL): 1 for i in range(rows)}, (TOTAL, TOTAL): -1})
            self.lines.append({**{(TOTAL, j): 1 for j in range(cols)}, (TOTAL, TOTAL): -1})
        # Margins that are not shown are still assumed known, so they can never be hidden.
        self.hideable = set(self.value) if totals_shown else set(self.value) - self.margin
        self.cells = list(self.value)
        self.shape = values.shape

    def _margin(self, cell: Cell, total) -> None:
        self.value[cell] = int(total)
        self.margin.add(cell)

    def determined(self, hidden: set) -> set:
        """Hidden cells the published cells and the lines fix to one value."""
        unknown = [c for c in self.cells if c in hidden]
        if not unknown:
            return set()
        matrix = np.zeros((len(self.lines), len(unknown)))
        position = {c: k for k, c in enumerate(unknown)}
        for row, line in enumerate(self.lines):
            for cell, coefficient in line.items():
                if cell in position:
                    matrix[row, position[cell]] = coefficient
        _, singular, vt = np.linalg.svd(matrix)
        rank = int((singular > 1e-9).sum())
        null_space = vt[rank:]  # rows span every way the hidden cells can change together
        free = np.abs(null_space).sum(axis=0) > 1e-9 if len(null_space) else np.zeros(len(unknown), bool)
        return {cell for cell, moves in zip(unknown, free, strict=True) if not moves}

    def pinned(self, primary: set, hidden: set, threshold: int) -> set:
        """Hidden cells one known total fixes, given "<5" is 0..4 and a complementary cell is >= 5."""
        pinned = set()
        for line in self.lines:
            hidden_here = [c for c in line if c in hidden]
            # Only lines whose total is shown bound their cells; a hidden total adds freedom.
            if not hidden_here or any(line[c] < 0 for c in hidden_here):
                continue
            residual = sum(self.value[c] for c in hidden_here)
            bounds = {c: (0, threshold - 1) if c in primary else (threshold, np.inf) for c in hidden_here}
            for cell in hidden_here:
                others = [bounds[c] for c in hidden_here if c != cell]
                low = max(bounds[cell][0], residual - sum(b[1] for b in others))
                high = min(bounds[cell][1], residual - sum(b[0] for b in others))
                if low == high:
                    pinned.add(cell)
        return pinned

    def stuck(self, primary: set, hidden: set, threshold: int) -> set:
        """Hidden inner cells no other table with the same totals and shown cells can change.

        Two such tables differ by loops of hidden cells (+1, then -1 along its row, +1 down
        that column, ... back to the start); if no loop through a cell can move it by one
        while keeping "<5" cells in 0..4 and complementary cells at 5 or more, the cell is
        known. With row and column totals this test is exact; it catches what one total
        alone does not (two "<5" and two complementary cells fixed only in combination).
        """
        rows, cols = self.shape
        inner = {c for c in hidden if c not in self.margin}

        def fits(cell, change):
            value = self.value[cell] + change
            return 0 <= value < threshold if cell in primary else value >= threshold

        if rows == 1 or cols == 1:  # one line: another hidden cell on it must move the other way
            return {
                c
                for c in inner
                if not any(fits(c, s) and any(fits(o, -s) for o in inner if o != c) for s in (1, -1))
            }
        # Rows and columns as nodes: a cell that may grow is an arc row -> column, one that may
        # shrink an arc column -> row. A loop of changes is a directed cycle, so a cell can grow
        # iff its column reaches its row without the cell itself (and the same for shrinking).
        arcs: dict = {}
        for i, j in inner:
            if fits((i, j), 1):
                arcs.setdefault(("row", i), []).append((("col", j), (i, j)))
            if fits((i, j), -1):
                arcs.setdefault(("col", j), []).append((("row", i), (i, j)))

        def reaches(start, goal, without):
            seen, frontier = {start}, [start]
            while frontier:
                node = frontier.pop()
                for target, cell in arcs.get(node, ()):
                    if cell == without or target in seen:
                        continue
                    if target == goal:
                        return True
                    seen.add(target)
                    frontier.append(target)
            return False

        def movable(cell):
            i, j = cell
            grow = fits(cell, 1) and reaches(("col", j), ("row", i), cell)
            return grow or (fits(cell, -1) and reaches(("row", i), ("col", j), cell))

        return {cell for cell in inner if not movable(cell)}

    def exposed(self, primary: set, hidden: set, threshold: int) -> set:
        return (
            self.determined(hidden)
            | self.pinned(primary, hidden, threshold)
            | self.stuck(primary, hidden, threshold)
        )

    def neighbours(self, cell: Cell) -> set:
        return {c for line in self.lines if cell in line for c in line}


def label_text(label) -> str:
    """A row or column label as one string, for matching the same group across tables."""
    if isinstance(label, tuple):
        return " / ".join(str(part) for part in label)
    return str(label)


def _margin_labels(counts: pd.DataFrame, grid: _Grid) -> dict:
    labels = {}
    for cell in grid.margin:
        row, col = cell
        if row == TOTAL and col == TOTAL:
            continue
        labels[cell] = label_text(counts.columns[col]) if row == TOTAL else label_text(counts.index[row])
    return labels


def suppress_table(
    counts: pd.DataFrame,
    *,
    threshold: int = THRESHOLD,
    totals: bool = False,
    hidden_labels=frozenset(),
) -> SuppressedTable:
    """Primary and complementary suppression of a table of counts.

    `counts` holds non-negative whole numbers only (labels belong in the index).
    With `totals=True` a "Total" row and column are added and protected as well.
    `hidden_labels` are the groups other tables of the same run hide (see the module's docstring).
    """
    values = _counts_array(counts)
    grid = _Grid(values, totals_shown=totals)
    labels = _margin_labels(counts, grid)
    primary = {c for c in grid.hideable if grid.value[c] < threshold}
    # Small totals, and totals of groups hidden elsewhere, are hidden whether printed or not.
    forced = {c for c, label in labels.items() if grid.value[c] < threshold or label in hidden_labels}
    primary |= {c for c in forced if grid.value[c] < threshold}
    if forced:
        sides = {c[0] == TOTAL for c in forced}  # True: column totals, False: row totals
        grid.hideable |= {c for c in labels if (c[0] == TOTAL) in sides}
        grid.hideable |= forced
    if values.shape[1] == 1:  # a one-way table: each row is its group's count
        forced |= {(i, 0) for i in range(values.shape[0]) if label_text(counts.index[i]) in hidden_labels}
    hidden = set(primary) | forced
    unfixable: set = set()
    while True:
        exposed = grid.exposed(primary, hidden, threshold) - unfixable
        if not exposed:
            break
        near = set().union(*(grid.neighbours(cell) for cell in exposed))
        candidates = [c for c in near if c in grid.hideable and c not in hidden]
        if not candidates:
            # Every neighbour is hidden or is a total assumed known but not shown: nothing
            # on this table can protect these further (their totals already tell all).
            unfixable |= exposed
            continue

        # Look one step ahead: hide the cell that leaves the fewest cells exposed (closing a
        # rectangle rather than starting a chain), then prefer inner cells to totals, then the
        # smallest count, avoiding exactly the threshold (a reader knows complementary cells are >= 5).
        def cost(candidate, unfixable=frozenset(unfixable)):
            trial = hidden | {candidate}
            still = grid.exposed(primary, trial, threshold) - unfixable
            value = grid.value[candidate]
            return (len(still), candidate in grid.margin, value == threshold, value, _order(candidate))

        # Only the likeliest few are tried: those on the lines of the most exposed cells, smallest first.
        def touches(candidate, exposed=frozenset(exposed)):
            lines = grid.neighbours(candidate)
            return (-sum(cell in lines for cell in exposed), candidate in grid.margin, grid.value[candidate])

        shortlist = sorted(candidates, key=touches)[:LOOKAHEAD]
        hidden.add(min(shortlist, key=cost))
    one_column = values.shape[1] == 1
    hidden_here = {label for cell, label in labels.items() if cell in hidden}
    if one_column:  # each row's count is its group's count
        hidden_here |= {label_text(counts.index[i]) for i in range(values.shape[0]) if (i, 0) in hidden}
    # Totals the table does not print are hidden only in the sense that matters across tables
    # (hidden_labels); the cell sets name what the display shows.
    printed = (lambda c: True) if totals else (lambda c: c not in grid.margin)
    return SuppressedTable(
        display=_display(counts, grid, primary, hidden, totals),
        primary=frozenset(c for c in primary if printed(c)),
        complementary=frozenset(c for c in hidden - primary if printed(c)),
        unprotectable=frozenset(grid.exposed(primary, hidden, threshold)),
        hidden_labels=frozenset(hidden_here),
    )


def _order(cell: Cell):
    return tuple((1, 0) if part == TOTAL else (0, part) for part in cell)


def _counts_array(counts: pd.DataFrame) -> np.ndarray:
    if counts.isna().any().any():
        raise ValueError("Counts must not be blank: fill empty groups with 0 before recording.")
    try:
        values = counts.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ValueError("Counts must be numbers; put labels in the index, not in the columns.")
    if (values < 0).any() or (values != np.round(values)).any():
        raise ValueError("Counts must be whole numbers of zero or more.")
    return values.astype(int)


def _display(counts: pd.DataFrame, grid: _Grid, primary: set, hidden: set, totals: bool) -> pd.DataFrame:
    def shown(cell):
        if cell in primary:
            return PRIMARY
        if cell in hidden:
            return COMPLEMENTARY
        return str(grid.value[cell])

    rows, cols = counts.shape
    table = pd.DataFrame(
        [[shown((i, j)) for j in range(cols)] for i in range(rows)],
        index=counts.index,
        columns=[str(c) for c in counts.columns],
        dtype=object,
    )
    if totals:
        if cols > 1:
            table[TOTAL] = [shown((i, TOTAL)) for i in range(rows)]
        if rows > 1:
            last = [shown((TOTAL, j)) for j in range(cols)]
            if cols > 1:
                last.append(shown((TOTAL, TOTAL)))
            table = _with_total_row(table, last)
    return table


def _with_total_row(table: pd.DataFrame, values: list) -> pd.DataFrame:
    index = table.index
    if index.nlevels > 1:
        key = pd.MultiIndex.from_tuples([(TOTAL,) + ("",) * (index.nlevels - 1)], names=index.names)
    else:
        key = pd.Index([TOTAL], name=index.name)
    return pd.concat([table, pd.DataFrame([values], index=key, columns=table.columns, dtype=object)])


def plain_table(counts: pd.DataFrame, *, totals: bool = False) -> pd.DataFrame:
    """The same table unsuppressed, as strings, for data that is not sensitive."""
    values = counts.map(_format_value).astype(object)
    values.columns = [str(c) for c in values.columns]
    if totals:
        sums = counts.sum(axis=0)
        if counts.shape[1] > 1:
            values[TOTAL] = [_format_value(v) for v in counts.sum(axis=1)]
        if counts.shape[0] > 1:
            last = [_format_value(v) for v in sums]
            if counts.shape[1] > 1:
                last.append(_format_value(sums.sum()))
            values = _with_total_row(values, last)
    return values


def _format_value(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)

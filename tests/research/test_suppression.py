"""Small-count suppression: counts under 5 show as "<5", and no hidden count can be worked back out.

The attacks here are written independently of the suppression code: a reader who knows
every row and column total subtracts what is shown, repeatedly, and then searches for any
other table that fits everything shown ("<5" means 0 to 4, "suppressed" means 5 or more).
"""

import itertools
import random

import numpy as np
import pandas as pd
import pytest

from research.suppression import COMPLEMENTARY, PRIMARY, TOTAL, plain_table, suppress_table


def table(rows):
    return pd.DataFrame(
        rows, index=[f"r{i}" for i in range(len(rows))], columns=[f"c{j}" for j in range(len(rows[0]))]
    )


def subtraction_attack(display: pd.DataFrame, true: pd.DataFrame) -> dict:
    """Recover hidden cells the way a reader with the margins would: any row or column with one
    unknown left gives it away; repeat until nothing more falls out. Returns what was recovered."""
    known = {}
    for i, j in itertools.product(range(len(display.index)), range(len(display.columns))):
        if display.iat[i, j] not in (PRIMARY, COMPLEMENTARY):
            known[(i, j)] = int(display.iat[i, j])
    row_totals, col_totals = true.sum(axis=1).tolist(), true.sum(axis=0).tolist()
    recovered, progress = {}, True
    n, m = true.shape
    while progress:
        progress = False
        lines = [([(i, j) for j in range(m)], row_totals[i]) for i in range(n)] if m > 1 else []
        lines += [([(i, j) for i in range(n)], col_totals[j]) for j in range(m)] if n > 1 else []
        for cells, total in lines:
            unknown = [c for c in cells if c not in known]
            if len(unknown) == 1:
                known[unknown[0]] = total - sum(known[c] for c in cells if c in known)
                recovered[unknown[0]] = known[unknown[0]]
                progress = True
    return recovered


def other_value_fits(display: pd.DataFrame, true: pd.DataFrame, cell) -> bool:
    """Find another table that matches everything shown and every total but differs at `cell`.

    Two tables with the same totals differ by moving counts around a closed loop of hidden
    cells: +1 here, -1 along the row, +1 down that column, and so on back to `cell`. Search
    for such a loop that keeps "<5" cells within 0..4 and "suppressed" cells at 5 or more.
    """
    n, m = true.shape
    hidden = {(i, j) for i in range(n) for j in range(m) if display.iat[i, j] in (PRIMARY, COMPLEMENTARY)}

    def fits(c, change):
        value = int(true.iat[c]) + change
        return 0 <= value <= 4 if display.iat[c] == PRIMARY else value >= 5

    def loop(at, sign, used, by_row):
        i, j = at
        if by_row:  # move along the row to a cell that takes the opposite change
            steps = [(i, jj) for jj in range(m) if jj != j] if m > 1 else []
        else:
            steps = [(ii, j) for ii in range(n) if ii != i] if n > 1 else []
        for step in steps:
            if step not in hidden or not fits(step, -sign):
                continue
            closes = (step[1] == cell[1] and n > 1) if by_row else (step[0] == cell[0] and m > 1)
            if step == cell:
                continue
            if closes or (m == 1 and not by_row) or (n == 1 and by_row):
                return True
            if step not in used and loop(step, -sign, used | {step}, not by_row):
                return True
        return False

    for sign in (1, -1):
        if not fits(cell, sign):
            continue
        first_moves = [True, False] if n > 1 and m > 1 else [m > 1]
        if any(loop(cell, sign, {cell}, by_row) for by_row in first_moves):
            return True
    return False


def brute_force_alternative(display: pd.DataFrame, true: pd.DataFrame, cell) -> bool:
    """For tiny tables, try every table that fits what is shown and the totals."""
    n, m = true.shape
    hidden = [(i, j) for i in range(n) for j in range(m) if display.iat[i, j] in (PRIMARY, COMPLEMENTARY)]
    top = int(true.to_numpy().sum())
    choices = [range(0, 5) if display.iat[c] == PRIMARY else range(5, top + 1) for c in hidden]
    rows, cols = true.sum(axis=1).tolist(), true.sum(axis=0).tolist()
    for values in itertools.product(*choices):
        guess = true.to_numpy().copy()
        for c, v in zip(hidden, values, strict=True):
            guess[c] = v
        if (
            guess[cell] != true.iat[cell]
            and guess.sum(axis=1).tolist() == rows
            and guess.sum(axis=0).tolist() == cols
        ):
            return True
    return False


def combinations(display: pd.DataFrame, true: pd.DataFrame) -> int:
    top = int(true.to_numpy().sum())
    sizes = [
        5 if v == PRIMARY else max(top - 4, 1)
        for v in display.to_numpy().ravel()
        if v in (PRIMARY, COMPLEMENTARY)
    ]
    return int(np.prod(sizes))


def test_counts_under_five_show_as_less_than_five_and_others_are_kept():
    counts = table([[3, 12, 9], [10, 15, 8], [20, 30, 7]])
    result = suppress_table(counts)
    assert result.display.iat[0, 0] == "<5"
    assert result.display.iat[1, 1] == "15"
    assert (0, 0) in result.primary
    assert all(counts.iat[c] >= 5 for c in result.complementary)


def test_zero_is_a_count_under_five_too():
    result = suppress_table(table([[0, 12], [11, 15]]))
    assert result.display.iat[0, 0] == "<5"


def test_a_lone_small_cell_cannot_be_recovered_from_its_row_or_column_totals():
    counts = table([[3, 12, 9], [10, 15, 8], [20, 30, 7]])
    result = suppress_table(counts)
    assert result.complementary, "a single hidden cell is given away by its row total"
    assert subtraction_attack(result.display, counts) == {}
    for cell in result.primary | result.complementary:
        assert other_value_fits(result.display, counts, cell), cell


def test_without_complementary_suppression_the_attack_would_work():
    """The attack is real: hiding only the small cell lets the row total give it away."""
    counts = table([[3, 12, 9], [10, 15, 8], [20, 30, 7]])
    naive = counts.astype(str).astype(object)
    naive.iat[0, 0] = PRIMARY
    assert subtraction_attack(naive, counts) == {(0, 0): 3}


def test_a_chain_across_rows_is_closed_not_left_with_a_bridge():
    """Two hidden rectangles joined by one hidden cell: the joining cell is fixed by the totals
    of the rectangles' rows minus their columns; the suppression must notice and hide more."""
    counts = table([[2, 7, 30, 30], [8, 9, 30, 30], [30, 3, 1, 9], [30, 30, 6, 8]])
    result = suppress_table(counts)
    assert subtraction_attack(result.display, counts) == {}
    for cell in result.primary:
        assert other_value_fits(result.display, counts, cell), cell


def test_two_small_cells_adding_to_eight_are_not_left_alone_together():
    """Row total 8 + 20, two "<5" cells: 0..4 each, so both must be 4. Bounds give it away."""
    counts = table([[4, 4, 20], [12, 15, 30], [20, 30, 9]])
    result = suppress_table(counts)
    assert len(result.complementary) >= 2
    assert not result.unprotectable
    for cell in result.primary | result.complementary:
        assert other_value_fits(result.display, counts, cell), cell


@pytest.mark.parametrize("seed", range(25))
def test_random_small_tables_resist_subtraction_and_search(seed):
    rng = random.Random(seed)
    n, m = rng.choice([(2, 3), (3, 3), (3, 2), (2, 2)])
    counts = table([[rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 15]) for _ in range(m)] for _ in range(n)])
    result = suppress_table(counts)
    assert all(result.display.iat[c] == PRIMARY for c in result.primary)
    for i, j in itertools.product(range(n), range(m)):
        shown = result.display.iat[i, j]
        if counts.iat[i, j] < 5:
            assert shown == PRIMARY
        elif shown != COMPLEMENTARY:
            assert shown == str(counts.iat[i, j])
    assert subtraction_attack(result.display, counts) == {}
    for cell in result.primary - result.unprotectable:
        assert other_value_fits(result.display, counts, cell), (cell, counts.to_dict())
        if combinations(result.display, counts) <= 20_000:
            assert brute_force_alternative(result.display, counts, cell), (cell, counts.to_dict())
    if result.unprotectable:
        # Only a table whose every cell is hidden can be beyond help.
        assert all(result.display.iat[i, j] in (PRIMARY, COMPLEMENTARY) for i in range(n) for j in range(m))


def test_a_table_its_totals_give_away_is_reported_as_unprotectable():
    counts = table(
        [[6, 0], [4, 9]]
    )  # row 0 = 6 with (0, 0) >= 5, column 0 = 10 with (1, 0) <= 4: (0, 1) is 0
    result = suppress_table(counts)
    assert set(result.display.to_numpy().ravel()) <= {PRIMARY, COMPLEMENTARY}
    assert (0, 1) in result.unprotectable
    assert not other_value_fits(result.display, counts, (0, 1))
    assert not brute_force_alternative(result.display, counts, (0, 1))


def test_a_one_column_table_hides_a_second_cell_so_the_total_gives_nothing_away():
    counts = pd.DataFrame({"victims": [3, 10, 20, 6]}, index=["a", "b", "c", "d"])
    result = suppress_table(counts, totals=True)
    shown = result.display["victims"].tolist()
    assert shown[0] == "<5" and shown[-1] == "39"
    assert shown.count(COMPLEMENTARY) == 1 and shown[3] == COMPLEMENTARY  # the smallest other cell
    assert subtraction_attack(result.display.drop(index=TOTAL), counts) == {}


def test_shown_totals_are_protected_too():
    """A row whose total is under 5 hides the total; the other totals must not give it away."""
    counts = table([[1, 2, 1], [10, 15, 8], [20, 30, 7]])
    result = suppress_table(counts, totals=True)
    display = result.display
    assert display.loc["r0", TOTAL] == "<5"
    assert display.loc[TOTAL, TOTAL] == "94"
    totals = display[TOTAL].drop(index=TOTAL).tolist()
    hidden_totals = [t for t in totals if t in (PRIMARY, COMPLEMENTARY)]
    assert len(hidden_totals) >= 2, "grand total minus the other row totals would give row r0 away"
    for value in display.to_numpy().ravel():
        assert value in (PRIMARY, COMPLEMENTARY) or int(value) >= 5


def test_bad_counts_are_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="whole numbers"):
        suppress_table(table([[1.5, 2]]))
    with pytest.raises(ValueError, match="whole numbers"):
        suppress_table(table([[-1, 2]]))
    with pytest.raises(ValueError, match="blank"):
        suppress_table(table([[None, 2]]))
    with pytest.raises(ValueError, match="labels in the index"):
        suppress_table(table([["a", 2]]))


def test_plain_table_adds_totals_without_hiding_anything():
    shown = plain_table(table([[1, 2], [3, 4]]), totals=True)
    assert shown.to_numpy().tolist() == [["1", "2", "3"], ["3", "4", "7"], ["4", "6", "10"]]

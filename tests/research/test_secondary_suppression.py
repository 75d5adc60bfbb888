"""Suppression across the tables of one run: a count hidden in one table is not rebuilt from the others.

The attacker reads only the recorded results (what a brief publishes). They know the grand
total (a key figure), that the by-year table splits every victim once, that a row or column
total equals the same group's count in another table, and that every table adds up. They
solve that linear system; a hidden cell with one possible value is recovered.
"""

import itertools
import json

import numpy as np
import pandas as pd
import pytest

from research import suppression
from research.recording import Recorder

HIDDEN = {suppression.PRIMARY, suppression.COMPLEMENTARY}
YEARS = ["2019", "2020", "2021", "2022"]
# 40 victims; each has one form of exploitation. Forced labour: 3 victims.
BY_YEAR = pd.DataFrame(
    {
        "sexual exploitation": [8, 7, 8, 7],
        "forced labour": [2, 0, 1, 0],
        "other or not recorded": [2, 2, 2, 1],
    },
    index=pd.Index(YEARS, name="year"),
)
# A victim may have several forms here (the CTDC flags), so this table does not add up to 40.
FLAGS = pd.DataFrame(
    {
        "form of exploitation": [
            "sexual exploitation",
            "forced labour",
            "other or not recorded",
            "forced marriage",
        ],
        "victims": [30, 3, 7, 6],
        "% of recorded": [75.0, 7.5, 17.5, 15.0],
    }
)


def record(folder, tables):
    rec = Recorder(folder, sensitive=True)
    rec.number("victims", int(BY_YEAR.to_numpy().sum()), unit="victim records")
    for name, frame, counts in tables:
        rec.table(name, frame, name, counts=counts)
        rec.protect(frame[["victims"]] if "victims" in frame else frame)
    return json.loads((folder / "results.json").read_text())


def cell_value(text):
    return None if text in HIDDEN else int(str(text).replace(",", ""))


def recover(results_list, partition="by-year"):  # noqa: C901 (the attacker's whole search, step by step)
    """Every hidden cell the published figures pin to one value: {(table, row, column): value}."""
    unknown, equations, truth_free = {}, [], []

    def var(key):
        return unknown.setdefault(key, len(unknown))

    group_terms = {}  # label -> list of (coefficient-dict, constant) meaning "the group's count"
    grand = None
    for results in results_list:
        for number in results["numbers"]:
            if number["name"] == "victims" and not number["suppressed"]:
                grand = int(number["display"].replace(",", ""))
        for table in results["tables"]:
            columns, counts = table["columns"], table.get("count_columns")
            if not counts:  # a table of text (columns not used): nothing to add up
                continue
            positions = [columns.index(c) for c in counts]
            labels = [" / ".join(row[: min(positions)]) for row in table["rows"]]

            def term(r, k, table=table, labels=labels, columns=columns):
                value = cell_value(table["rows"][r][k])
                if value is None:
                    return {var((table["name"], labels[r], columns[k])): 1}, 0
                return {}, value

            if len(positions) == 1:
                for r, label in enumerate(labels):
                    group_terms.setdefault(label, []).append(term(r, positions[0]))
                continue
            for r, label in enumerate(labels):  # each row adds up to its (unknown) total
                total = var((table["name"], "row total", label))
                terms = [term(r, k) for k in positions]
                equations.append(({**_sum(terms), total: -1}, -sum(c for _, c in terms)))
                truth_free.append(total)
            column_totals = []
            for k in positions:
                total = var((table["name"], "column total", columns[k]))
                terms = [term(r, k) for r in range(len(labels))]
                equations.append(({**_sum(terms), total: -1}, -sum(c for _, c in terms)))
                group_terms.setdefault(columns[k], []).append(({total: 1}, 0))
                column_totals.append(total)
                truth_free.append(total)
            if table["name"] == partition and grand is not None:
                equations.append(({t: 1 for t in column_totals}, grand))
    for terms in group_terms.values():  # the same group counted in two tables is one number
        for (left, left_constant), (right, right_constant) in itertools.pairwise(terms):
            coefficients = dict(left)
            for key, c in right.items():
                coefficients[key] = coefficients.get(key, 0) - c
            equations.append((coefficients, right_constant - left_constant))
    if not unknown or not equations:
        return {}
    matrix = np.zeros((len(equations), len(unknown)))
    rhs = np.zeros(len(equations))
    for row, (coefficients, constant) in enumerate(equations):
        for key, c in coefficients.items():
            matrix[row, key] += c
        rhs[row] = constant
    solution = np.linalg.lstsq(matrix, rhs, rcond=None)[0]
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:]
    recovered = {}
    names = {index: key for key, index in unknown.items()}
    for index in range(len(unknown)):
        free = len(null_space) and np.abs(null_space[:, index]).sum() > 1e-9
        if not free and index not in truth_free and "total" not in names[index][1]:
            recovered[names[index]] = round(float(solution[index]))
    return recovered


def _sum(terms):
    merged = {}
    for coefficients, _ in terms:
        for key, c in coefficients.items():
            merged[key] = merged.get(key, 0) + c
    return merged


def test_the_attack_works_on_tables_suppressed_one_by_one(tmp_path):
    """The control: each table alone is safe, yet together they give forced labour's 3 away."""
    flags = record(tmp_path / "a", [("exploitation", FLAGS, ["victims"])])
    years = record(tmp_path / "b", [("by-year", BY_YEAR, True)])
    recovered = recover([flags, years])
    assert recovered.get(("exploitation", "forced labour", "victims")) == 3


def test_a_hidden_count_cannot_be_recovered_from_every_table_of_the_run(tmp_path):
    results = record(tmp_path, [("exploitation", FLAGS, ["victims"]), ("by-year", BY_YEAR, True)])
    assert recover([results]) == {}
    exploitation = {row[0]: row[1] for row in results["tables"][0]["rows"]}
    assert exploitation["forced labour"] == suppression.PRIMARY
    # 40 minus sexual exploitation (30) minus "other" (7) would be forced labour: the by-year table
    # hides the "other" group's total, so the one-way table recorded before it hides "other" too.
    assert exploitation["other or not recorded"] == suppression.COMPLEMENTARY
    assert exploitation["sexual exploitation"] == "30"
    by_year = results["tables"][1]
    assert [row[1] for row in by_year["rows"]] == ["8", "7", "8", "7"]


def test_the_other_order_and_a_partly_shown_breakdown(tmp_path):
    """Without "other" published elsewhere, the by-year table can still show the sexual exploitation
    column; and recording the breakdown first protects the later one-way table as well."""
    flags = FLAGS[FLAGS["form of exploitation"] != "other or not recorded"].reset_index(drop=True)
    results = record(tmp_path, [("by-year", BY_YEAR, True), ("exploitation", flags, ["victims"])])
    assert recover([results]) == {}
    by_year = results["tables"][0]
    assert [row[1] for row in by_year["rows"]] == ["8", "7", "8", "7"]
    exploitation = {row[0]: row[1] for row in results["tables"][1]["rows"]}
    assert exploitation["forced labour"] == suppression.PRIMARY


@pytest.mark.parametrize("seed", range(6))
def test_random_runs_resist_differencing_across_tables(tmp_path, seed):
    rng = np.random.default_rng(seed)
    by_year = pd.DataFrame(
        rng.integers(0, 9, size=(4, 3)) * rng.integers(0, 2, size=(1, 3)) + rng.integers(0, 3, size=(4, 3)),
        columns=["sexual exploitation", "forced labour", "other or not recorded"],
        index=pd.Index(YEARS, name="year"),
    )
    totals = by_year.sum()
    flags = pd.DataFrame({"form of exploitation": list(totals.index), "victims": totals.to_numpy()})
    rec = Recorder(tmp_path, sensitive=True)
    rec.number("victims", int(by_year.to_numpy().sum()), unit="victim records")
    rec.table("exploitation", flags, "flags", counts=["victims"])
    rec.table("by-year", by_year, "by year")
    results = json.loads((tmp_path / "results.json").read_text())
    assert recover([results]) == {}


def test_a_sentence_about_a_group_hidden_in_a_table_is_hidden_too(tmp_path):
    rec = Recorder(tmp_path, sensitive=True)
    rec.number("victims", 40, unit="victim records")
    rec.number(
        "other",
        7,
        unit="victims",
        sentence="{value} victims had another form.",
        group="other or not recorded",
    )
    rec.number(
        "sexual", 30, unit="victims", sentence="{value} were sexually exploited.", group="sexual exploitation"
    )
    rec.table("by-year", BY_YEAR, "by year")  # hides "other or not recorded" to protect forced labour
    numbers = {n["name"]: n for n in json.loads((tmp_path / "results.json").read_text())["numbers"]}
    assert numbers["other"]["suppressed"] and numbers["other"]["value"] is None
    assert numbers["other"]["sentence"] == "suppressed victims had another form."
    assert numbers["sexual"]["display"] == "30"

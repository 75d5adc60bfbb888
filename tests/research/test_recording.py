"""The Recorder: numbers, tables and figures land in results.json the way the platform reads them."""

import json
import os
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from research import recording
from research.recording import Recorder
from research.suppression import COMPLEMENTARY, PRIMARY


def results(path):
    return json.loads((path / "results.json").read_text())


def test_a_new_recorder_writes_an_empty_valid_results_file(tmp_path):
    Recorder(tmp_path / "out", sensitive=False)
    data = results(tmp_path / "out")
    assert data == {"version": 1, "sensitive": False, "numbers": [], "tables": [], "figures": [], "notes": []}


def test_numbers_under_five_are_suppressed_when_sensitive(tmp_path):
    rec = Recorder(tmp_path, sensitive=True)
    rec.number("victims", 3, unit="people", sentence="{value} victims were minors at registration.")
    rec.number("cases", 1234, unit="cases")
    rec.number("median-days", 2.5, unit="days", count=False)
    numbers = {n["name"]: n for n in results(tmp_path)["numbers"]}
    assert numbers["victims"] == {
        "name": "victims",
        "value": None,
        "display": "<5",
        "unit": "people",
        "sentence": "<5 victims were minors at registration.",
        "suppressed": True,
        "count": True,
    }
    assert numbers["cases"]["value"] == 1234 and numbers["cases"]["display"] == "1,234"
    assert numbers["median-days"]["value"] == 2.5 and not numbers["median-days"]["suppressed"]


def test_numbers_are_shown_as_they_are_when_not_sensitive(tmp_path):
    rec = Recorder(tmp_path, sensitive=False)
    rec.number("victims", 3)
    assert results(tmp_path)["numbers"][0]["value"] == 3
    assert results(tmp_path)["numbers"][0]["display"] == "3"


def test_shares_hide_either_side_under_five(tmp_path):
    rec = Recorder(tmp_path, sensitive=True)
    rec.share("answered", 3, 4, sentence="{value}% of questions were answered.")
    rec.share("answered-many", 30, 40)
    rec.share("nearly-all", 38, 40)
    shares = {n["name"]: n for n in results(tmp_path)["numbers"]}
    assert shares["answered"]["value"] is None and shares["answered"]["suppressed"]
    assert shares["answered"]["sentence"] == "suppressed% of questions were answered."
    assert shares["answered-many"]["value"] == 75.0 and shares["answered-many"]["display"] == "75"
    assert shares["nearly-all"]["suppressed"], "2 unanswered of 40 is a small count too"
    Recorder(tmp_path / "open", sensitive=False).share("answered", 3, 4)
    assert results(tmp_path / "open")["numbers"][0]["value"] == 75.0


def test_tables_get_complementary_suppression_and_cannot_be_undone_from_totals(tmp_path):
    rec = Recorder(tmp_path, sensitive=True)
    counts = pd.DataFrame(
        {"region": ["1", "2", "3"], "labour": [3, 10, 20], "sex": [12, 15, 30], "other": [9, 8, 7]}
    )
    rec.table("by-region", counts, "Victims by region and exploitation", totals=True)
    table = results(tmp_path)["tables"][0]
    assert table["columns"] == ["region", "labour", "sex", "other", "Total"]
    assert table["rows"][0][:2] == ["1", PRIMARY]
    assert table["suppressed_cells"] >= 4
    assert sum(cell == COMPLEMENTARY for row in table["rows"] for cell in row) >= 3
    assert "cannot be worked out" in table["caption"]
    for row in table["rows"][:-1]:  # every row with a hidden cell hides at least two
        hidden = sum(cell in (PRIMARY, COMPLEMENTARY) for cell in row[1:4])
        assert hidden != 1, row
    for j in range(1, 4):
        hidden = sum(row[j] in (PRIMARY, COMPLEMENTARY) for row in table["rows"][:-1])
        assert hidden != 1, j


def test_a_table_whose_totals_give_it_away_is_withheld_whole(tmp_path):
    rec = Recorder(tmp_path, sensitive=True)
    rec.table("tiny", pd.DataFrame({"a": [6, 4], "b": [0, 9]}, index=pd.Index(["x", "y"], name="g")), "Tiny")
    table = results(tmp_path)["tables"][0]
    assert {cell for row in table["rows"] for cell in row[1:]} == {COMPLEMENTARY}


def test_tables_that_are_not_counts_are_written_as_they_are(tmp_path):
    rec = Recorder(tmp_path, sensitive=True)
    frame = pd.DataFrame(
        {"median hours": [1.5, 30.25]}, index=pd.Index(["question", "discussion"], name="kind")
    )
    rec.table("reply-times", frame, "Median hours to first reply", counts=False)
    table = results(tmp_path)["tables"][0]
    assert table["columns"] == ["kind", "median hours"]
    assert table["rows"] == [["question", "1.5"], ["discussion", "30.25"]]
    assert table["suppressed_cells"] == 0


def test_a_repeated_name_replaces_the_earlier_item(tmp_path):
    rec = Recorder(tmp_path, sensitive=False)
    rec.number("total", 10)
    rec.number("total", 12)
    rec.table("total-table", pd.DataFrame({"n": [1]}), "first")
    rec.table("total-table", pd.DataFrame({"n": [2]}), "second")
    data = results(tmp_path)
    assert [n["value"] for n in data["numbers"]] == [12]
    assert [t["caption"] for t in data["tables"]] == ["second"]


def test_bad_names_and_values_are_refused_with_a_clear_message(tmp_path):
    rec = Recorder(tmp_path, sensitive=True)
    for bad in ("Total", "two words", "../escape", "", "a/b"):
        with pytest.raises(ValueError, match="lower-case letters"):
            rec.number(bad, 10)
    with pytest.raises(ValueError, match="whole number"):
        rec.number("people", 2.5)
    with pytest.raises(ValueError, match="must be a number"):
        rec.number("people", "many")
    with pytest.raises(ValueError, match="alt text"):
        rec.figure("chart", plt.figure(), "caption", alt=" ")
    assert not list(tmp_path.glob("../escape*"))


def test_figures_are_saved_as_png_with_their_suppressed_data_table(tmp_path):
    rec = Recorder(tmp_path, sensitive=True)
    counts = pd.Series([3, 10, 20, 6], index=pd.Index(["a", "b", "c", "d"], name="type"), name="victims")
    protected = rec.protect(counts)
    assert protected["victims"].isna().tolist() == [True, False, False, True]
    fig, ax = plt.subplots()
    ax.bar(protected.index, protected["victims"].fillna(0))
    rec.figure("types", fig, "Victims by type", alt="Bar chart of victims by type", data=counts)
    figure = results(tmp_path)["figures"][0]
    assert figure["file"] == "types.png" and figure["alt"] == "Bar chart of victims by type"
    assert figure["data"] == {
        "columns": ["type", "victims"],
        "rows": [["a", PRIMARY], ["b", "10"], ["c", "20"], ["d", COMPLEMENTARY]],
    }
    assert (tmp_path / "types.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    plt.close(fig)


def test_synthetic_runs_are_labelled_in_every_output(tmp_path):
    rec = Recorder(tmp_path, sensitive=False)
    rec.mark_synthetic("Generated by research.synthetic.")
    rec.number("cases", 100, sentence="{value} cases.")
    rec.table("t", pd.DataFrame({"n": [1, 2]}), "Counts")
    fig, _ax = plt.subplots()
    rec.figure("f", fig, "A chart", alt="Empty chart")
    plt.close(fig)
    data = results(tmp_path)
    assert data["synthetic"] is True
    assert data["notes"][0].startswith("**SYNTHETIC DATA.**")
    assert data["numbers"][0]["sentence"] == "SYNTHETIC DATA: 100 cases."
    assert data["tables"][0]["caption"].startswith("SYNTHETIC DATA")
    assert data["figures"][0]["caption"].startswith("SYNTHETIC DATA")


def test_writes_are_atomic_and_leave_no_temporary_files(tmp_path, monkeypatch):
    rec = Recorder(tmp_path, sensitive=False)
    rec.number("before", 1)
    good = (tmp_path / "results.json").read_text()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(recording.os, "replace", broken_replace)
    with pytest.raises(OSError):
        rec.number("after", 2)
    assert (tmp_path / "results.json").read_text() == good, "a failed write leaves the last good file"
    assert sorted(os.listdir(tmp_path)) == ["results.json"]


def test_recording_works_without_django(tmp_path):
    code = (
        "import sys; from research.recording import Recorder; import pandas as pd;"
        f"r = Recorder({str(tmp_path)!r}, sensitive=True); r.number('n', 2);"
        "assert 'django' not in sys.modules, 'django was imported'"
    )
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": os.getcwd()}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert results(tmp_path)["numbers"][0]["display"] == "<5"


def test_statistics_beside_hidden_counts_are_hidden_too(tmp_path):
    rec = Recorder(tmp_path, sensitive=True)
    frame = pd.DataFrame(
        {"area": ["coordination", "training", "data", "finance"], "task forces": [3, 12, 9, 20],
         "mean gap": [2.5, 1.25, 0.5, 1.0]}
    )  # fmt: skip
    rec.table("gaps", frame, "Gaps by area", counts=["task forces"])
    table = results(tmp_path)["tables"][0]
    assert table["columns"] == ["area", "task forces", "mean gap"]
    rows = {row[0]: row[1:] for row in table["rows"]}
    assert rows["coordination"] == [PRIMARY, COMPLEMENTARY]
    assert rows["finance"] == ["20", "1"]
    hidden_rows = [r for r in rows.values() if r[0] in (PRIMARY, COMPLEMENTARY)]
    assert len(hidden_rows) == 2 and all(r[1] == COMPLEMENTARY for r in hidden_rows)
    with pytest.raises(ValueError, match="not in the table"):
        rec.table("gaps", frame, "Gaps", counts=["victims"])


def test_a_statistic_over_fewer_than_five_records_is_hidden_when_sensitive(tmp_path):
    rec = Recorder(tmp_path, sensitive=True)
    rec.number("median-hours", 3.25, unit="hours", count=False, based_on=2, decimals=1)
    rec.number("median-hours-all", 3.25, unit="hours", count=False, based_on=50, decimals=1)
    numbers = {n["name"]: n for n in results(tmp_path)["numbers"]}
    assert numbers["median-hours"]["value"] is None and numbers["median-hours"]["display"] == "suppressed"
    assert numbers["median-hours-all"]["value"] == 3.25 and numbers["median-hours-all"]["display"] == "3.2"

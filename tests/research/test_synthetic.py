"""Synthetic CTDC data: valid against the schema, the same for the same seed, and labelled synthetic."""

import subprocess
import sys

import pytest

from research import synthetic
from research.schemas import SCHEMAS, load, read_frame, validate


def test_synthetic_records_validate_against_the_ctdc_schema_with_every_column_usable():
    frame = synthetic.frame(400, seed=3)
    report = validate(SCHEMAS["ctdc"], frame)
    assert report.ok and report.unusable == [] and report.missing == []
    assert report.usable == [c.name for c in SCHEMAS["ctdc"].columns]


def test_the_same_seed_gives_the_same_records_and_another_seed_does_not():
    assert synthetic.generate(50, seed=1) == synthetic.generate(50, seed=1)
    assert synthetic.generate(50, seed=1) != synthetic.generate(50, seed=2)


def test_distributions_are_plausible_and_consistent():
    frame = synthetic.frame(3000, seed=11)
    sexual = (frame["isSexualExploit"] == "1").mean()
    labour = (frame["isForcedLabour"] == "1").mean()
    assert 0.4 < sexual < 0.65 and 0.3 < labour < 0.5
    assert (frame["gender"] == "Female").mean() > 0.5
    minors = frame[frame["ageBroad"].isin(["0--8", "9--17"])]
    assert set(minors["majorityStatus"]) == {"Minor"}
    labour_rows = frame[frame["isForcedLabour"] == "1"]
    sectors = [c for c in frame.columns if c.startswith("typeOfLabour")]
    assert (labour_rows[sectors] == "1").sum(axis=1).eq(1).all(), "every labour case has one sector"
    not_labour = frame[frame["isForcedLabour"] == "0"]
    assert (not_labour[sectors] == "0").all().all()
    years = frame["yearOfRegistration"].astype(int)
    assert years.between(2005, 2023).all() and (years >= 2015).mean() > 0.5
    assert (frame["isSynthetic"] == "1").all()
    family_minor = (minors["recruiterRelationFamily"] == "1").mean()
    family_adult = (frame[~frame.index.isin(minors.index)]["recruiterRelationFamily"] == "1").mean()
    assert family_minor > family_adult


def test_the_command_writes_a_labelled_file(tmp_path):
    out = tmp_path / "synthetic-ctdc-demo.csv"
    done = subprocess.run(
        [sys.executable, "-m", "research.synthetic", "--rows", "25", "--seed", "4", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "SYNTHETIC" in done.stdout
    data, report = load("ctdc", out)
    assert len(data) == 25 and report.ok
    assert synthetic.is_synthetic(read_frame(out), path=out)
    assert out.read_text() == "".join(
        [",".join(synthetic.COLUMNS) + "\n"]
        + [",".join(row[c] for c in synthetic.COLUMNS) + "\n" for row in synthetic.generate(25, seed=4)]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rows", "10", "--out", "ctdc.csv"], "must be named synthetic-ctdc-"),
        (["--rows", "0", "--out", "synthetic-ctdc-x.csv"], "rows must be between 1 and 1,000,000"),
        (["--rows", "lots", "--out", "synthetic-ctdc-x.csv"], "invalid int value"),
        (["--rows", "10"], "required: --out"),
    ],
)
def test_the_command_refuses_bad_arguments_with_a_clear_message(tmp_path, args, message):
    done = subprocess.run(
        [sys.executable, "-m", "research.synthetic", *args], capture_output=True, text=True, cwd=tmp_path,
        env={"PYTHONPATH": str(__import__("pathlib").Path.cwd()), "PATH": ""},
    )  # fmt: skip
    assert done.returncode == 2
    assert message in done.stderr
    assert not list(tmp_path.iterdir()), "nothing is written"


def test_real_looking_files_are_not_taken_for_synthetic():
    frame = synthetic.frame(5, seed=0).drop(columns=["isSynthetic"])
    assert not synthetic.is_synthetic(frame, path="ctdc-2024.csv")
    mixed = synthetic.frame(5, seed=0)
    mixed.loc[2, "isSynthetic"] = "0"
    assert not synthetic.is_synthetic(mixed)


def test_synthetic_platform_exports_validate_against_their_schemas():
    needs, requests = synthetic.tta_frames(12, seed=2)
    topics, posts = synthetic.forum_frames(40, seed=2)
    trainings = synthetic.training_evaluations_frame(60, seed=2)
    for name, frame in (("tta_needs", needs), ("tta_requests", requests), ("forum_topics", topics),
                        ("forum_posts", posts), ("training_evaluations", trainings)):  # fmt: skip
        report = validate(SCHEMAS[name], frame)
        assert report.ok, (name, report.errors)
        assert report.unusable == []
    assert needs["task_force"].str.startswith("Synthetic").all()
    assert set(posts["topic_id"]) == set(topics["topic_id"])
    assert synthetic.tta_frames(12, seed=2)[0].equals(needs)

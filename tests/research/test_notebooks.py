"""The real analyses in notebooks/, executed with papermill on small files with known answers.

Each notebook runs in a python3 kernel from the project root with PYTHONPATH set, as the
platform runs it. Runs are shared per module (a kernel start costs seconds).
"""

import json
import os
from pathlib import Path

import nbformat
import papermill
import pytest

from research.suppression import COMPLEMENTARY, PRIMARY
from tests.research import notebook_data
from tests.research.test_secondary_suppression import recover

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
HIDDEN = (PRIMARY, COMPLEMENTARY)


def execute(name: str, folder: Path, **parameters) -> tuple[dict, nbformat.NotebookNode]:
    folder.mkdir(parents=True, exist_ok=True)
    parameters.setdefault("results_dir", str(folder / "results"))
    previous = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(ROOT)
    try:
        executed = papermill.execute_notebook(
            str(NOTEBOOKS / f"{name}.ipynb"),
            str(folder / f"{name}.ipynb"),
            parameters=parameters,
            kernel_name="python3",
            cwd=str(ROOT),
            progress_bar=False,
            execution_timeout=120,
        )
    finally:
        if previous is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = previous
    results = json.loads((Path(parameters["results_dir"]) / "results.json").read_text())
    return results, executed


def numbers(results):
    return {n["name"]: n for n in results["numbers"]}


def table(results, name):
    found = [t for t in results["tables"] if t["name"] == name]
    assert found, f"no table {name!r} in {[t['name'] for t in results['tables']]}"
    return {row[0]: row[1:] for row in found[0]["rows"]}


def printed(executed) -> str:
    return "".join(
        output.get("text", "")
        for cell in executed.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )


# --- the notebooks as files: metadata and parameters the registry relies on ------------------------------

# What a notebook may import from the project: helpers that work without Django.
ALLOWED_PROJECT_MODULES = {
    "research.recording",
    "research.schemas",
    "research.synthetic",
    "research.suppression",
}
PROJECT_PACKAGES = ("research", "members", "forum", "tta", "cms", "search", "config", "taxonomy", "django")


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_no_notebook_can_reach_the_live_database(path):
    """Notebooks read the files they are given; the platform's data reach them only as snapshots."""
    import ast

    node = nbformat.read(str(path), as_version=4)
    imported = set()
    for cell in node.cells:
        if cell.cell_type != "code":
            continue
        for stmt in ast.walk(ast.parse(cell.source)):
            if isinstance(stmt, ast.Import):
                imported |= {alias.name for alias in stmt.names}
            elif isinstance(stmt, ast.ImportFrom) and stmt.module:
                imported |= {stmt.module} | {f"{stmt.module}.{alias.name}" for alias in stmt.names}
    project = {name for name in imported if name.split(".")[0] in PROJECT_PACKAGES}
    reached = {
        name
        for name in project
        if name != "research"
        and not any(name == m or name.startswith(f"{m}.") for m in ALLOWED_PROJECT_MODULES)
    }
    assert not reached, f"{path.name} imports {sorted(reached)}"
    assert project, f"{path.name} records nothing through the research helpers"


@pytest.mark.parametrize(
    ("name", "datasets"),
    [
        ("case_characteristics", ["ctdc"]),
        ("tta_needs", ["tta_needs", "tta_requests"]),
        ("forum_health", ["forum_topics", "forum_posts"]),
        ("training_evaluations", ["training_evaluations"]),
    ],
)
def test_each_notebook_declares_metadata_and_reserved_parameters_with_help(name, datasets):
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    tfc = notebook.metadata["tfc"]
    assert tfc["datasets"] == datasets
    assert tfc["title"] and tfc["summary"] and tfc["brief"]
    parameters = papermill.inspect_notebook(str(NOTEBOOKS / f"{name}.ipynb"))
    assert parameters["results_dir"]["default"] == '"results"'
    assert parameters["sensitive"]["default"] == "True"
    for schema in datasets:
        assert parameters[f"{schema}_csv"]["default"] == '""'
    assert all(p["help"] for p in parameters.values()), "every parameter has a # help comment"
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    for heading in ("**Question.**", "## Method", "## Limitations"):
        assert heading in markdown
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "django" not in code.lower(), "notebooks never import Django or query the database"


# --- case characteristics ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ctdc_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ctdc")
    path = notebook_data.ctdc(folder / "ctdc-2024-partial.csv")
    return execute("case_characteristics", folder, ctdc_csv=str(path), sensitive=True)


def test_case_characteristics_counts_known_records(ctdc_run):
    results, _ = ctdc_run
    found = numbers(results)
    assert found["victims"]["value"] == 40
    assert found["minors"]["value"] == 12
    # 40 records: forced labour (a handful) is hidden, and with it every group whose count, with the
    # total of 40, would give it back in another table (research.suppression, across the run).
    exploitation = table(results, "exploitation")
    assert exploitation["sexual exploitation"] == [COMPLEMENTARY, COMPLEMENTARY]
    means = table(results, "means-of-control")
    assert means["debt bondage"] == [PRIMARY, COMPLEMENTARY, PRIMARY]
    assert means["threats"] == [COMPLEMENTARY, COMPLEMENTARY, PRIMARY]
    years = table(results, "by-year")
    assert years["2019"] == [COMPLEMENTARY] * 3, "a year with two empty cells cannot be shown at all"
    assert recover([results]) == {}, "no hidden count comes back by differencing the run's tables"
    assert "synthetic" not in results
    assert not any("SYNTHETIC" in n["sentence"] for n in results["numbers"])


def test_case_characteristics_hides_small_counts_when_sensitive(ctdc_run):
    results, _ = ctdc_run
    exploitation = table(results, "exploitation")
    assert exploitation["forced marriage"] == [PRIMARY, COMPLEMENTARY], "2 victims, and its share, are hidden"
    assert exploitation["forced labour"] == [COMPLEMENTARY, COMPLEMENTARY], "else 39 - 24 - 13 gives it away"
    means = table(results, "means-of-control")
    assert means["debt bondage"][-1] == PRIMARY
    figure = next(f for f in results["figures"] if f["name"] == "exploitation-chart")
    assert ["forced marriage", PRIMARY, COMPLEMENTARY] in figure["data"]["rows"]
    assert "2" not in [row[1] for row in figure["data"]["rows"]]
    # Drawn before a later table hid "sexual exploitation": the picture is withheld, and the run says so.
    assert figure["withheld"] and any("was withheld" in note for note in results["notes"])


def test_case_characteristics_reports_the_columns_it_could_not_use(ctdc_run):
    results, executed = ctdc_run
    not_used = table(results, "columns-not-used")
    assert not_used["favouriteColour"] == ["not a CTDC victim records column"]
    assert not_used["isAbduction"][0].startswith("must be yes/no values")
    assert "row 5 is not" in not_used["isAbduction"][0]
    assert not_used["citizenship"] == ["not in the file"]
    assert "isSynthetic" not in not_used
    assert numbers(results)["columns-used"]["value"] == 10
    assert "Columns used (10)" in printed(executed)


def test_case_characteristics_without_a_file_runs_on_labelled_synthetic_data(tmp_path):
    results, executed = execute(
        "case_characteristics", tmp_path, ctdc_csv="", sensitive=False, synthetic_rows=80, synthetic_seed=2
    )
    assert results["synthetic"] is True
    assert results["notes"][0].startswith("**SYNTHETIC DATA.**")
    assert all(n["sentence"].startswith("SYNTHETIC DATA") for n in results["numbers"])
    assert all(t["caption"].startswith("SYNTHETIC DATA") for t in results["tables"])
    assert all(f["caption"].startswith("SYNTHETIC DATA") for f in results["figures"])
    assert numbers(results)["victims"]["value"] == 80
    assert "SYNTHETIC DATA" in printed(executed)
    for figure in results["figures"]:
        assert (tmp_path / "results" / figure["file"]).stat().st_size > 1000


def test_case_characteristics_refuses_a_file_without_the_year(tmp_path):
    bad = tmp_path / "ctdc.csv"
    bad.write_text("gender,ageBroad\nFemale,9--17\n")
    with pytest.raises(papermill.PapermillExecutionError) as raised:
        execute("case_characteristics", tmp_path, ctdc_csv=str(bad))
    assert "Missing required column 'yearOfRegistration'" in str(raised.value)


# --- TTA needs --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tta_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tta")
    return notebook_data.tta(folder / "needs.csv", folder / "requests.csv")


def test_tta_needs_counts_needs_gaps_and_unmet_needs(tta_files, tmp_path):
    needs, requests = tta_files
    results, _ = execute("tta_needs", tmp_path, tta_needs_csv=str(needs), tta_requests_csv=str(requests),
                         sensitive=False)  # fmt: skip
    found = numbers(results)
    assert found["task-forces"]["value"] == 6
    assert found["needs"]["value"] == 6
    assert found["unmet-needs"]["value"] == 4
    assert found["needs-met"]["display"] == "33" and found["needs-met"]["unit"] == "%"
    assert found["requests-delivered"]["display"] == "67"
    assert found["median-days-to-deliver"]["value"] == 45.0
    by_area = table(results, "needs-by-area")
    # rated, needs, unmet, mean priority, mean capacity, mean gap
    assert by_area["Coordination"] == ["6", "5", "3", "5", "2.33", "2.67"]
    assert by_area["Training"] == ["6", "1", "1", "3.17", "2.67", "0.5"]
    assert "synthetic" not in results


def test_tta_needs_hides_small_counts_and_their_averages_when_sensitive(tta_files, tmp_path):
    needs, requests = tta_files
    results, _ = execute("tta_needs", tmp_path, tta_needs_csv=str(needs), tta_requests_csv=str(requests))
    found = numbers(results)
    assert found["task-forces"]["display"] == "6"
    assert found["unmet-needs"] == {
        **found["unmet-needs"],
        "value": None,
        "display": PRIMARY,
        "suppressed": True,
    }
    assert found["needs-met"]["value"] is None, "2 of 6 met tells of 4 unmet"
    assert found["median-days-to-deliver"]["value"] is None, "a median of two requests is hidden"
    by_area = table(results, "needs-by-area")
    assert by_area["Training"][1:3] == [PRIMARY, PRIMARY]
    assert all(cell in HIDDEN for cell in by_area["Training"][3:]), "averages beside hidden counts are hidden"
    for row in table(results, "needs-by-region").values():
        assert all(cell in HIDDEN or int(cell) >= 5 for cell in row)


# --- forum health -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def forum_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("forum")
    return notebook_data.forum(folder / "topics.csv", folder / "posts.csv")


def test_forum_health_measures_replies_answers_tags_and_roles(forum_files, tmp_path):
    topics, posts = forum_files
    results, _ = execute("forum_health", tmp_path, forum_topics_csv=str(topics), forum_posts_csv=str(posts),
                         sensitive=False)  # fmt: skip
    found = numbers(results)
    assert found["questions-answered"]["value"] == 75.0 and found["questions-answered"]["display"] == "75"
    assert found["topics-replied"]["display"] == "83"
    assert found["replied-promptly"]["display"] == "67"
    assert found["median-hours-to-first-reply"]["value"] == 3.0
    assert table(results, "activity-by-tag") == {"(no tag)": ["1", "2"], "coordination": ["2", "5"],
                                                 "training": ["4", "9"]}  # fmt: skip
    assert table(results, "activity-by-role") == {"member": ["5", "3"], "task force coordinator": ["1", "2"],
                                                  "tta staff": ["0", "2"]}  # fmt: skip
    assert table(results, "replies-by-kind")["question"] == ["4", "4", "2.5"]


def test_forum_health_hides_small_counts_when_sensitive(forum_files, tmp_path):
    topics, posts = forum_files
    results, _ = execute("forum_health", tmp_path, forum_topics_csv=str(topics), forum_posts_csv=str(posts))
    found = numbers(results)
    assert found["topics"]["display"] == "6"
    assert found["questions"]["display"] == PRIMARY and found["questions"]["value"] is None
    assert found["questions-answered"]["value"] is None and found["questions-answered"]["suppressed"]
    roles = table(results, "activity-by-role")
    assert all(cell in HIDDEN for row in roles.values() for cell in row if cell != "5")
    text = json.dumps(results)
    assert "75" not in text, "3 of 4 answered must not show"


def test_forum_health_refuses_a_bad_date_with_a_clear_message(forum_files, tmp_path):
    topics, posts = forum_files
    with pytest.raises(papermill.PapermillExecutionError) as raised:
        execute("forum_health", tmp_path, forum_topics_csv=str(topics), forum_posts_csv=str(posts),
                since="yesterday")  # fmt: skip
    assert "since must be a date written YYYY-MM-DD" in str(raised.value)


# --- training evaluations ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def training_file(tmp_path_factory):
    return notebook_data.training_evaluations(tmp_path_factory.mktemp("trainings") / "evaluations.csv")


def test_training_evaluations_measures_knowledge_before_and_after_by_format(training_file, tmp_path):
    results, _ = execute("training_evaluations", tmp_path, training_evaluations_csv=str(training_file),
                         sensitive=False)  # fmt: skip
    found = numbers(results)
    assert found["registrations"]["value"] == 11 and found["attendance-rate"]["display"] == "82"
    assert found["response-rate"]["display"] == "100"
    assert found["correct-before"]["display"] == "33" and found["correct-after"]["display"] == "100"
    assert found["change-points"]["value"] == 66.7
    by_format = table(results, "knowledge-by-format")
    assert by_format["Virtual"][:4] == ["6", "25", "100", "75"]
    assert by_format["In person"][:3] == ["3", "50", "100"]
    assert by_format["Hybrid"][0] == "0"
    assert set(table(results, "knowledge-by-topic")) == {"coordination", "training"}
    assert [f["name"] for f in results["figures"]] == ["knowledge-by-format-chart"]
    assert not results.get("synthetic")


def test_training_evaluations_hides_small_groups_when_sensitive(training_file, tmp_path):
    results, _ = execute("training_evaluations", tmp_path, training_evaluations_csv=str(training_file))
    found = numbers(results)
    assert found["attendance-rate"]["value"] is None  # 2 were absent: a small remainder
    by_format = table(results, "knowledge-by-format")
    assert by_format["In person"][0] == PRIMARY
    assert all(cell in HIDDEN for cell in by_format["In person"][1:]), (
        "statistics of a hidden count are hidden"
    )
    figure = results["figures"][0]["data"]
    assert all(row[1] in HIDDEN for row in figure["rows"] if row[0] != "Virtual")


def test_training_evaluations_without_a_file_runs_on_labelled_synthetic_data(tmp_path):
    results, executed = execute("training_evaluations", tmp_path)
    assert results["synthetic"] is True
    assert "SYNTHETIC DATA" in printed(executed)
    assert numbers(results)["evaluations"]["value"] > 0


def test_training_evaluations_refuses_a_bad_month_with_a_clear_message(training_file, tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as raised:
        execute("training_evaluations", tmp_path, training_evaluations_csv=str(training_file),
                since_month="March")  # fmt: skip
    assert "since_month must be a month written YYYY-MM" in str(raised.value)


def succeeded_run(notebook: str, title: str, results: dict, folder: Path, dataset: tuple[str, str]):
    """A succeeded run of ``notebook`` as the runner would leave it: its results, its figures in the
    research store and the dataset version it read (``dataset``: the parameter's key and the slug)."""
    from research.models import Run
    from research.storage import research_storage

    key, slug = dataset
    run = Run.objects.create(
        notebook_path=f"notebooks/{notebook}.ipynb", notebook_title=title,
        notebook_sha256="a" * 64, parameters={}, parameters_json="{}", parameters_sha256="b" * 64,
        provenance_sha256="c" * 64, status=Run.Status.SUCCEEDED, results=results, kernel_name="python3",
        data_versions={key: {"dataset": slug, "version": 1, "version_id": 1, "sha256": "d" * 64}},
    )  # fmt: skip
    for figure in results["figures"]:
        with open(folder / "results" / figure["file"], "rb") as handle:
            research_storage().save(run.figure_path(figure["name"]), handle)
    return run


@pytest.mark.django_db
def test_a_training_evaluations_run_becomes_a_brief_draft_in_review(training_file, tmp_path, role_user):
    """The existing review path: a succeeded run of the notebook, its figure stored, becomes a draft."""
    from wagtail.models import WorkflowState

    from cms.models.briefs import EvidenceBriefPage
    from research import publishing
    from tests.cms import factories as cms

    cms.index_pages()
    results, _ = execute("training_evaluations", tmp_path, training_evaluations_csv=str(training_file))
    run = succeeded_run(
        "training_evaluations", "Which trainings change knowledge", results, tmp_path,
        ("training_evaluations", "training-evaluations"),
    )  # fmt: skip
    page = publishing.create_brief_draft(run, role_user("researcher"))
    draft = EvidenceBriefPage.objects.get(slug="training-evaluations").get_latest_revision_as_object()
    assert not page.live and draft.title == "Which trainings change knowledge"
    assert draft.charts[0].value["alt_text"].startswith("Grouped bar chart")
    assert "Recalled, not tested" in str(draft.limitations)
    assert WorkflowState.objects.filter(object_id=str(page.pk), status="in_progress").exists()

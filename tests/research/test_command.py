"""``manage.py run_notebook NAME -p key value --dataset NAME[@version] --as EMAIL``: queue, follow, refuse."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from research.models import Run
from tests.research.conftest import TTA_NEEDS_CSV

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Status = Run.Status

# Reads the pinned CSV, so the executed notebook shows which file the run was given.
READ_DATA = (
    "import csv\nrows = list(csv.DictReader(open(tta_needs_csv)))\nprint('rows', len(rows), rows[0]['cycle'])"
)


@pytest.fixture
def researcher(role_user):
    return role_user("researcher")


def run_command(*args):
    out = io.StringIO()
    call_command("run_notebook", *args, stdout=out)
    return out.getvalue()


def test_a_run_is_queued_executed_by_the_worker_and_followed_with_a_progress_bar(
    make_notebook, researcher, no_kernels_left
):
    make_notebook("counts", ["print('n is', n)"], parameters="n = 3  # How many\n")
    out = run_command("counts", "-p", "n", "8", "--as", researcher.email)
    run = Run.objects.get()
    assert run.status == Status.SUCCEEDED and run.parameters == {"n": 8}
    assert run.requested_by == researcher
    assert f"Run {run.pk} queued." in out
    assert f"[{'#' * 30}] {run.cells_total}/{run.cells_total} cells  Succeeded" in out
    assert f"Run {run.pk}: Succeeded." in out
    assert b"n is 8" in run.executed_notebook.read()


def test_the_bar_follows_the_worker_cell_by_cell(make_notebook, researcher, monkeypatch):
    """Each poll redraws the bar from the Run row, which the worker updates after every cell."""
    import types

    import research.tasks
    from research.management.commands import run_notebook

    monkeypatch.setattr(research.tasks, "execute_run", types.SimpleNamespace(enqueue=lambda pk: None))
    polls = []

    def worker_step(seconds):
        # Stands in for a worker on another machine: one more cell done per poll, then success.
        run = Run.objects.get()
        done = len(polls) + 1
        polls.append(done)
        status = Status.SUCCEEDED if done == 4 else Status.RUNNING
        Run.objects.filter(pk=run.pk).update(cells_done=done, cells_total=4, status=status)

    monkeypatch.setattr(run_notebook.time, "sleep", worker_step)
    make_notebook("stepped", ["print(1)"])
    out = run_command("stepped", "--as", researcher.email)
    frames = [frame.strip() for frame in out.split("\r") if frame.strip().startswith("[")]
    assert frames[0].startswith("[------------------------------] 0/? cells  Queued")
    assert [f.split("]")[1].split()[0] for f in frames] == ["0/?", "1/4", "2/4", "3/4", "4/4"]
    assert frames[2].startswith("[" + "#" * 15 + "-" * 15 + "]")
    assert frames[-1].endswith("Succeeded   \nRun " + str(Run.objects.get().pk) + ": Succeeded.")


def test_dataset_name_at_version_pins_that_version_and_name_alone_the_newest(
    make_notebook, researcher, upload_version, no_kernels_left
):
    first = upload_version("needs-2025")
    second = upload_version("needs-2025", data=TTA_NEEDS_CSV.replace(b"2025,", b"2026,"))
    make_notebook("needs", [READ_DATA], datasets=["tta_needs"])

    run_command("needs", "--dataset", "needs-2025@1", "--as", researcher.email)
    pinned = Run.objects.latest("pk")
    assert pinned.status == Status.SUCCEEDED, pinned.error_message
    assert pinned.data_versions["tta_needs"]["version_id"] == first.pk
    assert pinned.data_versions["tta_needs"]["sha256"] == first.sha256
    assert b"rows 2 2025" in pinned.executed_notebook.read()

    run_command("needs", "--dataset", "needs-2025", "--as", researcher.email)
    newest = Run.objects.latest("pk")
    assert newest.data_versions["tta_needs"]["version_id"] == second.pk
    assert b"rows 2 2026" in newest.executed_notebook.read()


def test_an_identical_run_says_it_reused_the_earlier_results(make_notebook, researcher, no_kernels_left):
    make_notebook("again", ["print(n)"])
    run_command("again", "-p", "n", "2", "--as", researcher.email)
    first = Run.objects.get()
    out = run_command("again", "-p", "n", "2", "--as", researcher.email)
    second = Run.objects.latest("pk")
    assert second.cache_of == first
    assert f"Run {second.pk}: reused the results of run {first.pk} (same provenance)." in out


def test_a_failed_run_ends_the_command_with_an_error(make_notebook, researcher, no_kernels_left):
    make_notebook("broken", ["raise ValueError('no year column')"])
    with pytest.raises(CommandError, match=r"Run \d+ failed"):
        run_command("broken", "--as", researcher.email)
    assert Run.objects.get().error_class == "ValueError"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "m", "1"], "This notebook has no parameter \u201cm\u201d (it takes: n)"),
        (["-p", "n", "many"], "Parameter \u201cn\u201d must be a whole number, not 'many'"),
        (["-p", "2n", "1"], "\u201c2n\u201d is not a valid parameter name"),
        (["-p", "sensitive", "False"], "Parameter \u201csensitive\u201d is set by the platform"),
        (["-p", "n", "1", "-p", "n", "2"], "Parameter \u201cn\u201d is given twice"),
        (["--dataset", "nowhere"], "There is no dataset named 'nowhere'"),
        (["--dataset", "needs-2025@7"], "Dataset needs-2025 has no version 7"),
        (["--dataset", "needs-2025@x"], "the version after @ must be a number"),
        (["--dataset", "cases"], "Dataset cases has schema ctdc, which notebook typed does not use"),
    ],
)
def test_bad_parameters_and_datasets_are_refused_before_anything_is_queued(
    make_notebook, researcher, upload_version, args, message
):
    upload_version("needs-2025")
    upload_version("cases", data=b"yearOfRegistration\n2020\n", schema="ctdc")
    make_notebook("typed", ["print(n)"], datasets=["tta_needs"])
    with pytest.raises(CommandError) as error:
        run_command("typed", *args, "--as", researcher.email)
    assert message in str(error.value)
    assert not Run.objects.exists()


def test_unknown_notebook_account_or_role_is_refused(make_notebook, role_user, research_dirs):
    make_notebook("counts", ["print(1)"])
    (research_dirs / "broken.ipynb").write_text("{not json")
    researcher = role_user("researcher")
    with pytest.raises(CommandError, match=re.escape("No notebook 'nope'. There are: broken, counts.")):
        run_command("nope", "--as", researcher.email)
    with pytest.raises(CommandError, match=re.escape("No account with the email nobody@example.org")):
        run_command("counts", "--as", "nobody@example.org")
    with pytest.raises(CommandError, match="Only researchers and TTA staff can run notebooks"):
        run_command("counts", "--as", role_user("member").email)
    with pytest.raises(CommandError, match="Notebook broken cannot be run: This is not a valid Jupyter"):
        run_command("broken", "--as", researcher.email)
    assert not Run.objects.exists()

"""Shared research fixtures: tiny throwaway notebooks in a temporary folder, and kernel-process checks.

Tests write their own notebooks (``make_notebook``) so they never depend on
the real analyses in notebooks/. Other research test files may use these
fixtures; edit them only with the pipeline's owner.
"""

import shutil
import tempfile
from pathlib import Path

import nbformat
import psutil
import pytest
from nbformat import v4

RESERVED = 'results_dir = "results"  # where results go\nsensitive = True  # any sensitive input\n'


def kernel_processes():
    """Live ipykernel processes started from this test process (children at any depth, or orphans)."""
    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "status"]):
        try:
            cmdline = " ".join(proc.info["cmdline"] or [])
            kernel = "ipykernel" in cmdline and "-f" in cmdline and "kernel.json" in cmdline
            if kernel and proc.info["status"] != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


@pytest.fixture
def research_dirs(settings):
    """Notebooks and work folders in temporary places; short paths, for the kernel's IPC sockets."""
    notebooks = Path(tempfile.mkdtemp(prefix="tfc-nb-"))
    work = Path(tempfile.mkdtemp(prefix="rw", dir="/tmp"))
    settings.RESEARCH_NOTEBOOKS_DIR = notebooks
    settings.RESEARCH_WORK_DIR = work
    settings.RESEARCH_HEARTBEAT_SECONDS = 0.5
    yield notebooks
    shutil.rmtree(notebooks, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def make_notebook(research_dirs):
    """make_notebook("slug", ["code", ...], parameters="x = 1  # help", datasets=[...]) writes a notebook."""

    def write(
        slug,
        cells=(),
        parameters="n = 3  # How many\n",
        datasets=(),
        title=None,
        brief="",
        markdown=("## Question\n\nHow many?",),
    ):
        nb = v4.new_notebook()
        nb.metadata["tfc"] = {
            "title": title or slug.replace("_", " ").capitalize(),
            "brief": brief,
            "datasets": list(datasets),
            "summary": f"A test notebook, {slug}.",
        }
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        cells_out = [v4.new_markdown_cell(text) for text in markdown]
        if parameters is not None:
            reserved = RESERVED + "".join(f'{schema}_csv = ""  # its CSV\n' for schema in datasets)
            cell = v4.new_code_cell(parameters + reserved)
            cell.metadata["tags"] = ["parameters"]
            cells_out.append(cell)
        cells_out += [v4.new_code_cell(source) for source in cells]
        nb.cells = cells_out
        path = research_dirs / f"{slug}.ipynb"
        nbformat.write(nb, str(path))
        return path

    return write


@pytest.fixture
def no_kernels_left():
    """Asserts, after the test, that no kernel process it started is still alive."""
    before = {p.pid for p in kernel_processes()}
    yield
    left = []
    for _ in range(50):
        left = [p for p in kernel_processes() if p.pid not in before]
        if not left:
            break
        psutil.wait_procs(left, timeout=0.1)
    assert not left, f"kernel processes left behind: {[p.pid for p in left]}"


TTA_NEEDS_CSV = (
    b"cycle,task_force,state,region,area,area_label,facet,capacity,priority\n"
    b"2025,Central Ohio Human Trafficking Task Force,OH,5,labor-trafficking,Labor trafficking,topic,2,5\n"
    b"2025,Southern Arizona Anti-Trafficking Unified Response,AZ,9,"
    b"victim-services,Victim services,topic,4,3\n"
)


@pytest.fixture
def upload_version(db):
    """upload_version("name", b"csv", schema="tta_needs") stores a dataset version as an upload would."""
    from research import datasets
    from research.models import Dataset

    def store(name="needs-2025", data=TTA_NEEDS_CSV, schema="tta_needs", sensitive=True, by=None):
        dataset, _ = Dataset.objects.get_or_create(
            name=name,
            defaults={
                "schema_name": schema,
                "source": "Test",
                "licence": "Test only",
                "sensitive": sensitive,
            },
        )
        return datasets.store_version(dataset, data, by, original_name=f"{name}.csv", validate_now=True)

    return store


@pytest.fixture
def finished_run(db):
    """finished_run(status="succeeded", results={...}) builds a Run row as a worker would leave it."""
    from django.utils import timezone

    from research.models import Run

    def build(status=Run.Status.SUCCEEDED, notebook="counts", results=None, **fields):
        now = timezone.now()
        defaults = {
            "notebook_path": f"notebooks/{notebook}.ipynb",
            "notebook_title": notebook.capitalize(),
            "notebook_sha256": "a" * 64,
            "parameters": {"n": 3},
            "parameters_json": '{"n":3}',
            "parameters_sha256": "b" * 64,
            "provenance_sha256": "c" * 64,
            "status": status,
            "cells_done": 4,
            "cells_total": 4,
            "started_at": now,
            "ended_at": None if status in (Run.Status.QUEUED, Run.Status.RUNNING) else now,
            "duration_seconds": 1.5,
            "kernel_name": "python3",
            "code_version": "test",
            "results": results or {},
        }
        defaults.update(fields)
        return Run.objects.create(**defaults)

    return build

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
            if "ipykernel" in cmdline and "-f" in cmdline and "kernel.json" in cmdline:
                if proc.info["status"] != psutil.STATUS_ZOMBIE:
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

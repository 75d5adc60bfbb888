"""Models and provenance: canonical parameters, immutable versions, run states."""

import re
import subprocess

import pytest

from research import provenance
from research.models import Run

pytestmark = pytest.mark.django_db


def test_canonical_json_ignores_key_order_and_spacing():
    assert provenance.canonical_json({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'
    assert provenance.sha256_text(provenance.canonical_json({"a": 1, "b": 2})) == provenance.sha256_text(
        provenance.canonical_json({"b": 2, "a": 1})
    )


@pytest.fixture
def fresh_code_version():
    """code_version() is cached per process; each test here sees its own answer."""
    provenance.code_version.cache_clear()
    yield provenance.code_version
    provenance.code_version.cache_clear()


def test_code_version_is_the_git_commit_when_the_tree_has_git(fresh_code_version, settings, monkeypatch):
    if not (settings.BASE_DIR / ".git").exists():
        pytest.skip("This checkout has no .git folder.")
    head = subprocess.run(
        ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    monkeypatch.setenv(provenance.CODE_VERSION_ENV, "build-123")  # git wins over the variable
    assert fresh_code_version() == head and len(head) == 40


def test_code_version_comes_from_the_build_variable_where_git_is_absent(
    fresh_code_version, settings, monkeypatch, tmp_path
):
    settings.BASE_DIR = tmp_path  # a deployed tree: no .git folder
    monkeypatch.setenv(provenance.CODE_VERSION_ENV, "build-2026-11-28-abc123")
    assert fresh_code_version() == "build-2026-11-28-abc123"
    fresh_code_version.cache_clear()
    monkeypatch.delenv(provenance.CODE_VERSION_ENV)
    assert fresh_code_version() == "unknown"


def test_the_package_hash_changes_with_the_installed_set(monkeypatch):
    from importlib import metadata

    provenance.packages_sha256.cache_clear()
    real = provenance.packages_sha256()
    assert re.fullmatch(r"[0-9a-f]{64}", real)
    installed = list(metadata.distributions())
    monkeypatch.setattr(metadata, "distributions", lambda: installed[1:])
    provenance.packages_sha256.cache_clear()
    try:
        assert provenance.packages_sha256() != real
    finally:
        monkeypatch.undo()
        provenance.packages_sha256.cache_clear()
    assert provenance.packages_sha256() == real
    assert provenance.kernel_version().startswith("Python 3.")


def test_versions_are_numbered_and_their_files_never_change(upload_version):
    first = upload_version("needs-2025")
    second = upload_version("needs-2025", data=first.file.open("rb").read() + b"")
    assert (first.number, second.number) == (1, 2)
    first.refresh_from_db()
    first.status = first.Status.INVALID  # validation outcome may be recorded...
    first.save()
    first.size = 1  # ...but the stored file may not
    with pytest.raises(ValueError):
        first.save()


def test_run_states(finished_run):
    running = finished_run(status=Run.Status.RUNNING, cells_done=1, cells_total=4)
    assert running.is_active and not running.is_finished and running.progress_percent == 25
    done = finished_run()
    assert done.is_finished and not done.is_active
    reused = finished_run(cache_of=done)
    assert reused.files_run == done and reused.figure_path("x") == f"runs/{done.pk}/x.png"

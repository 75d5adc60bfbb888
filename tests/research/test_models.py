"""Models and provenance: canonical parameters, immutable versions, run states."""

import pytest

from research import provenance
from research.models import Run

pytestmark = pytest.mark.django_db


def test_canonical_json_ignores_key_order_and_spacing():
    assert provenance.canonical_json({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'
    assert provenance.sha256_text(provenance.canonical_json({"a": 1, "b": 2})) == provenance.sha256_text(
        provenance.canonical_json({"b": 2, "a": 1})
    )


def test_code_version_and_package_hash_are_recorded():
    assert provenance.code_version() != ""
    assert len(provenance.packages_sha256()) == 64
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

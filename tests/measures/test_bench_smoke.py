"""The measures benchmark still runs: at smoke size it builds its data, times the pages and the dataset."""

import pytest

from bench import measures_bench
from bench.__main__ import discover
from measures.models import Figure, Report


def test_the_runner_finds_the_measures_bench():
    assert "measures" in discover()


@pytest.mark.django_db
def test_the_measures_bench_runs_at_smoke_size():
    figures = measures_bench.run(smoke=True)

    sizes = measures_bench.SMOKE
    assert figures["reports"] == sizes["task_forces"] * sizes["quarters"] == Report.objects.count()
    assert figures["figures loaded"] == Figure.objects.count() == figures["reports"] * sizes["measures"]
    for page in ("staff grid", "report"):
        assert 0 < figures[f"{page}: median ms"] <= figures[f"{page}: p95 ms"]
        assert figures[f"{page}: queries"] < 25
    accepted = Report.objects.filter(status="accepted").count()
    assert figures["research dataset rows"] == accepted * sizes["measures"]
    assert figures["research dataset valid"] == "yes"
    assert figures["within target"] in ("yes", "NO")

"""How a worker reports a run's end: a notebook that quits early, and a traceback as a reader sees it."""

import pytest
from django.urls import reverse

from research import registry, services
from research.models import Run
from tests.research.conftest import kernel_processes  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
Status = Run.Status


@pytest.fixture
def researcher(role_user):
    return role_user("researcher")


def run_notebook(slug, researcher, **params):
    run = services.queue_run(registry.get(slug), params, {}, researcher)
    run.refresh_from_db()
    return run


def test_a_notebook_that_calls_sys_exit_0_partway_ended_early_and_cannot_become_a_brief(
    make_notebook, researcher, no_kernels_left
):
    from research import access

    make_notebook(
        "quitter",
        ["print('first')", "import sys\nsys.exit(0)", "print('never reached')"],
        brief="quitter-brief",
    )
    run = run_notebook("quitter", researcher)
    assert run.status == Status.FAILED, run.status
    assert run.error_class == "EndedEarly"
    # markdown, parameters, injected parameters, print, sys.exit: the fifth of six cells.
    assert run.failing_cell == 5
    assert "cell 5" in run.error_message and "sys.exit" in run.error_message
    assert "1 later cell was not run" in run.error_message
    assert run.results == {}
    assert run.executed_notebook.name and b"first" in run.executed_notebook.read()
    assert not access.can_publish_brief(researcher, run)


def test_a_notebook_that_calls_sys_exit_0_in_its_last_cell_also_ended_early(
    make_notebook, researcher, no_kernels_left
):
    """Even with no cell skipped, quitting is not how a notebook says it succeeded."""
    make_notebook("last_quit", ["print('all done')", "raise SystemExit"])
    run = run_notebook("last_quit", researcher)
    assert run.status == Status.FAILED and run.error_class == "EndedEarly"
    assert run.failing_cell == 5


def test_the_run_page_shows_a_traceback_as_plain_text_without_colour_codes(
    make_notebook, researcher, client_for, no_kernels_left
):
    make_notebook("raises", ["def load():\n    raise ValueError('no year column')\n", "load()"])
    run = run_notebook("raises", researcher)
    assert run.status == Status.FAILED
    assert "\x1b[" in run.traceback  # IPython colours it; the page must not show the codes
    page = client_for(researcher).get(reverse("research:run", args=[run.pk]))
    html = page.content.decode()
    assert "\x1b" not in html and "[0;31m" not in html and "[0m" not in html
    assert "ValueError" in html and "no year column" in html and "load()" in html

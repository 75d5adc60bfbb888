"""Small counts of sensitive data: never served from a non-sensitive cache, never copied into a brief."""

import types

import pytest

import research.tasks
from research import disclosure, provenance, publishing, registry, services, suppression
from research.models import Run
from tests.cms import factories as cms
from tests.research.conftest import TTA_NEEDS_CSV

pytestmark = pytest.mark.django_db

UNSUPPRESSED = {
    "version": 1,
    "sensitive": False,
    "numbers": [
        {
            "name": "needs",
            "value": 2,
            "display": "2",
            "unit": "needs",
            "sentence": "2 needs.",
            "suppressed": False,
        }
    ],
    "tables": [
        {
            "name": "by-area",
            "caption": "Needs by area",
            "columns": ["area", "needs"],
            "rows": [["Labor", "1"]],
        }
    ],
    "figures": [],
}


@pytest.fixture
def held_queue(monkeypatch):
    queued = []
    monkeypatch.setattr(research.tasks, "execute_run", types.SimpleNamespace(enqueue=queued.append))
    return queued


@pytest.fixture
def needs_notebook(make_notebook):
    make_notebook("needs", ["print(1)"], datasets=["tta_needs"], brief="tta-needs")
    return registry.get("needs")


def _succeed(run, results):
    Run.objects.filter(pk=run.pk).update(status=Run.Status.SUCCEEDED, results=results, ended_at=run.queued_at)


def test_a_sensitive_dataset_with_the_same_bytes_never_reuses_unsuppressed_results(
    needs_notebook, upload_version, role_user, held_queue
):
    researcher = role_user("researcher")
    open_version = upload_version("needs-open", TTA_NEEDS_CSV, sensitive=False)
    closed_version = upload_version("needs-closed", TTA_NEEDS_CSV, sensitive=True)
    assert open_version.sha256 == closed_version.sha256
    first = services.queue_run(needs_notebook, {}, {"tta_needs": open_version}, researcher)
    _succeed(first, UNSUPPRESSED)

    again = services.queue_run(needs_notebook, {}, {"tta_needs": open_version}, researcher)
    assert again.cache_of_id == first.pk  # the cache itself still works

    sensitive = services.queue_run(needs_notebook, {}, {"tta_needs": closed_version}, researcher)
    assert sensitive.cache_of_id is None and sensitive.status == Run.Status.QUEUED
    assert sensitive.sensitive and sensitive.provenance_sha256 != first.provenance_sha256
    assert sensitive.results == {}


def test_even_a_matching_key_never_serves_unsuppressed_results_to_a_sensitive_run(
    needs_notebook, upload_version, role_user, held_queue
):
    """Rows written before the key covered sensitivity, or by hand: the recorded flag is checked too."""
    researcher = role_user("researcher")
    closed_version = upload_version("needs-closed", TTA_NEEDS_CSV, sensitive=True)
    first = services.queue_run(needs_notebook, {}, {"tta_needs": closed_version}, researcher)
    _succeed(first, UNSUPPRESSED)
    second = services.queue_run(needs_notebook, {}, {"tta_needs": closed_version}, researcher)
    assert second.cache_of_id is None


def test_the_suppression_threshold_is_part_of_the_cache_key(monkeypatch):
    key = {
        "notebook_path": "notebooks/x.ipynb",
        "notebook_sha256": "a" * 64,
        "parameters_sha256": "b" * 64,
        "data_versions": {"ctdc": {"sha256": "c" * 64, "sensitive": True}},
        "kernel_name": "python3",
    }
    before = provenance.provenance_sha256(**key, disclosure=provenance.disclosure_rules(True))
    assert before != provenance.provenance_sha256(**key, disclosure=provenance.disclosure_rules(False))
    monkeypatch.setattr(suppression, "THRESHOLD", 11)
    assert before != provenance.provenance_sha256(**key, disclosure=provenance.disclosure_rules(True))


@pytest.fixture
def brief_notebook(make_notebook):
    cms.index_pages()
    make_notebook("needs", ["print(1)"], brief="tta-needs", title="TTA needs")


def test_a_sensitive_run_showing_small_counts_cannot_become_a_brief_draft(
    brief_notebook, finished_run, role_user
):
    from cms.models.briefs import EvidenceBriefPage

    researcher = role_user("researcher")
    # Recorded as not sensitive (a cache hit from before the fix), but the run's data are sensitive.
    run = finished_run(notebook="needs", sensitive=True, results=UNSUPPRESSED)
    with pytest.raises(publishing.PublishingError) as refused:
        publishing.create_brief_draft(run, researcher)
    assert "counts under 5" in str(refused.value) and "table by-area" in str(refused.value)
    assert not EvidenceBriefPage.objects.filter(slug="tta-needs").exists()

    # Recorded as sensitive, yet a table shows a 3 (a notebook that wrote its own results.json).
    hand_written = {**UNSUPPRESSED, "sensitive": True, "numbers": []}
    hand_written["tables"] = [{**UNSUPPRESSED["tables"][0], "rows": [["Labor", "3"], ["Housing", "12"]]}]
    run = finished_run(notebook="needs", sensitive=True, results=hand_written)
    with pytest.raises(publishing.PublishingError):
        publishing.create_brief_draft(run, researcher)
    assert not EvidenceBriefPage.objects.filter(slug="tta-needs").exists()


def test_the_check_reads_which_columns_are_counts_and_lets_suppressed_results_through(
    brief_notebook, finished_run, role_user
):
    results = {
        "version": 1,
        "sensitive": True,
        "numbers": [
            {"name": "cols", "display": "3", "unit": "columns", "suppressed": False, "count": False},
            {"name": "minors", "display": "<5", "unit": "victims", "suppressed": True, "count": True},
        ],
        "tables": [
            {
                "name": "by-area",
                "columns": ["rank", "area", "needs"],
                "rows": [["1", "Labor", "<5"], ["2", "Housing", "12"]],
                "count_columns": ["needs"],
            }
        ],
        "figures": [],
    }
    run = finished_run(notebook="needs", sensitive=True, results=results)
    assert disclosure.unsuppressed_problems(run) == []
    page = publishing.create_brief_draft(run, role_user("researcher"))
    assert page.slug == "tta-needs"
    # Not sensitive: small counts are allowed.
    open_run = finished_run(notebook="needs", sensitive=False, results=UNSUPPRESSED)
    assert disclosure.unsuppressed_problems(open_run) == []


ALL_HIDDEN = {
    "version": 1,
    "sensitive": True,
    "numbers": [
        {"name": "victims", "display": "<5", "unit": "victims", "sentence": "<5 victims.", "suppressed": True}
    ],
    "tables": [
        {
            "name": "by-year",
            "caption": "Victims by year",
            "columns": ["year", "victims"],
            "rows": [["2019", "<5"], ["2020", "suppressed"]],
            "count_columns": ["victims"],
        }
    ],
    "figures": [],
}


def _approve_and_publish(page):
    from wagtail.models import WorkflowState

    from cms.models.briefs import EvidenceBriefPage

    WorkflowState.objects.filter(status="in_progress").update(status="approved")
    EvidenceBriefPage.objects.get(pk=page.pk).get_latest_revision().publish()


def test_a_brief_whose_figures_are_all_suppressed_needs_the_reviewer_to_confirm(
    brief_notebook, finished_run, role_user
):
    from django.core.exceptions import ValidationError

    from cms.models.briefs import EvidenceBriefPage

    run = finished_run(notebook="needs", sensitive=True, results=ALL_HIDDEN)
    page = publishing.create_brief_draft(run, role_user("researcher"))
    assert page.get_latest_revision_as_object().all_figures_suppressed
    with pytest.raises(ValidationError) as refused:
        _approve_and_publish(page)
    assert "Every figure of this brief is suppressed" in str(refused.value)
    assert not EvidenceBriefPage.objects.get(pk=page.pk).live

    draft = EvidenceBriefPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    draft.suppression_confirmed = True
    draft.save_revision(user=role_user("reviewer"))
    _approve_and_publish(page)
    assert EvidenceBriefPage.objects.get(pk=page.pk).live


def test_a_brief_with_a_shown_figure_publishes_without_confirmation(brief_notebook, finished_run, role_user):
    from cms.models.briefs import EvidenceBriefPage

    shown = {**ALL_HIDDEN, "tables": [{**ALL_HIDDEN["tables"][0], "rows": [["2019", "<5"], ["2020", "31"]]}]}
    run = finished_run(notebook="needs", sensitive=True, results=shown)
    page = publishing.create_brief_draft(run, role_user("researcher"))
    assert not page.get_latest_revision_as_object().all_figures_suppressed
    _approve_and_publish(page)
    assert EvidenceBriefPage.objects.get(pk=page.pk).live


def test_the_reviewer_is_told_on_the_editor_form_and_publishes_once_they_confirm(role_user):
    from django.test import Client
    from django.urls import reverse
    from wagtail.test.utils.form_data import streamfield

    from cms.models.briefs import EvidenceBriefPage
    from tests.cms.page_forms import brief_form

    index = cms.index_pages()["briefs"]
    reviewer = Client()
    reviewer.force_login(role_user("reviewer"))
    url = reverse("wagtailadmin_pages:add", args=["cms", "evidencebriefpage", index.pk])
    hidden = {"value": "<5", "unit": "victims", "sentence": "Victims.", "source": "Run 7"}
    form = {**brief_form(title="All hidden"), **streamfield_form(streamfield([("figure", hidden)]))}

    refused = reviewer.post(url, {**form, "action-publish": "1"})
    assert refused.status_code == 200
    assert "Every figure of this brief is suppressed" in refused.content.decode()
    assert not EvidenceBriefPage.objects.filter(slug="all-hidden", live=True).exists()

    published = reviewer.post(url, {**form, "suppression_confirmed": "on", "action-publish": "1"})
    assert published.status_code == 302
    assert EvidenceBriefPage.objects.get(slug="all-hidden").live


def streamfield_form(data):
    from wagtail.test.utils.form_data import nested_form_data

    return nested_form_data({"key_figures": data})

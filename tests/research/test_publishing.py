"""Creating a brief draft from a run: figures, tables, charts, narrative and provenance, through review."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import WorkflowState

from research import publishing
from research.storage import research_storage
from tests.cms import factories as cms

pytestmark = pytest.mark.django_db

RESULTS = {
    "version": 1,
    "sensitive": True,
    "numbers": [
        {
            "name": "cases",
            "value": 812,
            "display": "812",
            "unit": "cases",
            "sentence": "Cases recorded.",
            "suppressed": False,
        },
        {
            "name": "minors",
            "value": None,
            "display": "<5",
            "unit": "",
            "sentence": "Minors.",
            "suppressed": True,
        },
    ],
    "tables": [
        {
            "name": "by_year",
            "caption": "Cases by year",
            "columns": ["year", "cases"],
            "rows": [["2015", "400"], ["2016", "<5"]],
            "suppressed_cells": 1,
        }
    ],
    "figures": [
        {
            "name": "trend",
            "caption": "Cases by year",
            "alt": "Cases rose from 2015 to 2016.",
            "file": "trend.png",
            "data": {"columns": ["year", "cases"], "rows": [["2015", "400"]]},
        }
    ],
}


@pytest.fixture
def published_setup(make_notebook, finished_run, role_user):
    cms.index_pages()
    make_notebook(
        "cases",
        ["print('code is not narrative')"],
        brief="case-characteristics",
        title="Case characteristics",
        markdown=(
            "# Case characteristics\n\n## Question\n\nWhat do **recorded** cases look like?",
            "## Method\n\nCounts by year.",
            "## Limitations\n\nRecorded cases only.\n\n<script>alert(1)</script>",
        ),
    )
    run = finished_run(
        notebook="cases",
        results=RESULTS,
        data_versions={"ctdc": {"dataset": "ctdc-2024", "version": 2, "version_id": 1, "sha256": "d" * 64}},
    )
    research_storage().save(run.figure_path("trend"), ContentFile(cms.png_bytes()))
    return run, role_user("researcher")


def test_a_run_becomes_a_brief_draft_in_review(published_setup):
    from cms.models.briefs import EvidenceBriefPage

    run, researcher = published_setup
    page = publishing.create_brief_draft(run, researcher)
    draft = EvidenceBriefPage.objects.get(slug="case-characteristics").get_latest_revision_as_object()
    assert not page.live and draft.title == "Case characteristics"
    assert [b.value["value"] for b in draft.key_figures] == ["812", "<5"]
    assert draft.tables[0].value["caption"] == "Cases by year"
    assert draft.tables[0].value["table"]["data"] == [["year", "cases"], ["2015", "400"], ["2016", "<5"]]
    chart = draft.charts[0].value
    assert chart["alt_text"] == "Cases rose from 2015 to 2016."
    assert chart["table"]["data"][0] == ["year", "cases"]
    image = get_image_model().objects.get()
    assert chart["image"].pk == image.pk and image.title == "Cases by year"
    # The library keeps the alt text too, and Wagtail offers it wherever the image is reused.
    assert image.description == image.default_alt_text == "Cases rose from 2015 to 2016."
    narrative = [b.block_type for b in draft.narrative]
    assert narrative == ["heading", "paragraph"]
    assert "<b>recorded</b>" in draft.narrative[1].value.source
    assert "code is not narrative" not in str(draft.narrative.raw_data)
    assert "Counts by year" in draft.method and "Recorded cases only" in draft.limitations
    assert "<script" not in draft.limitations
    assert draft.provenance_run_id == str(run.pk) and draft.provenance_parameters == {"n": 3}
    assert draft.provenance_data_versions["ctdc"]["sha256"] == "d" * 64
    assert "version_id" not in draft.provenance_data_versions["ctdc"]
    assert WorkflowState.objects.filter(object_id=str(page.pk), status="in_progress").exists()


def test_rerunning_proposes_a_new_revision_never_changing_the_published_page(published_setup, finished_run):
    from cms.models.briefs import EvidenceBriefPage

    run, researcher = published_setup
    page = publishing.create_brief_draft(run, researcher)
    WorkflowState.objects.filter(status="in_progress").update(status="approved")
    EvidenceBriefPage.objects.get(pk=page.pk).get_latest_revision().publish()  # reviewers approved
    later = finished_run(
        notebook="cases", results={**RESULTS, "numbers": [{**RESULTS["numbers"][0], "display": "900"}]}
    )
    publishing.create_brief_draft(later, researcher)
    live = EvidenceBriefPage.objects.get(pk=page.pk)
    assert live.live and [b.value["value"] for b in live.key_figures] == ["812", "<5"]
    assert live.provenance_run_id == str(run.pk)
    draft = live.get_latest_revision_as_object()
    assert [b.value["value"] for b in draft.key_figures] == ["900"]
    assert draft.provenance_run_id == str(later.pk)
    assert live.has_unpublished_changes


def test_only_a_succeeded_run_with_a_brief_can_be_published(published_setup, finished_run, client_for):
    run, researcher = published_setup
    failed = finished_run(notebook="cases", status="failed")
    with pytest.raises(publishing.PublishingError):
        publishing.create_brief_draft(failed, researcher)
    client = client_for(researcher)
    assert client.post(reverse("research:run_publish", args=[failed.pk])).status_code == 403
    response = client.post(reverse("research:run_publish", args=[run.pk]))
    assert response.status_code == 302
    assert b"submitted for review" in client.get(response["Location"]).content


def test_a_run_on_an_uploaded_synthetic_file_is_illustrative_and_its_notes_reach_the_brief(
    published_setup, finished_run
):
    """The data came from a real-looking dataset, but the notebook saw isSynthetic rows and said so."""
    from cms.models.briefs import EvidenceBriefPage

    _, researcher = published_setup
    notes = [
        "**SYNTHETIC DATA.** These results come from generated, synthetic records, not real cases.",
        "Age could not be analysed: the file has no ageBroad column.",
    ]
    run = finished_run(
        notebook="cases",
        results={**RESULTS, "figures": [], "synthetic": True, "notes": notes},
        data_versions={"ctdc": {"dataset": "ctdc-demo", "version": 1, "version_id": 1, "sha256": "d" * 64}},
    )
    publishing.create_brief_draft(run, researcher)
    draft = EvidenceBriefPage.objects.get(slug="case-characteristics").get_latest_revision_as_object()
    assert all(block.value["illustrative"] for block in draft.key_figures)
    assert draft.has_illustrative_figures
    blocks = list(draft.narrative)
    assert blocks[-3].value["text"] == "Notes on this run's data"
    assert "<b>SYNTHETIC DATA.</b>" in blocks[-2].value.source
    assert "no ageBroad column" in blocks[-1].value.source

"""Chart images of brief drafts: unguessable, unreachable before review, as private as the live brief."""

import pytest
from django.core.files.base import ContentFile
from wagtail.images import get_image_model
from wagtail.models import WorkflowState

from cms import privacy
from cms.media import DRAFT_MEDIA_COLLECTION
from research import publishing
from research.storage import research_storage
from tests.cms import factories as cms

pytestmark = pytest.mark.django_db

RESULTS = {
    "version": 1,
    "sensitive": True,
    "numbers": [],
    "tables": [],
    "figures": [
        {
            "name": "means-of-control-chart",
            "caption": "Means of control",
            "alt": "Bars of victims by means of control.",
            "file": "means-of-control-chart.png",
            "data": {"columns": ["means", "victims"], "rows": [["Threats", "40"]]},
            "count_columns": ["victims"],
        }
    ],
}


@pytest.fixture
def drafted(make_notebook, finished_run, role_user):
    """A brief draft made from a run with one chart; returns (page, image, run, researcher)."""
    cms.index_pages()
    make_notebook("cases", ["print(1)"], brief="case-characteristics", title="Case characteristics")
    run = finished_run(notebook="cases", results=RESULTS)
    research_storage().save(run.figure_path("means-of-control-chart"), ContentFile(cms.png_bytes()))
    researcher = role_user("researcher")
    page = publishing.create_brief_draft(run, researcher)
    return page, get_image_model().objects.get(), run, researcher


def urls(image):
    return [image.file.url, image.get_rendition("width-20").url]


def status(client, url):
    return client.get(url).status_code


def publish(page):
    from cms.models.briefs import EvidenceBriefPage

    WorkflowState.objects.filter(status="in_progress").update(status="approved")
    EvidenceBriefPage.objects.get(pk=page.pk).get_latest_revision().publish()


def test_a_drafts_chart_is_unguessable_and_hidden_from_everyone_but_its_reviewers(
    drafted, client_for, role_user
):
    _page, image, run, researcher = drafted
    assert image.collection.name == DRAFT_MEDIA_COLLECTION
    assert f"run-{run.pk}" not in image.file.name and "means-of-control" not in image.file.name
    assert len(image.file.name.removeprefix("original_images/brief-").removesuffix(".png")) >= 32
    for url in urls(image):
        assert status(client_for(None), url) == 404, url
        assert status(client_for(role_user("member")), url) == 404, url
        assert status(client_for(role_user("reviewer")), url) == 200, url
        assert status(client_for(researcher), url) == 200, url
    guessed = f"/assets/original_images/run-{run.pk}-means-of-control-chart.png"
    assert status(client_for(None), guessed) == 404


def test_public_on_publish_restricted_again_on_unpublish(drafted, client_for):
    page, image, _, _ = drafted
    publish(page)
    image.refresh_from_db()
    assert image.collection.name != DRAFT_MEDIA_COLLECTION
    for url in urls(image):
        assert status(client_for(None), url) == 200, url
    page.refresh_from_db()
    page.unpublish()
    for url in urls(image):
        assert status(client_for(None), url) == 404, url


def test_a_members_only_brief_keeps_its_images_members_only(drafted, client_for, role_user):
    page, image, _, _ = drafted
    privacy.apply_visibility(page, privacy.MEMBERS)
    publish(page)
    for url in urls(image):
        assert status(client_for(None), url) == 404, url
        assert status(client_for(role_user("member")), url) == 200, url


def test_restricting_a_published_brief_restricts_its_images(drafted, client_for, role_user):
    page, image, _, _ = drafted
    publish(page)
    assert status(client_for(None), image.file.url) == 200
    privacy.apply_visibility(page, privacy.MEMBERS)
    assert status(client_for(None), image.file.url) == 404
    assert status(client_for(role_user("member")), image.file.url) == 200
    privacy.apply_visibility(page, privacy.PUBLIC)
    assert status(client_for(None), image.file.url) == 200


def test_a_newer_drafts_chart_stays_hidden_while_the_older_brief_is_live(drafted, finished_run, client_for):
    page, old_image, _, researcher = drafted
    publish(page)
    later = finished_run(notebook="cases", results=RESULTS)
    research_storage().save(later.figure_path("means-of-control-chart"), ContentFile(cms.png_bytes()))
    publishing.create_brief_draft(later, researcher)
    new_image = get_image_model().objects.exclude(pk=old_image.pk).get()
    assert status(client_for(None), old_image.file.url) == 200
    assert status(client_for(None), new_image.file.url) == 404
    publish(page)
    assert status(client_for(None), new_image.file.url) == 200


def test_the_reviewer_can_publish_a_public_brief_whose_charts_wait_in_the_drafts_collection(drafted):
    """The page form's asset check must not block the draft's own images (they move on publish)."""
    page, _, _, _ = drafted
    draft = page.get_latest_revision_as_object()
    assert privacy.asset_conflicts(draft, members_only=False) == []

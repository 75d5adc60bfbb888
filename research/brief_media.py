"""Chart images of evidence briefs: hidden until their brief is published, and as private as it is.

"Create brief draft" stores each chart under an unguessable name in the restricted
collection of unreviewed drafts (``cms.media.draft_media_collection``), which the
image view serves only to editors, reviewers and researchers. These handlers move
the images of a brief's *live* version to where its readers can fetch them when it
is published (the public collection, or "Members only" when the brief is
restricted), and back to the drafts collection when it is unpublished. A change of
privacy on the brief or a section above it moves them again. Images only a newer,
unreviewed draft uses stay in the drafts collection until that draft is published.

research may import cms; cms knows nothing of this module (it listens to Wagtail's
signals), so the rule lives here, next to the code that makes the images.
"""

import secrets

from django.db.models.signals import post_delete, post_save
from wagtail.images import get_image_model
from wagtail.models import Collection, PageViewRestriction
from wagtail.signals import page_published, page_unpublished

from cms import access
from cms.media import draft_media_collection


def draft_image_name() -> str:
    """A file name nobody can guess from the run or the figure (both are sequential or public)."""
    return f"brief-{secrets.token_urlsafe(24)}.png"


def _chart_image_ids(page) -> set[int]:
    ids = set()
    for block in page.charts:
        image = block.value.get("image")
        if image is not None:
            ids.add(getattr(image, "pk", image))
    return ids


def _readers_collection(page):
    """Where a live brief's images belong: public, or "Members only" if any restriction covers the page."""
    if page.get_view_restrictions().exists():
        return Collection.objects.get(name=access.MEMBERS_ONLY_COLLECTION)
    return Collection.get_first_root_node()


def sync_brief_images(page):
    """Put every chart image of this brief where its current state says it belongs."""
    from cms.models.briefs import EvidenceBriefPage

    page = EvidenceBriefPage.objects.filter(pk=page.pk).first()
    if page is None:
        return
    drafts = draft_media_collection()
    live_ids = _chart_image_ids(page) if page.live else set()
    latest = page.get_latest_revision_as_object()
    waiting_ids = _chart_image_ids(latest) - live_ids
    if page.live:
        # The live version's own images only: never an unreviewed draft's.
        get_image_model().objects.filter(pk__in=live_ids).update(collection=_readers_collection(page))
    else:
        waiting_ids |= _chart_image_ids(page)
    get_image_model().objects.filter(pk__in=waiting_ids).update(collection=drafts)


def _on_published_or_unpublished(sender, instance, **kwargs):
    from cms.models.briefs import EvidenceBriefPage

    if isinstance(instance, EvidenceBriefPage):
        sync_brief_images(instance)


def _on_restriction_changed(sender, instance, **kwargs):
    """A restriction added or removed on a page: re-place the images of every brief under it."""
    from cms.models.briefs import EvidenceBriefPage

    page = instance.page
    briefs = EvidenceBriefPage.objects.filter(path__startswith=page.path)
    for brief in briefs:
        sync_brief_images(brief)


def connect():
    page_published.connect(_on_published_or_unpublished, dispatch_uid="research_brief_media_published")
    page_unpublished.connect(_on_published_or_unpublished, dispatch_uid="research_brief_media_unpublished")
    post_save.connect(
        _on_restriction_changed, sender=PageViewRestriction, dispatch_uid="research_brief_media_r"
    )
    post_delete.connect(
        _on_restriction_changed, sender=PageViewRestriction, dispatch_uid="research_brief_media_r_deleted"
    )

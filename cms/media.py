"""Protected media: where image and document files are stored, and the view that serves images.

Wagtail serves documents through its own view (``WAGTAILDOCS_SERVE_METHOD =
"serve_view"``), which checks the collection's view restrictions, but it puts
no check at all in front of images: an image file sits under ``MEDIA_URL``
and anyone who guesses its name can fetch it. So images, their renditions and
documents are kept in the protected storage (config.storage; ``PROTECTED_MEDIA_ROOT``
by default), which no web server exposes.
Image URLs point at :func:`serve_image`, which finds the image or rendition by
its exact stored name and serves it only to someone who may see its collection.
A guessed name that matches nothing, or an image the visitor may not see, is a
404 either way, so guessing reveals nothing.

Every view restriction on the image's collection (or a collection above it) must
admit the visitor, by the same rules as pages (``cms.access.Restriction``): the
"Members only" collection admits approved members; the collection of unreviewed
drafts' media (:func:`draft_media_collection`) admits only the staff who write
and review them. Whatever puts an image there (the research pipeline's brief
drafts) moves it out when its page is published, and back when it is withdrawn.
"""

import mimetypes

from django.http import Http404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_safe

from cms import access
from config import protected_files
from config import storage as config_storage
from members.roles import EDITOR, RESEARCHER, REVIEWER

PUBLIC_IMAGE_MAX_AGE = 60 * 60 * 24
DRAFT_MEDIA_COLLECTION = "Unreviewed drafts"
# Who writes and reviews drafts; members and the public see a draft's media only once it is published.
DRAFT_MEDIA_GROUPS = (EDITOR, REVIEWER, RESEARCHER)


class ProtectedMediaURLs:
    """Mixed into the protected storage: file URLs lead to the serving view rather than MEDIA_URL."""

    def url(self, name):
        return reverse("cms:protected_image", args=[name.replace("\\", "/")])


def protected_storage():
    """The storage of every image, rendition and document file (referenced by migrations)."""
    return config_storage.protected_storage(mixin=ProtectedMediaURLs)


def draft_media_collection():
    """The restricted collection where media of unreviewed drafts wait, created on first use."""
    from django.contrib.auth.models import Group
    from django.db import transaction
    from wagtail.models import BaseViewRestriction, Collection, CollectionViewRestriction

    root = Collection.get_first_root_node()
    with transaction.atomic():
        collection = root.get_children().filter(name=DRAFT_MEDIA_COLLECTION).first()
        if collection is None:
            collection = root.add_child(name=DRAFT_MEDIA_COLLECTION)
        if not CollectionViewRestriction.objects.filter(collection=collection).exists():
            restriction = CollectionViewRestriction.objects.create(
                collection=collection, restriction_type=BaseViewRestriction.GROUPS
            )
            restriction.groups.set(Group.objects.filter(name__in=DRAFT_MEDIA_GROUPS))
    return collection


def is_draft_media(collection) -> bool:
    return collection.name == DRAFT_MEDIA_COLLECTION and collection.depth == 2


def collection_restrictions(collection) -> list:
    """The view restrictions on a collection and the collections above it, as ``access.Restriction``."""
    from wagtail.models import CollectionViewRestriction

    steps = collection.steplen
    paths = [collection.path[:end] for end in range(steps, len(collection.path) + 1, steps)]
    rows = CollectionViewRestriction.objects.filter(collection__path__in=paths).prefetch_related("groups")
    return [
        access.Restriction(
            path="",  # only who it admits matters here
            restriction_type=row.restriction_type,
            groups=frozenset(group.name for group in row.groups.all()),
        )
        for row in rows
    ]


@require_safe
def serve_image(request, name):
    """Serve an original image or a rendition, after checking who may see its collection."""
    from wagtail.images import get_image_model

    image_model = get_image_model()
    rendition = (
        image_model.get_rendition_model()
        .objects.select_related("image__collection")
        .filter(file=name)
        .first()
    )
    if rendition is not None:
        collection, file = rendition.image.collection, rendition.file
    else:
        image = image_model.objects.select_related("collection").filter(file=name).first()
        if image is None:
            raise Http404("No such image.")
        collection, file = image.collection, image.file
    restrictions = collection_restrictions(collection)
    if not all(restriction.admits(request.user) for restriction in restrictions):
        raise Http404("No such image.")
    restricted = bool(restrictions)
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    try:
        response = protected_files.file_response(file.storage, file.name, content_type=content_type)
    except FileNotFoundError:
        raise Http404("No such image.")
    if restricted:
        # A shared computer's browser cache must not keep a members-only picture.
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_IMAGE_MAX_AGE)
    response["Content-Disposition"] = "inline"
    return response

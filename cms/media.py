"""Protected media: where image and document files are stored, and the view that serves images.

Wagtail serves documents through its own view (``WAGTAILDOCS_SERVE_METHOD =
"serve_view"``), which checks the collection's view restrictions, but it puts
no check at all in front of images: an image file sits under ``MEDIA_URL``
and anyone who guesses its name can fetch it. So images, their renditions and
documents are stored in ``PROTECTED_MEDIA_ROOT``, which no web server exposes.
Image URLs point at :func:`serve_image`, which finds the image or rendition by
its exact stored name and serves it only to someone who may see its collection.
A guessed name that matches nothing, or an image the visitor may not see, is a
404 either way, so guessing reveals nothing.
"""

import mimetypes
import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.deconstruct import deconstructible
from django.views.decorators.http import require_safe

from cms import access

PUBLIC_IMAGE_MAX_AGE = 60 * 60 * 24


@deconstructible
class ProtectedMediaStorage(FileSystemStorage):
    """Files under PROTECTED_MEDIA_ROOT, whose URLs lead to the serving view rather than MEDIA_URL."""

    # Read on every use (not cached) so tests can point the setting elsewhere.
    @property
    def base_location(self):
        return os.fspath(settings.PROTECTED_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        return reverse("cms:protected_image", args=[name.replace("\\", "/")])


def protected_storage():
    """The storage of every image, rendition and document file (referenced by migrations)."""
    return ProtectedMediaStorage()


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
    members_only = access.collection_is_members_only(collection)
    if members_only and not access.can_view_members_only(request.user):
        raise Http404("No such image.")
    try:
        handle = file.storage.open(file.name, "rb")
    except FileNotFoundError:
        raise Http404("No such image.")
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    if members_only:
        # A shared computer's browser cache must not keep a members-only picture.
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_IMAGE_MAX_AGE)
    response["Content-Disposition"] = "inline"
    return response

"""The site's image, rendition and document models: Wagtail's own, stored in protected storage.

Only the storage differs from Wagtail's defaults (see cms.media): files live
outside MEDIA_ROOT, image URLs lead to a view that checks the collection, and
documents are served by Wagtail's document view, which checks it too.
"""

from django.db import models
from wagtail.documents.models import AbstractDocument, Document
from wagtail.images.models import (
    AbstractImage,
    AbstractRendition,
    Image,
    WagtailImageField,
    get_rendition_upload_to,
    get_upload_to,
)

from cms.media import protected_storage


class CommonsImage(AbstractImage):
    file = WagtailImageField(
        verbose_name="file",
        upload_to=get_upload_to,
        storage=protected_storage,
        width_field="width",
        height_field="height",
    )

    admin_form_fields = Image.admin_form_fields

    class Meta(AbstractImage.Meta):
        verbose_name = "image"
        verbose_name_plural = "images"


class CommonsRendition(AbstractRendition):
    image = models.ForeignKey(CommonsImage, related_name="renditions", on_delete=models.CASCADE)
    file = WagtailImageField(
        upload_to=get_rendition_upload_to,
        storage=protected_storage,
        width_field="width",
        height_field="height",
    )

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class CommonsDocument(AbstractDocument):
    file = models.FileField(upload_to="documents", storage=protected_storage, verbose_name="file")

    admin_form_fields = Document.admin_form_fields

    class Meta(AbstractDocument.Meta):
        verbose_name = "document"
        verbose_name_plural = "documents"

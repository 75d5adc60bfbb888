"""Files under posts: images (PNG, JPEG, WebP, GIF) and PDFs, up to 10 MB, kept in protected media.

What a file is, is decided by its content, never by its name: Pillow must open
it as one of the four image formats, or it must be a well-formed PDF (magic
bytes, a cross-reference and an end-of-file marker, and no scripts or launch
actions). Images are decoded and re-encoded by Pillow, which drops EXIF (GPS
position, camera serial), XMP, comments and colour profiles; the photo is
turned upright first, since its orientation lived in the EXIF. Pillow's
decompression-bomb limit applies and is raised as a refusal, not a warning.

Files are stored in the "forum" part of the protected storage (config.storage) with a random name; the
member's file name is cleaned and kept only for display and download.
"""

import io
import re
import unicodedata
import uuid
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps

from config.storage import protected_storage
from forum import access
from forum.models import Attachment
from forum.services import ForumError, NotAllowed

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_POST = 10
MAX_ALT = 300

# Pillow format: (content type, extension)
IMAGE_FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
}
PDF_TYPE = "application/pdf"
# PDF features that run code or open other things when the file is opened.
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|OpenAction|AA|RichMedia)\b")

REFUSED_TYPE = "Only images (PNG, JPEG, WebP or GIF) and PDF files can be attached. This file is neither."


class AttachmentRefused(ForumError):
    """The file cannot be attached; the message says why, in words for the member."""


def attachment_storage():
    return protected_storage("forum")


def clean_display_name(name: str) -> str:
    """The member's file name, made harmless: no folders, no control characters, at most 120 characters."""
    name = unicodedata.normalize("NFKC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in "CZ" or ch == " ")
    name = re.sub(r"[^\w .()\-]", "_", name).strip(" .")
    return (name or "attachment")[-120:]


def _read(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size == 0:
        raise AttachmentRefused("The file is empty (0 bytes). Choose the file again.")
    if size is not None and size > MAX_BYTES:
        raise AttachmentRefused(
            f"The file is {size / (1024 * 1024):.1f} MB; attachments are limited to 10 MB."
        )
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if not data:
        raise AttachmentRefused("The file is empty (0 bytes). Choose the file again.")
    if len(data) > MAX_BYTES:
        raise AttachmentRefused("The file is larger than 10 MB; attachments are limited to 10 MB.")
    return data


def _check_pdf(data: bytes) -> None:
    tail = data[-2048:]
    if not data.startswith(b"%PDF-1.") and not data.startswith(b"%PDF-2."):
        raise AttachmentRefused(REFUSED_TYPE)
    if b"%%EOF" not in tail or b"startxref" not in tail or b" obj" not in data:
        raise AttachmentRefused("This PDF is damaged or incomplete. Save it again and attach the new copy.")
    if PDF_ACTIVE.search(data):
        raise AttachmentRefused(
            "This PDF contains scripts, embedded files or actions that run when it opens. "
            "Print it to a new PDF and attach that instead."
        )


def _reencode(data: bytes) -> tuple[bytes, str, str, int, int]:
    """Decode and re-encode an image; returns (bytes, content type, extension, width, height)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            kind = image.format
            if kind not in IMAGE_FORMATS:
                raise AttachmentRefused(REFUSED_TYPE)
            frames = getattr(image, "n_frames", 1)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise AttachmentRefused(
            "This image is too large in pixels to be processed safely. Resize it and attach it again."
        )
    except AttachmentRefused:
        raise
    except Image.UnidentifiedImageError:
        raise AttachmentRefused(REFUSED_TYPE)
    except (OSError, SyntaxError, ValueError, EOFError):
        raise AttachmentRefused(
            "This image could not be read: it may be damaged or cut short. Save it again and retry."
        )
    content_type, extension = IMAGE_FORMATS[kind]
    out = io.BytesIO()
    if kind == "GIF" and frames > 1:
        # Animated GIFs keep their frames; GIF has no EXIF, and comments are not copied.
        image.save(out, "GIF", save_all=True, optimize=False)
    else:
        upright = ImageOps.exif_transpose(image)
        if kind == "JPEG":
            if upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            upright.save(out, "JPEG", quality=90)
        elif kind == "WEBP":
            upright.save(out, "WEBP", quality=90)
        else:
            upright.save(out, kind)
        return out.getvalue(), content_type, extension, upright.width, upright.height
    return out.getvalue(), content_type, extension, image.width, image.height


def inspect(upload) -> dict:
    """Decide what an upload is from its bytes, and give what will be stored."""
    data = _read(upload)
    if data.startswith(b"%PDF"):
        _check_pdf(data)
        return {"kind": Attachment.Kind.PDF, "content_type": PDF_TYPE, "extension": "pdf", "data": data}
    if data.lstrip()[:1] == b"<":
        # HTML or SVG: Pillow would refuse it anyway; say so plainly.
        raise AttachmentRefused(REFUSED_TYPE)
    body, content_type, extension, width, height = _reencode(data)
    return {
        "kind": Attachment.Kind.IMAGE,
        "content_type": content_type,
        "extension": extension,
        "data": body,
        "width": width,
        "height": height,
    }


def attach(post, *, by, upload, alt_text: str = "") -> Attachment:
    """Check, clean and store one file under a post the member wrote."""
    if not access.can_attach_to(by, post, post.topic):
        raise NotAllowed("You can attach files only to your own posts.")
    if Attachment.objects.filter(post=post).count() >= MAX_PER_POST:
        raise AttachmentRefused(f"A post can have at most {MAX_PER_POST} attachments.")
    return _store(check(upload, alt_text), by=by, post=post)


@dataclass
class Checked:
    """An upload that passed every check, cleaned and ready to store (see check_all)."""

    found: dict
    display_name: str
    alt_text: str


def _clean_alt(alt_text) -> str:
    return " ".join((alt_text or "").replace("\x00", "").split())[:MAX_ALT]


def check(upload, alt_text: str = "") -> Checked:
    """Check and clean one upload, storing nothing; AttachmentRefused says what is wrong with it."""
    alt_text = _clean_alt(alt_text)
    found = inspect(upload)
    if found["kind"] == Attachment.Kind.IMAGE and not alt_text:
        raise AttachmentRefused("Describe the image in a few words, for members who cannot see it.")
    return Checked(found, _display_with_extension(upload.name, found["extension"]), alt_text)


def check_all(uploads, descriptions: str = "") -> list[Checked]:
    """Check the files chosen on a writing form, before anything is posted.

    ``descriptions`` holds one line per image, in the order the files were chosen
    (PDFs need none). Every file is checked, so one refusal names every bad file,
    each by its cleaned name; nothing is stored until the post itself is saved.
    """
    uploads = list(uploads)
    if len(uploads) > MAX_PER_POST:
        raise AttachmentRefused(f"Attach at most {MAX_PER_POST} files to one post.")
    lines = [line for line in (descriptions or "").splitlines() if line.strip()]
    checked, problems = [], []
    for upload in uploads:
        name = clean_display_name(getattr(upload, "name", ""))
        try:
            found = inspect(upload)
        except AttachmentRefused as error:
            problems.append(f"{name}: {error}")
            continue
        alt_text = ""
        if found["kind"] == Attachment.Kind.IMAGE:
            if not lines:
                problems.append(
                    f"{name}: describe this image in a few words (one line per image), "
                    "for members who cannot see it."
                )
                continue
            alt_text = _clean_alt(lines.pop(0))
        checked.append(Checked(found, _display_with_extension(upload.name, found["extension"]), alt_text))
    if problems:
        raise AttachmentRefused(" ".join(problems))
    return checked


def attach_checked(post, checked: list[Checked], *, by) -> list[Attachment]:
    """Store files check_all accepted under the post just written by this member."""
    if checked and not access.can_attach_to(by, post, post.topic):
        raise NotAllowed("You can attach files only to your own posts.")
    return [_store(item, by=by, post=post) for item in checked]


def _store(item: Checked, *, by, post=None, message=None) -> Attachment:
    found = item.found
    storage = attachment_storage()
    stored = storage.save(f"{uuid.uuid4().hex}.{found['extension']}", ContentFile(found["data"]))
    try:
        with transaction.atomic():
            return Attachment.objects.create(
                post=post,
                message=message,
                uploader=by,
                kind=found["kind"],
                content_type=found["content_type"],
                stored_name=stored,
                display_name=item.display_name,
                alt_text=item.alt_text,
                size=len(found["data"]),
                width=found.get("width"),
                height=found.get("height"),
            )
    except Exception:
        storage.delete(stored)
        raise


def _display_with_extension(name: str, extension: str) -> str:
    """The cleaned name, ending in the extension of what the file really is."""
    stem = clean_display_name(name).rsplit(".", 1)[0] or "attachment"
    return f"{stem[:110]}.{extension}"


def remove(attachment: Attachment, *, by) -> None:
    post = attachment.post
    if post is None:
        # A private message's files stay with it, as the message itself does (messages are not edited).
        raise NotAllowed("Files sent in a private message stay with the message.")
    if not (access.can_attach_to(by, post, post.topic) or access.can_moderate_topic(by, post.topic)):
        raise NotAllowed("You cannot remove this attachment.")
    name = attachment.stored_name
    attachment.delete()
    transaction.on_commit(lambda: attachment_storage().delete(name))


def attach_to_message(message, checked: list[Checked], *, by) -> list[Attachment]:
    """Store files check_all accepted under the private message this member just sent."""
    if checked and message.author_id != by.pk:
        raise NotAllowed("You can attach files only to your own messages.")
    return [_store(item, by=by, message=message) for item in checked]


def _load_onto(owners, field: str) -> None:
    """Each owner's attachments, in one query, as its ``attachment_list``."""
    by_owner = {owner.pk: owner for owner in owners}
    for owner in by_owner.values():
        owner.attachment_list = []
    if not by_owner:
        return
    for attachment in Attachment.objects.filter(**{f"{field}__in": by_owner}).order_by("id"):
        by_owner[getattr(attachment, field)].attachment_list.append(attachment)


def for_messages(messages) -> None:
    """Load the attachments of a page of private messages in one query, as ``attachment_list``."""
    _load_onto(messages, "message_id")


def for_posts(posts) -> None:
    """Load the attachments of a page of posts in one query, onto each post as ``attachment_list``."""
    _load_onto(posts, "post_id")

"""Attachments: only real images and PDFs up to 10 MB, stripped of metadata, sent only to readers."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from PIL import Image

from forum.attachments import services as attachments
from forum.models import Attachment
from tests.forum.factories import prosecutors_category, start_topic

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 1  # Orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (39.0, 57.0, 41.0), 3: "W", 4: (82.0, 59.0, 55.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def image_bytes(kind="PNG", size=(20, 10)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, kind)
    return out.getvalue()


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"xref\n0 3\n0000000000 65535 f \ntrailer\n<< /Root 1 0 R /Size 3 >>\nstartxref\n64\n%%EOF\n"
)


def upload(data: bytes, name="file.bin"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def post(member, open_category):
    return start_topic(member, open_category).posts.get(number=1)


def stored_bytes(attachment) -> bytes:
    with attachments.attachment_storage().open(attachment.stored_name, "rb") as handle:
        return handle.read()


class TestWhatIsAccepted:
    def test_a_photo_loses_its_gps_position_and_camera(self, post, member):
        original = Image.open(io.BytesIO(jpeg_with_gps()))
        assert original.getexif().get_ifd(GPS_IFD), "the test photo must carry a GPS position"
        added = attachments.attach(
            post, by=member, upload=upload(jpeg_with_gps(), "beach.jpg"), alt_text="A beach"
        )
        cleaned = Image.open(io.BytesIO(stored_bytes(added)))
        assert cleaned.format == "JPEG"
        assert not cleaned.getexif().get_ifd(GPS_IFD)
        assert 0x010F not in cleaned.getexif()
        assert b"PhoneMaker" not in stored_bytes(added)
        assert (added.kind, added.content_type, added.width, added.height) == ("image", "image/jpeg", 40, 30)

    @pytest.mark.parametrize(
        "kind,content_type", [("PNG", "image/png"), ("WEBP", "image/webp"), ("GIF", "image/gif")]
    )
    def test_other_image_formats_are_reencoded_as_themselves(self, post, member, kind, content_type):
        added = attachments.attach(
            post, by=member, upload=upload(image_bytes(kind), "x.bin"), alt_text="Chart"
        )
        assert added.content_type == content_type
        assert Image.open(io.BytesIO(stored_bytes(added))).format == kind
        assert added.display_name.endswith("." + content_type.split("/")[1].replace("jpeg", "jpg"))

    def test_a_pdf_is_kept_as_it_is(self, post, member):
        added = attachments.attach(post, by=member, upload=upload(MINIMAL_PDF, "protocol.pdf"))
        assert (added.kind, added.content_type, added.display_name) == (
            "pdf",
            "application/pdf",
            "protocol.pdf",
        )
        assert stored_bytes(added) == MINIMAL_PDF

    def test_files_live_in_protected_media_under_a_random_name(self, post, member, settings):
        added = attachments.attach(
            post, by=member, upload=upload(image_bytes(), "../../etc/passwd.png"), alt_text="x"
        )
        path = settings.PROTECTED_MEDIA_ROOT / "forum" / added.stored_name
        assert path.exists()
        assert "passwd" not in added.stored_name
        assert added.display_name == "passwd.png"


class TestBadInput:
    @pytest.mark.parametrize(
        "data,name,message",
        [
            (b"just some text, not a picture", "holiday.png", "Only images"),
            (b"<svg onload=alert(1)></svg>", "logo.png", "Only images"),
            (b"<html><script>alert(1)</script></html>", "page.jpg", "Only images"),
            (b"", "empty.png", "empty"),
            (MINIMAL_PDF[:60], "cut.pdf", "damaged or incomplete"),
            (
                MINIMAL_PDF.replace(
                    b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
                ),
                "evil.pdf",
                "scripts",
            ),
        ],
    )
    def test_wrong_empty_or_hostile_files_are_refused_with_a_reason(self, post, member, data, name, message):
        with pytest.raises(attachments.AttachmentRefused, match=message):
            attachments.attach(post, by=member, upload=upload(data, name), alt_text="x")
        assert not Attachment.objects.exists()

    def test_a_truncated_image_is_refused(self, post, member):
        data = jpeg_with_gps()
        with pytest.raises(attachments.AttachmentRefused, match="damaged or cut short"):
            attachments.attach(
                post, by=member, upload=upload(data[: len(data) // 2], "half.jpg"), alt_text="x"
            )

    def test_a_decompression_bomb_is_refused(self, post, member, monkeypatch):
        monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
        for size in ((40, 40), (100, 100)):  # over the limit (a warning), and over twice it (an error)
            with pytest.raises(attachments.AttachmentRefused, match="too large in pixels"):
                attachments.attach(
                    post, by=member, upload=upload(image_bytes("PNG", size), "bomb.png"), alt_text="x"
                )

    def test_ten_megabytes_and_one_byte_is_refused(self, post, member):
        data = MINIMAL_PDF + b"%" * (attachments.MAX_BYTES + 1 - len(MINIMAL_PDF))
        assert len(data) == 10 * 1024 * 1024 + 1
        with pytest.raises(attachments.AttachmentRefused, match="limited to 10 MB"):
            attachments.attach(post, by=member, upload=upload(data, "big.pdf"))

    def test_an_image_needs_a_description(self, post, member):
        with pytest.raises(attachments.AttachmentRefused, match="Describe the image"):
            attachments.attach(post, by=member, upload=upload(image_bytes(), "x.png"), alt_text="   ")

    @pytest.mark.parametrize(
        "name,expected",
        [
            ("../../../etc/passwd", "passwd"),
            ("..\\..\\windows\\system.ini", "system.ini"),
            ('"><img src=x onerror=alert(1)>.png', "___img src_x onerror_alert(1)_.png"),
            ("report\x00.pdf", "report.pdf"),
            ("\u202etxt.exe", "txt.exe"),
            ("", "attachment"),
        ],
    )
    def test_hostile_file_names_are_made_harmless(self, name, expected):
        assert attachments.clean_display_name(name) == expected

    def test_only_the_author_attaches(self, post, peer):
        with pytest.raises(attachments.NotAllowed):
            attachments.attach(post, by=peer, upload=upload(MINIMAL_PDF, "x.pdf"))


class TestPages:
    def test_upload_without_javascript_then_shown_under_the_post(self, post, member, peer, client_for):
        client = client_for(member)
        page = client.get(f"/forum/posts/{post.pk}/attachments/").content.decode()
        assert 'enctype="multipart/form-data"' in page
        response = client.post(
            f"/forum/posts/{post.pk}/attachments/",
            {"file": upload(image_bytes(), "map.png"), "alt_text": "Map of the county"},
            follow=True,
        )
        assert "Attached map.png" in response.content.decode()
        client.post(f"/forum/posts/{post.pk}/attachments/", {"file": upload(MINIMAL_PDF, "Protocol v2.pdf")})
        topic_page = client_for(peer).get(f"/forum/t/{post.topic_id}/").content.decode()
        image, pdf = Attachment.objects.order_by("id")
        assert f'src="/forum/attachments/{image.pk}/" alt="Map of the county"' in topic_page
        assert f'href="/forum/attachments/{pdf.pk}/">Protocol v2.pdf</a>' in topic_page
        assert f"(PDF, {filesizeformat(pdf.size)})" in topic_page

    def test_a_refused_upload_keeps_the_description(self, post, member, client_for):
        response = client_for(member).post(
            f"/forum/posts/{post.pk}/attachments/",
            {"file": upload(b"not an image", "photo.jpg"), "alt_text": "My careful description"},
        )
        page = response.content.decode()
        assert response.status_code == 400
        assert "Only images (PNG, JPEG, WebP or GIF) and PDF files" in page
        assert "My careful description" in page

    def test_posting_without_a_file_is_explained(self, post, member, client_for):
        response = client_for(member).post(f"/forum/posts/{post.pk}/attachments/", {"alt_text": "x"})
        assert response.status_code == 400
        assert "Choose a file to attach." in response.content.decode()

    def test_download_is_checked_and_safe(self, post, member, peer, client_for):
        image = attachments.attach(post, by=member, upload=upload(image_bytes(), "a.png"), alt_text="x")
        pdf = attachments.attach(post, by=member, upload=upload(MINIMAL_PDF, 'x"; evil=.pdf'))
        response = client_for(peer).get(f"/forum/attachments/{image.pk}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("inline;")
        assert "sandbox" in response["Content-Security-Policy"]
        response = client_for(peer).get(f"/forum/attachments/{pdf.pk}/")
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="x__ evil_.pdf"'
        assert b"".join(response.streaming_content) == MINIMAL_PDF

    def test_files_in_a_category_you_cannot_read_are_not_found(self, prosecutor, peer, client_for):
        secret = start_topic(prosecutor, prosecutors_category()).posts.get(number=1)
        added = attachments.attach(secret, by=prosecutor, upload=upload(MINIMAL_PDF, "plea.pdf"))
        assert client_for(peer).get(f"/forum/attachments/{added.pk}/").status_code == 404
        assert client_for(None).get(f"/forum/attachments/{added.pk}/").status_code == 302
        assert client_for(prosecutor).get(f"/forum/attachments/{added.pk}/").status_code == 200

    def test_a_hidden_posts_files_are_hidden_too(self, post, member, peer, moderator, client_for):
        from forum import services

        topic = post.topic
        reply_post = services.reply(topic, by=member, body="with a file")
        added = attachments.attach(reply_post, by=member, upload=upload(MINIMAL_PDF, "x.pdf"))
        services.set_post_visibility(reply_post, by=moderator, hidden=True)
        assert client_for(peer).get(f"/forum/attachments/{added.pk}/").status_code == 404
        assert client_for(moderator).get(f"/forum/attachments/{added.pk}/").status_code == 200

    def test_the_topic_page_loads_attachments_in_one_query(
        self, post, member, peer, client_for, django_assert_max_num_queries
    ):
        from forum import services

        client = client_for(peer)
        client.get(f"/forum/t/{post.topic_id}/")
        with django_assert_max_num_queries(40) as few:
            client.get(f"/forum/t/{post.topic_id}/")
        for n in range(5):
            extra = services.reply(post.topic, by=member, body=f"reply {n}")
            attachments.attach(
                extra, by=member, upload=upload(image_bytes(), f"{n}.png"), alt_text=f"Image {n}"
            )
        with django_assert_max_num_queries(len(few.captured_queries) + 1):
            page = client.get(f"/forum/t/{post.topic_id}/").content.decode()
        assert page.count('class="forum-attachment-image"') == 5

    def test_others_cannot_open_the_attach_page(self, post, peer, client_for):
        response = client_for(peer).get(f"/forum/posts/{post.pk}/attachments/")
        assert response.status_code == 302
        response = client_for(peer).post(
            f"/forum/posts/{post.pk}/attachments/", {"file": upload(MINIMAL_PDF)}
        )
        assert response.status_code == 302 and not Attachment.objects.exists()

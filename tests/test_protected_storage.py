"""config.storage: every app's protected files go through the one "protected" STORAGES alias."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings

from cms.media import protected_storage as cms_storage
from forum.attachments.services import attachment_storage
from research.storage import research_storage


def test_each_app_keeps_its_files_in_its_part_of_protected_media(settings, tmp_path):
    settings.PROTECTED_MEDIA_ROOT = tmp_path  # overridden after import: the storages follow it
    for storage, folder in (
        (cms_storage(), ""),
        (attachment_storage(), "forum"),
        (research_storage(), "research"),
    ):
        name = storage.save("a.txt", ContentFile(b"x"))
        assert (tmp_path / folder / name).read_bytes() == b"x"


def test_a_deployment_can_point_the_alias_elsewhere(settings, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    storages = {
        **settings.STORAGES,
        "protected": {**settings.STORAGES["protected"], "OPTIONS": {"location": elsewhere}},
    }
    with override_settings(STORAGES=storages):
        research_storage().save("b.txt", ContentFile(b"y"))
        attachment_storage().save("c.txt", ContentFile(b"z"))
    assert (elsewhere / "research" / "b.txt").read_bytes() == b"y"
    assert (elsewhere / "forum" / "c.txt").read_bytes() == b"z"
    assert not Path(settings.PROTECTED_MEDIA_ROOT, "research", "b.txt").exists()


def test_protected_files_have_no_public_url_except_cms_images_through_their_view(settings, tmp_path):
    settings.PROTECTED_MEDIA_ROOT = tmp_path
    for storage in (attachment_storage(), research_storage()):
        with pytest.raises(ValueError):
            storage.url("a.txt")
    assert cms_storage().url("images/a.png").startswith("/assets/")

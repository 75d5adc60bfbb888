"""config.storage: every app's protected files go through the one "protected" STORAGES alias."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings

from cms.media import protected_storage as cms_storage
from config import protected_files
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


def _protected_alias_under(tmp_path, **environ):
    """settings.STORAGES["protected"] as a fresh process reads it from ``environ``."""
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['protected']))"
    )
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env |= {"VAR_DIR": str(tmp_path / "var"), **environ}
    base = Path(__file__).resolve().parents[1]
    return subprocess.run(
        [sys.executable, "-c", script], cwd=base, env=env, capture_output=True, text=True, timeout=120
    )


def test_an_operator_names_another_backend_and_its_options_in_the_environment(tmp_path):
    """Several app nodes share one store (django-storages' S3 backend in deploy/README.md), set with two
    variables; here a backend Django ships, since start-up imports the one named."""
    backend = "django.core.files.storage.InMemoryStorage"
    options = {"location": "protected", "file_permissions_mode": 384}
    result = _protected_alias_under(
        tmp_path, PROTECTED_STORAGE_BACKEND=backend, PROTECTED_STORAGE_OPTIONS=json.dumps(options)
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"BACKEND": backend, "OPTIONS": options}


@pytest.mark.parametrize("bad", ["{bucket: x}", "[1, 2]", '"a string"'])
def test_options_that_are_not_a_json_object_stop_start_up_with_their_name(tmp_path, bad):
    result = _protected_alias_under(tmp_path, PROTECTED_STORAGE_OPTIONS=bad)
    assert result.returncode != 0
    assert "PROTECTED_STORAGE_OPTIONS must be a JSON object" in result.stderr


def test_a_store_with_no_local_files_is_streamed_even_with_nginx_in_front(settings):
    """An object store has no path on disk for nginx to send: the checked view streams the file."""
    settings.PROTECTED_MEDIA_ACCEL_PREFIX = "/_protected/"
    storages = {**settings.STORAGES, "protected": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    with override_settings(STORAGES=storages):
        storage = research_storage()
        name = storage.save("data.csv", ContentFile(b"a,b\n1,2\n"))
        response = protected_files.file_response(storage, name, content_type="text/csv", filename="data.csv")
    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == b"a,b\n1,2\n"
    assert 'filename="data.csv"' in response["Content-Disposition"]

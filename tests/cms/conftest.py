"""CMS test fixtures: protected media in a temporary directory, and the site's index pages."""

import pytest

from tests.cms import factories


@pytest.fixture(autouse=True)
def _protected_media(settings, tmp_path):
    # Images and documents live here (cms.media); each test gets an empty store.
    settings.PROTECTED_MEDIA_ROOT = tmp_path / "protected-media"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def indexes(db):
    return factories.index_pages()

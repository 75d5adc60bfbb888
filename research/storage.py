"""Where research files live: protected storage no web server serves.

Dataset files, executed notebooks and figures may hold sensitive data, so they
sit under PROTECTED_MEDIA_ROOT and are only sent through views that ask
``research.access`` first.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def research_storage():
    # A callable, so tests' temporary PROTECTED_MEDIA_ROOT is used and
    # migrations do not record a machine's path.
    return FileSystemStorage(location=settings.PROTECTED_MEDIA_ROOT / "research", base_url=None)

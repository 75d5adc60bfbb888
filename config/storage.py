"""Protected file storage: the one place it is made.

Files no web server may serve (CMS images and documents, research data, forum
attachments) go to the ``"protected"`` alias of ``STORAGES``. Its default
backend, ProtectedStorage, keeps them on disk under PROTECTED_MEDIA_ROOT; a
deployment can point the alias at another backend and OPTIONS instead. Each
app asks protected_storage() for its part, a subfolder joined to the alias's
``location`` option (a directory on disk, a key prefix in object storage).
"""

import functools
import os
import posixpath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.module_loading import import_string

ALIAS = "protected"


@deconstructible
class ProtectedStorage(FileSystemStorage):
    """Files on disk under PROTECTED_MEDIA_ROOT (or under ``location``, relative to it), with no URL.

    The root is read on every use rather than once: FileFields build their
    storage at import, and tests point PROTECTED_MEDIA_ROOT elsewhere afterwards.
    """

    @property
    def base_location(self):
        return os.fspath(os.path.join(settings.PROTECTED_MEDIA_ROOT, self._location or ""))

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        # No public URL: these files are only sent by views that check access first.
        return None


@functools.cache
def _backend(path: str, mixin: type | None) -> type:
    backend = import_string(path)
    if mixin is None:
        return backend
    # Cached: a class made on every call would cost more than the storage itself.
    return type(f"{mixin.__name__}{backend.__name__}", (mixin, backend), {})


def protected_storage(subfolder: str = "", mixin: type | None = None):
    """A storage for ``subfolder`` of the protected alias; ``mixin`` (e.g. one giving URLs) goes first."""
    conf = settings.STORAGES[ALIAS]
    options = dict(conf.get("OPTIONS", {}))
    if subfolder:
        options["location"] = posixpath.join(os.fspath(options.get("location", "")), subfolder)
    return _backend(conf["BACKEND"], mixin)(**options)

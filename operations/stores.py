"""The file stores a backup holds, read and written only through Django's storage API.

Three parts, each a storage: ``media`` (the default storage, MEDIA_ROOT), ``protected`` (the
``protected`` alias of STORAGES, config.storage) and ``research`` (the research datasets, executed
notebooks and figures: the alias's ``research`` subfolder, research/storage.py). ``protected``
leaves that subfolder to ``research`` so each file is in exactly one part. Going through the
storage API rather than the disk means an alias pointed at object storage is backed up the same way.
"""

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.files.storage import Storage, storages

from config.storage import protected_storage

# research.storage keeps its files in this subfolder of the protected alias; named here rather
# than imported, as operations imports no app above members (pyproject.toml, importlinter).
RESEARCH_SUBFOLDER = "research"


@dataclass(frozen=True)
class FileStore:
    part: str
    storage: Storage
    # Top-level folders another part holds.
    exclude: frozenset[str] = frozenset()

    def names(self) -> Iterator[str]:
        """Every file's name, sorted, folders walked depth-first; nothing for a store not yet created."""
        yield from _walk(self.storage, "", self.exclude)

    def is_empty(self) -> bool:
        return next(self.names(), None) is None


def file_stores() -> list[FileStore]:
    # Built on each call: tests and deployments change MEDIA_ROOT and the alias's OPTIONS.
    return [
        FileStore("media", storages["default"]),
        FileStore("protected", protected_storage(), frozenset({RESEARCH_SUBFOLDER})),
        FileStore("research", protected_storage(RESEARCH_SUBFOLDER)),
    ]


def _walk(storage: Storage, folder: str, exclude: frozenset[str]) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for name in sorted(folders):
        if not folder and name in exclude:
            continue
        yield from _walk(storage, posixpath.join(folder, name) if folder else name, frozenset())

"""Taking a backup: one tar archive of the database and every file store, with a manifest; retention.

An archive (``commons-YYYYMMDDTHHMMSSZ.tar`` in BACKUP_DIR) holds:

- ``database/commons.pgdump`` (pg_dump's custom format) or ``database/commons.sqlite3``;
- ``media/…``, ``protected/…`` and ``research/…``: every file of each store (operations.stores);
- ``manifest.json``, last: the format, when, the database engine, the applied migrations, and for
  every member its part, size and SHA-256, with each part's own checksum over its members.

The database is dumped first and the files copied after it, so a file uploaded meanwhile is at
worst an extra file, never a row whose file is missing. The archive is written under a
``.partial-`` name and renamed when complete, so a crash never leaves a file that looks like a
backup. Each backup, and each failed one, is audited (members.audit).
"""

import hashlib
import io
import json
import logging
import os
import re
import shutil
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from config.errors import Conflict
from members import audit
from members.models import AuditEvent
from operations import database
from operations.errors import BackupError
from operations.stores import file_stores

logger = logging.getLogger(__name__)

FORMAT = "task-force-commons-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
STAMP = "%Y%m%dT%H%M%SZ"
ARCHIVE_NAME = re.compile(r"commons-(\d{8}T\d{6}Z)\.tar")
PARTIAL_PREFIX = ".partial-"
# A partial file this old belongs to a backup that died (a killed worker); retention removes it.
STALE_PARTIAL_SECONDS = 24 * 3600


@dataclass
class BackupResult:
    path: Path
    bytes: int
    sha256: str
    parts: dict[str, dict]
    pruned: list[str] = field(default_factory=list)


def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)


def take_backup(directory: Path | None = None, *, trigger: str = "command", keep: int | None = None):
    """Write one archive into ``directory`` (BACKUP_DIR); with ``keep``, then apply the retention.

    Retention runs only after a backup succeeded: a failing backup never deletes the good ones.
    """
    directory = Path(directory or backup_dir())
    try:
        _refuse_a_folder_inside_a_store(directory)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        result = _write_archive(directory)
        if keep is not None:
            result.pruned = prune(directory, keep)
    except Exception as exc:
        try:
            audit.record(AuditEvent.Action.BACKUP_FAILED, trigger=trigger, error=str(exc)[:2000])
        except DatabaseError:
            # The database being down is often why the backup failed; the original error matters more.
            logger.exception("Could not audit the failed backup.")
        raise
    audit.record(
        AuditEvent.Action.BACKUP,
        trigger=trigger,
        archive=result.path.name,
        bytes=result.bytes,
        sha256=result.sha256,
        parts=result.parts,
        pruned=result.pruned,
    )
    logger.info("Backup written to %s (%d bytes).", result.path, result.bytes)
    return result


def _write_archive(directory: Path) -> BackupResult:
    created = timezone.now().astimezone(UTC).replace(microsecond=0)
    final = directory / f"commons-{created:{STAMP}}.tar"
    if final.exists():
        raise Conflict(f"{final.name} already exists: a backup was taken this second. Try again.")
    partial = directory / f"{PARTIAL_PREFIX}{final.name}"
    engine = database.engine()
    members: list[dict] = []
    try:
        # The dump goes beside the archive: the same disk, with the space the archive needs anyway.
        with tempfile.TemporaryDirectory(prefix=f"{PARTIAL_PREFIX}dump-", dir=directory) as scratch:
            dump_path = Path(scratch) / "dump"
            database.dump(dump_path)
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as raw:
                out = _HashingWriter(raw)
                with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
                    with dump_path.open("rb") as dumped:
                        members.append(
                            _add(
                                tar, database.DUMP_NAMES[engine], "database", dumped, dump_path.stat().st_size
                            )
                        )
                    for store in file_stores():
                        for name in store.names():
                            try:
                                with store.storage.open(name, "rb") as stored:
                                    members.append(
                                        _add(
                                            tar,
                                            f"{store.part}/{name}",
                                            store.part,
                                            stored,
                                            store.storage.size(name),
                                        )
                                    )
                            except FileNotFoundError:
                                # Deleted since it was listed: it is not part of this moment's site.
                                logger.info("%s/%s was deleted during the backup; skipped.", store.part, name)
                    manifest = build_manifest(created, engine, members)
                    data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                    _add(tar, MANIFEST, None, io.BytesIO(data), len(data))
                raw.flush()
                os.fsync(raw.fileno())
        os.replace(partial, final)
        _fsync_folder(directory)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(path=final, bytes=out.size, sha256=out.hexdigest(), parts=manifest["parts"])


def build_manifest(created: datetime, engine: str, members: list[dict]) -> dict:
    parts = {part: part_summary([m for m in members if m["part"] == part]) for part in _parts()}
    recorder = MigrationRecorder(connections["default"])
    migrations: dict[str, str] = {}
    for app, name in sorted(recorder.applied_migrations()):
        migrations[app] = max(name, migrations.get(app, ""))
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": created.isoformat(),
        "engine": engine,
        "migrations": migrations,
        "parts": parts,
        "members": members,
    }


def part_summary(members: list[dict]) -> dict:
    """A part's file count, size, and a SHA-256 over its members' names and checksums."""
    digest = hashlib.sha256()
    for member in sorted(members, key=lambda m: m["name"]):
        digest.update(f"{member['sha256']}  {member['name']}\n".encode())
    return {"files": len(members), "bytes": sum(m["bytes"] for m in members), "sha256": digest.hexdigest()}


def _parts() -> list[str]:
    return ["database"] + [store.part for store in file_stores()]


def _add(tar: tarfile.TarFile, name: str, part: str | None, source, size: int) -> dict:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(time.time())
    reader = _HashingReader(source)
    # addfile copies exactly `size` bytes and fails if the source has fewer, so the checksum
    # always covers what the archive holds.
    tar.addfile(info, reader)
    return {"name": name, "part": part, "bytes": size, "sha256": reader.hexdigest()}


def archives(directory: Path | None = None) -> list[Path]:
    """The directory's archives, oldest first (their names sort by time)."""
    directory = Path(directory or backup_dir())
    if not directory.is_dir():
        return []
    return sorted(
        path for path in directory.iterdir() if ARCHIVE_NAME.fullmatch(path.name) and path.is_file()
    )


def archive_time(path: Path) -> datetime:
    match = ARCHIVE_NAME.fullmatch(path.name)
    if match is None:
        raise ValueError(f"{path.name} is not named like a backup archive.")
    return datetime.strptime(match.group(1), STAMP).replace(tzinfo=UTC)


def latest_archive(directory: Path | None = None) -> Path | None:
    """The newest archive, e.g. for the age of the last backup."""
    found = archives(directory)
    return found[-1] if found else None


def prune(directory: Path | None = None, keep: int | None = None) -> list[str]:
    """Delete all but the newest ``keep`` (BACKUP_KEEP) archives, and partial files of dead backups.

    Only files named like an archive of ours are ever deleted; never fewer than one is kept.
    """
    directory = Path(directory or backup_dir())
    keep = settings.BACKUP_KEEP if keep is None else keep
    if keep < 1:
        raise BackupError("Retention must keep at least one backup.")
    found = archives(directory)
    deleted = []
    for path in found[: max(0, len(found) - keep)]:
        path.unlink(missing_ok=True)
        deleted.append(path.name)
    cutoff = time.time() - STALE_PARTIAL_SECONDS
    for path in directory.glob(f"{PARTIAL_PREFIX}*") if directory.is_dir() else []:
        if path.lstat().st_mtime < cutoff:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
    if deleted:
        logger.info("Retention (%d archives) deleted %s.", keep, ", ".join(deleted))
    return deleted


def _refuse_a_folder_inside_a_store(directory: Path) -> None:
    # An archive inside a store it backs up would be copied into every later archive.
    target = directory.resolve()
    for root in (settings.MEDIA_ROOT, settings.PROTECTED_MEDIA_ROOT):
        root = Path(root).resolve()
        if target == root or root in target.parents:
            raise BackupError(f"BACKUP_DIR ({directory}) must not be inside a file store ({root}).")


def _fsync_folder(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _HashingReader:
    def __init__(self, source):
        self._source = source
        self._digest = hashlib.sha256()

    def read(self, size=-1):
        data = self._source.read(size)
        self._digest.update(data)
        return data

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


class _HashingWriter:
    """The archive's own checksum and size, computed as it is written (for the audit)."""

    def __init__(self, target):
        self._target = target
        self._digest = hashlib.sha256()
        self.size = 0

    def write(self, data):
        self._digest.update(data)
        self.size += len(data)
        return self._target.write(data)

    def tell(self):
        return self.size

    def hexdigest(self) -> str:
        return self._digest.hexdigest()

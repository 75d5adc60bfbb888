"""Restoring an archive (operations.backup) into an empty database and empty file stores.

Everything is checked before anything is changed: the archive is read whole, and every member must
be listed in the manifest with the size and SHA-256 it has, every listed member must be there, and
each part's checksum must agree with its members. A damaged archive is refused naming the part.
Then the database must have no tables and every file store no files: a restore never merges into,
or overwrites, a live site. Only then is the database loaded and the files written, each file
checked again as it is read. The restore is audited in the restored database.
"""

import hashlib
import json
import posixpath
import re
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.db import DatabaseError, connections

from members import audit
from members.models import AuditEvent
from operations import database
from operations.backup import FORMAT, FORMAT_VERSION, MANIFEST, part_summary
from operations.errors import BackupError, DamagedArchive, NotEmpty
from operations.stores import file_stores

CHUNK = 1024 * 1024
# A manifest lists every file; this is room for millions, and a bound on what is read into memory.
MAX_MANIFEST_BYTES = 512 * 1024 * 1024
SHA256 = re.compile(r"[0-9a-f]{64}")
# Tables named in the refusal of a non-empty database, so the operator sees what is there.
KEY_MODELS = [settings.AUTH_USER_MODEL, "wagtailcore.Page", "members.AuditEvent"]


def verify(path) -> dict:
    """Read the whole archive and return its manifest, or raise DamagedArchive saying what is wrong."""
    path = Path(path)
    if not path.exists():
        raise DamagedArchive(f"No archive at {path}.")
    if not path.is_file():
        raise DamagedArchive(f"{path} is not a file.")
    current = "the archive's headers"
    try:
        with tarfile.open(path, mode="r:") as tar:
            manifest = _read_manifest(tar)
            expected = {member["name"]: member for member in manifest["members"]}
            seen: set[str] = set()
            for info in tar:
                if info.name == MANIFEST:
                    continue
                member = expected.get(info.name)
                if member is None or info.name in seen or not info.isreg():
                    raise DamagedArchive(
                        f"The archive is damaged: it holds {info.name!r}, "
                        "which its manifest does not list once as a file."
                    )
                current = f"part {member['part']!r} ({info.name})"
                digest = _sha256(tar.extractfile(info))
                if info.size != member["bytes"] or digest != member["sha256"]:
                    raise DamagedArchive(
                        f"Part {member['part']!r} is damaged: {info.name} does not match its checksum."
                    )
                seen.add(info.name)
    except tarfile.TarError as exc:
        raise DamagedArchive(f"The archive is damaged or truncated in {current}: {exc}.") from exc
    except OSError as exc:
        raise DamagedArchive(f"The archive cannot be read: {exc}.") from exc
    missing = sorted(set(expected) - seen)
    if missing:
        part = expected[missing[0]]["part"]
        raise DamagedArchive(
            f"Part {part!r} is incomplete: {missing[0]} is missing"
            + (f" (and {len(missing) - 1} more members)." if len(missing) > 1 else ".")
        )
    return manifest


def restore(path, *, trigger: str = "command") -> dict:
    """Verify the archive, check the targets are empty, then load the database and write the files."""
    path = Path(path)
    manifest = verify(path)
    engine = database.engine()
    if manifest["engine"] != engine:
        raise BackupError(
            f"This archive holds a {manifest['engine']} database; the configured database is {engine}."
        )
    refuse_unless_empty()
    members = {member["name"]: member for member in manifest["members"]}
    with (
        tarfile.open(path, mode="r:") as tar,
        tempfile.TemporaryDirectory(prefix="commons-restore-") as scratch,
    ):
        for info in tar:
            member = members.get(info.name)
            if member is None or member["part"] != "database":
                continue
            dump_path = Path(scratch) / "dump"
            with dump_path.open("wb") as out:
                _copy_checked(tar.extractfile(info), out, member)
            try:
                database.check_dump(dump_path, engine)
            except BackupError as exc:
                raise DamagedArchive(f"Part 'database' is damaged: {exc}.") from exc
            database.load(dump_path)
        stores = {store.part: store for store in file_stores()}
        for info in tar:
            member = members.get(info.name)
            if member is None or member["part"] not in stores:
                continue
            store = stores[member["part"]]
            name = info.name.removeprefix(f"{store.part}/")
            with tempfile.SpooledTemporaryFile(max_size=8 * CHUNK, dir=scratch) as spool:
                _copy_checked(tar.extractfile(info), spool, member)
                spool.seek(0)
                saved = store.storage.save(name, File(spool, name=posixpath.basename(name)))
            if saved != name:
                raise BackupError(
                    f"{info.name} was written as {saved}: the {store.part} store was not empty."
                )
    audit.record(
        AuditEvent.Action.RESTORED,
        trigger=trigger,
        archive=path.name,
        backup_created_at=manifest["created_at"],
        parts=manifest["parts"],
    )
    return manifest


def refuse_unless_empty() -> None:
    """Raise NotEmpty unless the database has no tables and no file store holds a file."""
    problems = []
    tables = database.table_names()
    if tables:
        counts = _key_table_counts(set(tables))
        problems.append(
            f"the database has {len(tables)} tables" + (f" ({', '.join(counts)})" if counts else "")
        )
    for store in file_stores():
        if not store.is_empty():
            problems.append(f"the {store.part} file store has files")
    if problems:
        raise NotEmpty(
            "A restore needs an empty database and empty file stores, and "
            + "; ".join(problems)
            + ". Restore into a new database (createdb) and empty folders; do not run migrate first."
        )


def _key_table_counts(tables: set[str]) -> list[str]:
    counts = []
    for label in KEY_MODELS:
        model = apps.get_model(label)
        if model._meta.db_table in tables:
            try:
                counts.append(f"{model._meta.db_table}: {model._base_manager.count()} rows")
            except DatabaseError:
                # A table of another schema version; the table count already refuses.
                connections["default"].close()
    return counts


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        info = tar.getmember(MANIFEST)
    except KeyError:
        raise DamagedArchive(
            "The archive has no manifest: it is damaged, truncated, or not a backup of this site."
        ) from None
    if not info.isreg() or info.size > MAX_MANIFEST_BYTES:
        raise DamagedArchive("The archive's manifest is damaged.")
    source = tar.extractfile(info)
    if source is None:
        raise DamagedArchive("The archive's manifest is damaged.")
    try:
        manifest = json.loads(source.read())
    except ValueError as exc:
        raise DamagedArchive(f"The archive's manifest is damaged: {exc}.") from exc
    _check_manifest(manifest)
    return manifest


def _check_manifest(manifest) -> None:
    def fail(why):
        raise DamagedArchive(f"The archive's manifest is damaged: {why}.")

    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        fail("it is not a Task Force Commons backup manifest")
    if manifest.get("version") != FORMAT_VERSION:
        fail(f"format version {manifest.get('version')!r} is not one this code reads ({FORMAT_VERSION})")
    if manifest.get("engine") not in database.DUMP_NAMES:
        fail(f"unknown database engine {manifest.get('engine')!r}")
    parts, members = manifest.get("parts"), manifest.get("members")
    if not isinstance(parts, dict) or not isinstance(members, list):
        fail("no parts or members")
    known = {"database"} | {store.part for store in file_stores()}
    if set(parts) != known:
        fail(f"its parts are {sorted(parts)}, not {sorted(known)}")
    for member in members:
        if not (
            isinstance(member, dict)
            and isinstance(member.get("name"), str)
            and member.get("part") in known
            and isinstance(member.get("bytes"), int)
            and member["bytes"] >= 0
            and isinstance(member.get("sha256"), str)
            and SHA256.fullmatch(member["sha256"])
        ):
            fail(f"a member entry is malformed: {str(member)[:200]}")
        name = member["name"]
        inner = name.removeprefix(f"{member['part']}/")
        if (
            inner == name
            or not inner
            or inner.startswith("/")
            or "\\" in inner
            or "\x00" in inner
            or any(piece in ("", ".", "..") for piece in inner.split("/"))
        ):
            fail(f"{name!r} is not a safe name in part {member['part']!r}")
    names = [member["name"] for member in members]
    if len(set(names)) != len(names):
        fail("a member is listed twice")
    database_members = [m for m in members if m["part"] == "database"]
    if [m["name"] for m in database_members] != [database.DUMP_NAMES[manifest["engine"]]]:
        fail("the database part must hold exactly the dump")
    for part, summary in parts.items():
        if summary != part_summary([m for m in members if m["part"] == part]):
            fail(f"part {part!r}'s checksum does not match its members")


def _sha256(source) -> str:
    digest = hashlib.sha256()
    while chunk := source.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _copy_checked(source, out, member: dict) -> None:
    # The archive was verified whole; checked again as it is copied, in case it changed since.
    digest = hashlib.sha256()
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        out.write(chunk)
    if digest.hexdigest() != member["sha256"]:
        raise DamagedArchive(
            f"Part {member['part']!r} is damaged: {member['name']} changed during the restore."
        )

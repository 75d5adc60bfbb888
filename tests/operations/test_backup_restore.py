"""manage.py backup and restore: the round trip loses nothing, a damaged or missing archive and a
database or store that is not empty are refused before anything changes, and each backup is audited."""

import hashlib
import io
import json
import re
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from members.models import AuditEvent, User
from operations import backup, database
from operations.backup import part_summary
from operations.errors import BackupError, DamagedArchive, NotEmpty
from operations.fingerprint import fingerprint
from operations.restore import restore, verify
from tests.operations.conftest import HOSTILE, destroy_everything


def _members(archive):
    with tarfile.open(archive) as tar:
        return {info.name: info for info in tar.getmembers()}


def _manifest(archive):
    with tarfile.open(archive) as tar:
        return json.loads(tar.extractfile("manifest.json").read())


def _rewrite(archive, *, edit_manifest=None, drop=(), add=None, rename=None):
    """Write the archive again with some members dropped or added, or its manifest edited."""
    with tarfile.open(archive) as tar:
        contents = [(info, tar.extractfile(info).read()) for info in tar.getmembers()]
    with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in contents:
            if info.name in drop:
                continue
            info.name = (rename or {}).get(info.name, info.name)
            if info.name == "manifest.json" and edit_manifest:
                manifest = json.loads(data)
                edit_manifest(manifest)
                data = json.dumps(manifest).encode()
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, data in (add or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


@pytest.mark.django_db(transaction=True)
def test_back_up_destroy_restore_and_nothing_differs(site_data, stores, rebuild_if_destroyed, capsys):
    before = fingerprint()
    call_command("backup")
    (archive,) = backup.archives()
    assert archive.stat().st_mode & 0o077 == 0, "an archive holds members' data: owner only"
    manifest = _manifest(archive)
    magic = {"sqlite": b"SQLite format 3\x00", "postgresql": b"PGDMP"}[manifest["engine"]]
    with tarfile.open(archive) as tar:
        assert tar.extractfile(database.DUMP_NAMES[manifest["engine"]]).read(len(magic)) == magic
    assert {part: summary["files"] for part, summary in manifest["parts"].items()} == {
        "database": 1,
        "media": 1,
        "protected": 1,
        "research": 2,
    }

    destroy_everything(stores)
    # A file put back into one store first: the restore refuses, and the database stays empty.
    stores["media"].storage.save("stray.txt", ContentFile(b"stray"))
    with pytest.raises(NotEmpty, match="the media file store has files"):
        restore(archive)
    assert database.table_names() == []
    stores["media"].storage.delete("stray.txt")

    call_command("restore", str(archive))
    assert "was restored" in capsys.readouterr().out

    assert fingerprint() == before
    for part, contents in site_data["files"].items():
        for name, data in contents.items():
            with stores[part].storage.open(name, "rb") as restored:
                assert restored.read() == data
    author = User.objects.get(pk=site_data["author"].pk)
    assert author.full_name == HOSTILE
    assert author.password == site_data["author"].password
    restored_event = AuditEvent.objects.get(action=AuditEvent.Action.RESTORED)
    assert restored_event.detail["archive"] == archive.name
    # A second restore of the same archive (a double run) is refused: the site is no longer empty.
    with pytest.raises(CommandError, match="A restore needs an empty database"):
        call_command("restore", str(archive))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_database_part_is_a_pg_dump_archive(stores):
    archive = backup.take_backup().path
    with tarfile.open(archive) as tar:
        assert tar.extractfile("database/commons.pgdump").read(5) == b"PGDMP"
    assert _manifest(archive)["engine"] == "postgresql"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite online backup API: SQLite only")
@pytest.mark.django_db
def test_on_sqlite_a_backup_inside_a_transaction_is_refused_not_left_waiting(stores):
    # The test's own open transaction would lock the pages the copy waits for, for ever.
    with pytest.raises(BackupError, match="cannot run inside a transaction"):
        backup.take_backup()
    assert backup.archives() == []


def test_a_missing_archive_is_refused(tmp_path, db):
    with pytest.raises(CommandError, match="No archive at"):
        call_command("restore", str(tmp_path / "commons-20260101T000000Z.tar"))
    with pytest.raises(DamagedArchive, match="is not a file"):
        verify(tmp_path)


@pytest.mark.parametrize("content", [b"", b"not a tar at all" * 100, b"\x00" * 10240])
def test_a_file_that_is_not_an_archive_is_refused(tmp_path, db, content):
    path = tmp_path / "commons-20260101T000000Z.tar"
    path.write_bytes(content)
    with pytest.raises(DamagedArchive):
        verify(path)


def _flip_a_byte(archive, name):
    info = _members(archive)[name]
    with archive.open("r+b") as raw:
        raw.seek(info.offset_data + info.size // 2)
        byte = raw.read(1)
        raw.seek(-1, io.SEEK_CUR)
        raw.write(bytes([byte[0] ^ 0x01]))


# One backup (a transactional test: the SQLite copy cannot run inside the test's transaction)
# serves every way of damaging it; each case starts again from the pristine bytes.
@pytest.mark.django_db(transaction=True)
def test_damaged_archives_and_a_full_database_are_refused_before_anything_changes(site_data, stores):
    result = backup.take_backup()
    archive = result.path

    event = AuditEvent.objects.get(action=AuditEvent.Action.BACKUP)
    assert event.detail["archive"] == archive.name
    assert event.detail["sha256"] == hashlib.sha256(archive.read_bytes()).hexdigest() == result.sha256
    assert event.detail["bytes"] == archive.stat().st_size
    assert event.detail["parts"]["research"]["files"] == 2
    assert event.detail["trigger"] == "command"

    pristine = archive.read_bytes()
    dump = database.DUMP_NAMES[database.engine()]
    for part, name in [
        ("database", dump),
        ("media", "media/images/photo.jpg"),
        ("protected", "protected/documents/minutes-2026.pdf"),
        ("research", "research/datasets/1/v1.csv"),
    ]:
        archive.write_bytes(pristine)
        _flip_a_byte(archive, name)
        with pytest.raises(DamagedArchive, match=re.escape(f"Part '{part}' is damaged: {name}")):
            verify(archive)
        # Checked before the database is: the refusal is about the archive, not the (full) database.
        with pytest.raises(CommandError, match=f"Part '{part}' is damaged"):
            call_command("restore", str(archive))

    archive.write_bytes(pristine[: len(pristine) // 2])
    with pytest.raises(DamagedArchive):
        verify(archive)

    archive.write_bytes(pristine)
    _rewrite(archive, drop={"research/runs/7/out.ipynb"})
    with pytest.raises(
        DamagedArchive, match=re.escape("Part 'research' is incomplete: research/runs/7/out.ipynb")
    ):
        verify(archive)

    archive.write_bytes(pristine)
    _rewrite(archive, add={"media/extra.txt": b"planted"})
    with pytest.raises(
        DamagedArchive, match=re.escape("'media/extra.txt', which its manifest does not list")
    ):
        verify(archive)

    archive.write_bytes(pristine)
    _rewrite(archive, drop={"manifest.json"})
    with pytest.raises(DamagedArchive, match="has no manifest"):
        verify(archive)

    def traversal(manifest):
        manifest["members"][-1]["name"] = "research/../../../etc/cron.d/evil"

    archive.write_bytes(pristine)
    _rewrite(archive, edit_manifest=traversal)
    with pytest.raises(DamagedArchive, match="not a safe name"):
        verify(archive)

    def planted_with_checksum(manifest):
        # A member added with a matching checksum still breaks its part's checksum.
        manifest["members"].append(
            {
                "name": "media/p.txt",
                "part": "media",
                "bytes": 7,
                "sha256": hashlib.sha256(b"planted").hexdigest(),
            }
        )

    archive.write_bytes(pristine)
    _rewrite(archive, edit_manifest=planted_with_checksum, add={"media/p.txt": b"planted"})
    with pytest.raises(DamagedArchive, match="part 'media''s checksum does not match"):
        verify(archive)

    archive.write_bytes(pristine)
    _rewrite(archive, edit_manifest=lambda manifest: manifest.update(version=99))
    with pytest.raises(DamagedArchive, match="format version 99"):
        verify(archive)

    # A dump of the other engine is refused before the database is looked at.
    other = "postgresql" if database.engine() == "sqlite" else "sqlite"

    def other_engine(manifest):
        manifest["engine"] = other
        for member in manifest["members"]:
            if member["name"] == dump:
                member["name"] = database.DUMP_NAMES[other]
        manifest["parts"]["database"] = part_summary(
            [m for m in manifest["members"] if m["part"] == "database"]
        )

    archive.write_bytes(pristine)
    _rewrite(archive, edit_manifest=other_engine, rename={dump: database.DUMP_NAMES[other]})
    with pytest.raises(BackupError, match=f"holds a {other} database; the configured database is"):
        restore(archive)

    # An intact archive, but the database is the live one: refused, and nothing is written.
    archive.write_bytes(pristine)
    call_command("restore", "--verify-only", str(archive), stdout=io.StringIO())
    assert verify(archive)["parts"]["research"]["files"] == 2
    for store in stores.values():
        for name in list(store.names()):
            store.storage.delete(name)
    users = User.objects.count()
    with pytest.raises(NotEmpty, match=r"the database has \d+ tables \(members_user: \d+ rows"):
        restore(archive)
    assert User.objects.count() == users
    assert all(store.is_empty() for store in stores.values())
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.RESTORED).exists()


@pytest.mark.django_db
def test_a_failed_backup_is_audited_leaves_no_partial_file_and_deletes_no_old_archive(stores, monkeypatch):
    folder = backup.backup_dir()
    folder.mkdir(parents=True)
    old = folder / "commons-20260101T000000Z.tar"
    old.write_bytes(b"an older archive")

    def dump_fails(path, alias="default"):
        path.write_bytes(b"half a dump")
        raise BackupError("pg_dump failed (exit 1): connection refused")

    monkeypatch.setattr(database, "dump", dump_fails)
    with pytest.raises(CommandError, match="connection refused"):
        call_command("backup", "--keep", "1")
    assert [path.name for path in folder.iterdir()] == [old.name]
    event = AuditEvent.objects.get(action=AuditEvent.Action.BACKUP_FAILED)
    assert "connection refused" in event.detail["error"]


@pytest.mark.django_db
def test_a_backup_folder_inside_a_file_store_is_refused(stores, settings):
    settings.BACKUP_DIR = settings.MEDIA_ROOT / "backups"
    with pytest.raises(BackupError, match="must not be inside a file store"):
        backup.take_backup()
    assert not (settings.MEDIA_ROOT / "backups").exists()


@pytest.mark.django_db
def test_two_fingerprints_of_unchanged_pages_with_streamfields_agree():
    """A StreamField's value is an object whose repr names where it lives in memory: the hash is
    over what the database stores, so two reads of the same rows agree, and an edit is seen."""
    from cms.models import PracticePage
    from tests.cms import factories as cms

    page = cms.practice(cms.index_pages()["practices"], title="Joint interviews with advocates")
    table = PracticePage._meta.db_table
    first = fingerprint(sample=5)["tables"][table]
    assert first == fingerprint(sample=5)["tables"][table]
    page.body = cms.body("Interview with the advocate present, and record who was in the room.")
    page.save()
    assert fingerprint(sample=5)["tables"][table]["sample_sha256"] != first["sample_sha256"]

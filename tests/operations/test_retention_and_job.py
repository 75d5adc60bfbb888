"""Retention keeps the newest BACKUP_KEEP archives and touches nothing else; the nightly job is registered."""

import os
import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from operations import backup, jobs
from operations.errors import BackupError
from scheduler.registry import jobs as registry

STAMPS = ["20261201T000010Z", "20261202T000012Z", "20261203T000009Z", "20261204T000011Z"]


@pytest.fixture
def folder(stores):
    path = backup.backup_dir()
    path.mkdir(parents=True)
    for stamp in STAMPS:
        (path / f"commons-{stamp}.tar").write_bytes(b"archive")
    return path


def test_retention_deletes_the_oldest_beyond_the_number_kept(folder):
    assert backup.prune(keep=2) == [f"commons-{STAMPS[0]}.tar", f"commons-{STAMPS[1]}.tar"]
    assert [path.name for path in backup.archives()] == [f"commons-{s}.tar" for s in STAMPS[2:]]
    assert backup.latest_archive() == folder / f"commons-{STAMPS[-1]}.tar"
    assert backup.prune(keep=2) == []


def test_retention_deletes_only_archives_of_ours_and_stale_partial_files(folder):
    strangers = ["notes.txt", "commons-latest.tar", "commons-20261201T000010Z.tar.gz", "other.tar"]
    for name in strangers:
        (folder / name).write_bytes(b"not ours")
    stale = folder / ".partial-commons-20261130T000000Z.tar"
    stale.write_bytes(b"half")
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (day_ago, day_ago))
    running = folder / ".partial-commons-20261205T000000Z.tar"
    running.write_bytes(b"a backup being written now")
    backup.prune(keep=1)
    left = sorted(path.name for path in folder.iterdir())
    assert left == sorted([*strangers, f"commons-{STAMPS[-1]}.tar", running.name])


@pytest.mark.parametrize("keep", [0, -3])
def test_retention_never_keeps_fewer_than_one(folder, keep):
    with pytest.raises(BackupError, match="at least one"):
        backup.prune(keep=keep)
    assert len(backup.archives()) == len(STAMPS)


def test_the_command_refuses_a_keep_below_one(folder, db):
    with pytest.raises(CommandError, match="--keep must be at least 1"):
        call_command("backup", "--keep", "0")
    assert len(backup.archives()) == len(STAMPS)


def test_retention_uses_the_setting_when_no_number_is_given(folder, settings):
    settings.BACKUP_KEEP = 3
    assert backup.prune() == [f"commons-{STAMPS[0]}.tar"]


def test_the_nightly_backup_is_a_daily_job_staff_can_turn_off(settings):
    job = registry.get("operations.nightly_backup")
    assert job.every == timedelta(days=1)
    settings.BACKUP_NIGHTLY = True
    assert job.is_enabled()
    settings.BACKUP_NIGHTLY = False
    assert not job.is_enabled()


def test_the_nightly_backup_takes_a_backup_then_applies_the_retention(folder, settings, monkeypatch):
    settings.BACKUP_KEEP = 2
    taken = []

    def take_backup(*, trigger, keep):
        taken.append((trigger, keep))
        return backup.BackupResult(path=folder / "commons-x.tar", bytes=0, sha256="", parts={}, pruned=[])

    monkeypatch.setattr(jobs, "take_backup", take_backup)
    assert jobs.nightly_backup() == "commons-x.tar"
    assert taken == [("scheduler", 2)]

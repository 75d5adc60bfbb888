"""The nightly backup, run by the scheduler, keeping BACKUP_KEEP archives."""

import logging
from datetime import timedelta

from django.conf import settings

from operations.backup import take_backup
from scheduler.registry import periodic

logger = logging.getLogger(__name__)


def nightly_backups_enabled() -> bool:
    return bool(settings.BACKUP_NIGHTLY)


# Daily periods start at 00:00 UTC (scheduler.registry): the backup runs just after midnight.
@periodic(name="operations.nightly_backup", every=timedelta(days=1), when=nightly_backups_enabled)
def nightly_backup():
    result = take_backup(trigger="scheduler", keep=settings.BACKUP_KEEP)
    logger.info("Nightly backup %s; retention deleted %d.", result.path.name, len(result.pruned))
    return result.path.name

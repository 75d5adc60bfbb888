"""Members' periodic jobs, run by the scheduler."""

import logging
from datetime import timedelta

from members.services import deactivate_inactive_accounts
from scheduler.registry import periodic

logger = logging.getLogger(__name__)


@periodic(name="members.deactivate_inactive", every=timedelta(days=1))
def deactivate_inactive():
    """Disable accounts unused for INACTIVE_ACCOUNT_DAYS (the CJIS inactivity rule)."""
    count = deactivate_inactive_accounts()
    logger.info("Deactivated %d inactive account(s).", count)
    return count

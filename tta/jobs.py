"""TTA's periodic jobs, run by the scheduler."""

import logging
from datetime import timedelta

from scheduler.registry import periodic
from tta.reminders import email_overdue_requests

logger = logging.getLogger(__name__)


@periodic(name="tta.overdue_reminders", every=timedelta(days=1))
def overdue_reminders():
    """Email each assignee the requests that have sat in one status past its service target."""
    count = email_overdue_requests()
    logger.info("Sent %d overdue TTA reminder(s).", count)
    return count

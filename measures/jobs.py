"""Measures' periodic jobs, run by the scheduler."""

import logging
from datetime import timedelta

from measures.reminders import send_due_reminders
from scheduler.registry import periodic

logger = logging.getLogger(__name__)


# Hourly: the reminders are daily in spirit, but a pass that finds nothing writes nothing, and an
# hour's period means a scheduler restarted mid-morning still sends them the same day.
@periodic(name="measures.report_reminders", every=timedelta(hours=1))
def report_reminders():
    """Email reporters 7 days before a quarter's due date and 1 day after it, while unsubmitted."""
    count = send_due_reminders()
    logger.info("Sent %d reporting reminder(s).", count)
    return count

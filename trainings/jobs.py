"""Trainings' periodic jobs, run by the scheduler."""

import logging
from datetime import timedelta

from scheduler.registry import periodic
from trainings.reminders import send_due_reminders

logger = logging.getLogger(__name__)


# Every five minutes: an hour reminder goes out between 60 and 55 minutes before the start.
@periodic(name="trainings.event_reminders", every=timedelta(minutes=5))
def event_reminders():
    """Email registered attendees one day and one hour before their event."""
    count = send_due_reminders()
    logger.info("Sent %d training reminder(s).", count)
    return count


# The evaluations package registers its own job; importing it here is what loads it.
from trainings.evaluations import jobs as _evaluation_jobs  # noqa: E402, F401

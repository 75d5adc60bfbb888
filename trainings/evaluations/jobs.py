"""The evaluations' periodic job, run by the scheduler: invite attendees once their event has ended."""

import logging
from datetime import timedelta

from scheduler.registry import periodic
from trainings.evaluations.invitations import send_due_invitations

logger = logging.getLogger(__name__)


@periodic(name="trainings.evaluation_invitations", every=timedelta(minutes=15))
def evaluation_invitations():
    """Email each attendee of a recently ended event a link to its evaluation, once."""
    count = send_due_invitations()
    logger.info("Sent %d evaluation invitation(s).", count)
    return count

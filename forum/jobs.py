"""The forum's periodic jobs, run by the scheduler: the daily email digest."""

import logging
from datetime import timedelta

from forum.notifications import services as notifications
from scheduler.registry import periodic

logger = logging.getLogger(__name__)


@periodic(name="forum.daily_digest", every=timedelta(days=1))
def daily_digest():
    """Email each member who chose the digest what they have not read. Safe to run twice a day: one email."""
    sent = notifications.send_daily_digests()
    logger.info("Sent %d forum digest(s).", sent)
    return sent

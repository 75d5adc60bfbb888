"""Signals measures sends to the layers above it (research listens; measures imports none of them).

``report_accepted`` is sent once the transaction that accepted a report has committed, so a
receiver that queues work (research building a new dataset version) never sees a rolled-back
acceptance. Receivers get ``report_id``, ``period_id`` and ``task_force_id``.
"""

from django.db import transaction
from django.dispatch import Signal

report_accepted = Signal()


def decided(report) -> None:
    """Called by ``measures.services`` after a staff decision; announces acceptances on commit."""
    from measures.models import Report, ReportStatus

    if report.status != ReportStatus.ACCEPTED:
        return
    payload = {"report_id": report.pk, "period_id": report.period_id, "task_force_id": report.task_force_id}
    transaction.on_commit(lambda: report_accepted.send(sender=Report, **payload))

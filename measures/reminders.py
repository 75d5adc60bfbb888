"""Reporting reminders: 7 days before a quarter's due date and 1 day after it, while unsubmitted.

Who: the coordinator and the designated data reporters of each active task force whose report
for an open quarter is not submitted or accepted (no report yet, a draft, or returned). The
scheduler runs this every hour, and two scheduler processes may both run it: a reminder is
claimed by inserting its ``ReportReminder`` row first, whose unique key (reporter, quarter,
kind) lets exactly one process insert it, and only that one sends. A reminder whose email then
fails is not retried: at most once, as promised (a duplicate nags; a lost one is one email).

A reminder is sent inside a window, not on one exact day, so a scheduler that was down for a
while still sends it on its next pass: "before" from 7 days ahead until the due date, "after"
from 1 day late until 8 days late (after that staff follow up themselves, not the robot).
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from measures.models import Report, ReportingPeriod, ReportReminder, ReportStatus
from members.models import TaskForce, User
from members.roles import MEMBER

logger = logging.getLogger(__name__)

BEFORE_DAYS = 7
AFTER_DAYS = 1
LATE_WINDOW_DAYS = 8
DONE = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


def due_periods(kind: str, today: date):
    """Open quarters whose reminder of this kind is due today."""
    periods = ReportingPeriod.objects.filter(is_closed=False)
    if kind == ReportReminder.Kind.BEFORE:
        return periods.filter(due_on__gt=today, due_on__lte=today + timedelta(days=BEFORE_DAYS))
    return periods.filter(
        due_on__lte=today - timedelta(days=AFTER_DAYS), due_on__gte=today - timedelta(days=LATE_WINDOW_DAYS)
    )


def recipients(period: ReportingPeriod, kind: str):
    """Reporters of active task forces with nothing submitted for ``period``, not yet reminded."""
    done = Report.objects.filter(task_force=OuterRef("task_force_id"), period=period, status__in=DONE)
    reminded = ReportReminder.objects.filter(user=OuterRef("pk"), period=period, kind=kind)
    return (
        User.objects.filter(
            status=User.Status.APPROVED,
            is_active=True,
            task_force__is_active=True,
            groups__name=MEMBER,
        )
        .filter(Q(is_coordinator=True) | Q(data_reporter__task_force_id=F("task_force_id")))
        .filter(~Exists(done), ~Exists(reminded))
        .select_related("task_force")
        .distinct()
        .order_by("task_force_id", "pk")
    )


def claim(user, period: ReportingPeriod, kind: str) -> bool:
    """True when this process wrote the marker, so it alone sends the reminder."""
    try:
        with transaction.atomic():
            ReportReminder.objects.create(
                user=user, period=period, kind=kind, task_force_id=user.task_force_id
            )
    except IntegrityError:
        return False
    return True


def send_reminder(user, period: ReportingPeriod, kind: str) -> None:
    report = Report.objects.filter(task_force_id=user.task_force_id, period=period).first()
    late = kind == ReportReminder.Kind.AFTER
    subject = (
        f"The {period} performance report is overdue"
        if late
        else f"The {period} performance report is due {period.due_on:%B} {period.due_on.day}"
    )
    body = render_to_string(
        "measures/email/reminder.txt",
        {
            "user": user,
            "period": period,
            "late": late,
            "task_force": user.task_force,
            "status": report.get_status_display().lower() if report else "not started",
            "returned": bool(report and report.status == ReportStatus.RETURNED),
            "report_url": settings.SITE_URL + reverse("measures:report", args=[period.year, period.quarter]),
            "import_url": settings.SITE_URL + reverse("measures:import", args=[period.year, period.quarter]),
        },
    )
    EmailMessage(subject, body, None, [user.email]).send()


def send_due_reminders(now=None) -> int:
    today = timezone.localdate(now or timezone.now())
    if not TaskForce.objects.filter(is_active=True).exists():
        return 0
    sent = 0
    for kind in (ReportReminder.Kind.BEFORE, ReportReminder.Kind.AFTER):
        for period in due_periods(kind, today):
            for user in recipients(period, kind):
                if not claim(user, period, kind):
                    continue
                try:
                    send_reminder(user, period, kind)
                except Exception:
                    logger.exception(
                        "Reporting reminder %s for user %s, %s was not sent.", kind, user.pk, period
                    )
                    continue
                sent += 1
    return sent

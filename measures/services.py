"""What people do with reports: save, submit, accept, return, correct; designate reporters.

Every change runs with the report row locked and names the ``version`` the person saw, so a
double click or two staff acting at once cannot lose an update: the second is refused with a
``Conflict`` that says what happened. Every submission, return, acceptance and correction is
kept in the report's history and in the audit log.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from config.errors import Conflict, NotPermitted, ServiceError
from forum.privacy import kinds_found
from measures import access, signals_out
from measures.checks import Checked, check, parse
from measures.models import (
    DataReporter,
    Figure,
    Measure,
    Report,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    accepted_figures,
)
from members import audit
from members.models import AuditEvent

COMMENT_LIMIT = 2000
EXPLANATION_LIMIT = 500


def measures_of(period: ReportingPeriod) -> list[Measure]:
    return list(period.measure_set.measures.order_by("position", "pk"))


def report_for(task_force, period: ReportingPeriod) -> Report:
    """The task force's report for the period, created as an empty draft on first use."""
    report, _ = Report.objects.get_or_create(task_force=task_force, period=period)
    return report


def previous_values(report: Report) -> dict[str, int]:
    """Last quarter's accepted figures of this task force, by measure code (codes carry across versions)."""
    before = report.period.previous()
    if before is None or report.task_force_id is None:
        return {}
    rows = (
        accepted_figures()
        .filter(report__task_force_id=report.task_force_id, report__period=before)
        .values_list("measure__code", "accepted_value")
    )
    return {code: value for code, value in rows if value is not None}


def entries(report: Report) -> tuple[dict[str, str], dict[str, str]]:
    """What was typed, and the explanations, by measure code."""
    raws, explanations = {}, {}
    if report.pk is None:
        return raws, explanations
    for code, raw, explanation in report.figures.values_list("measure__code", "raw", "explanation"):
        raws[code], explanations[code] = raw, explanation
    return raws, explanations


def check_report(report: Report, measures=None, raws=None, explanations=None, previous=None) -> Checked:
    measures = measures if measures is not None else measures_of(report.period)
    if raws is None:
        raws, explanations = entries(report)
    if previous is None:
        previous = previous_values(report)
    return check(measures, raws, explanations or {}, previous, report.period.change_factor)


def _clean_text(text: str, limit: int, what: str, field: str) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise ServiceError(f"The {what} is {len(text):,} characters; keep it under {limit:,}.", field=field)
    found = kinds_found(text)
    if found:
        raise ServiceError(
            f"The {what} looks like it holds a {', '.join(found)}. Reports carry only counts: "
            "remove anything about a person or a case.",
            field=field,
        )
    return text


def _locked(report: Report, expected_version: int | None) -> Report:
    locked = Report.objects.select_for_update().select_related("period").get(pk=report.pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            "Someone changed this report since you opened it (or it was already sent). "
            "Here it is as it stands now: check it and try again."
        )
    return locked


def save(
    user,
    report: Report,
    raws: dict[str, str],
    explanations: dict[str, str],
    comment: str = "",
    *,
    expected_version: int | None = None,
) -> Checked:
    """Keep what was typed, exactly, and return the checks' outcome (saving never refuses a figure)."""
    if not access.is_reporter(user, report.task_force_id):
        raise NotPermitted(
            "Only the task force's coordinator or a designated data reporter fills in reports."
        )
    measures = measures_of(report.period)
    problems = {}
    cleaned_explanations = {}
    for measure in measures:
        try:
            cleaned_explanations[measure.code] = _clean_text(
                explanations.get(measure.code, ""), EXPLANATION_LIMIT, "explanation", measure.code
            )
        except ServiceError as error:
            problems[measure.code] = str(error)
            cleaned_explanations[measure.code] = ""
    comment = _clean_text(comment, COMMENT_LIMIT, "comment", "comment")
    with transaction.atomic():
        locked = _locked(report, expected_version)
        if not locked.is_editable:
            raise Conflict(_not_editable(locked))
        existing = {f.measure_id: f for f in locked.figures.all()}
        to_create: list[Figure] = []
        to_update: list[Figure] = []
        for measure in measures:
            raw = (raws.get(measure.code) or "")[:40]
            figure = existing.get(measure.pk) or Figure(report=locked, measure=measure)
            figure.raw, figure.value = raw, parse(raw)[0]
            figure.explanation = cleaned_explanations[measure.code]
            (to_update if figure.pk else to_create).append(figure)
        Figure.objects.bulk_create(to_create)
        Figure.objects.bulk_update(to_update, ["raw", "value", "explanation"])
        locked.comment = comment
        locked.version += 1
        locked.save(update_fields=["comment", "version", "updated_at"])
    report.version, report.comment = locked.version, comment
    checked = check_report(locked, measures)
    for code, message in problems.items():
        checked.problems[code].append(message)
    return checked


def _not_editable(report: Report) -> str:
    if report.period.is_closed:
        return f"Reporting for {report.period} is closed: ask TTA staff if a figure must change."
    return f"This report is {report.get_status_display().lower()}: it cannot be changed now."


def submit(user, report: Report, *, expected_version: int) -> Report:
    if not access.is_reporter(user, report.task_force_id):
        raise NotPermitted("Only the task force's coordinator or a designated data reporter submits reports.")
    with transaction.atomic():
        locked = _locked(report, expected_version)
        if not locked.is_editable:
            raise Conflict(_not_editable(locked))
        checked = check_report(locked)
        missing = [
            code for code, value in checked.values.items() if value is None and not checked.problems.get(code)
        ]
        if checked.blocking or missing:
            raise ServiceError(
                "Fix the figures marked below, and fill in every figure (0 if none), then submit."
            )
        locked.status = ReportStatus.SUBMITTED
        locked.submitted_at, locked.submitted_by = timezone.now(), user
        locked.version += 1
        locked.save()
        _history(locked, ReportEvent.Action.SUBMITTED, user)
    return locked


def accept(user, report: Report, *, expected_version: int) -> Report:
    return _decide(user, report, expected_version, ReportStatus.ACCEPTED, ReportEvent.Action.ACCEPTED, "")


def return_for_changes(user, report: Report, comment: str, *, expected_version: int) -> Report:
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError(
            "Say what needs to change, so the reporter knows what to fix.", field="staff_comment"
        )
    if len(comment) > COMMENT_LIMIT:
        raise ServiceError(f"Keep the comment under {COMMENT_LIMIT:,} characters.", field="staff_comment")
    return _decide(
        user, report, expected_version, ReportStatus.RETURNED, ReportEvent.Action.RETURNED, comment
    )


def _decide(user, report, expected_version, status, action, comment):
    if not access.can_decide(user):
        raise NotPermitted("Only TTA staff accept or return reports.")
    with transaction.atomic():
        locked = _locked(report, expected_version)
        if locked.status != ReportStatus.SUBMITTED:
            raise Conflict(
                f"This report is {locked.get_status_display().lower()}: there is nothing to decide."
            )
        locked.status = status
        locked.staff_comment = comment
        locked.decided_at, locked.decided_by = timezone.now(), user
        locked.version += 1
        if status == ReportStatus.ACCEPTED:
            # This revision's figures become the accepted ones (a correction's replace the last).
            locked.figures.update(accepted_value=F("value"))
            locked.accepted_revision = locked.revision
        locked.save()
        _history(locked, action, user, comment)
        signals_out.decided(locked)
    return locked


def open_correction(user, report: Report, reason: str, *, expected_version: int) -> Report:
    """After acceptance, a correction is a new revision, with a reason; it goes through review again."""
    if not access.is_reporter(user, report.task_force_id):
        raise NotPermitted(
            "Only the task force's coordinator or a designated data reporter corrects reports."
        )
    reason = _clean_text(reason, COMMENT_LIMIT, "reason", "reason")
    if not reason:
        raise ServiceError("Say why the accepted figures need correcting.", field="reason")
    with transaction.atomic():
        locked = _locked(report, expected_version)
        if locked.status != ReportStatus.ACCEPTED:
            raise Conflict(
                "Only an accepted report is corrected; this one can still be edited or is in review."
            )
        if locked.period.is_closed:
            raise Conflict(_not_editable(locked))
        locked.status = ReportStatus.DRAFT
        locked.revision += 1
        locked.version += 1
        locked.save()
        _history(locked, ReportEvent.Action.CORRECTION, user, reason)
    return locked


def _history(report: Report, action: str, user, note: str = "") -> None:
    ReportEvent.objects.create(report=report, action=action, revision=report.revision, actor=user, note=note)
    audit.record(
        AuditEvent.Action.PERFORMANCE_REPORT,
        actor=user,
        subject=user,
        what=f"performance report {action}",
        report=report.pk,
        task_force=report.task_force_id,
        period=str(report.period),
        revision=report.revision,
    )


def designate_reporter(user, member) -> DataReporter:
    if not access.can_designate_reporters(user, user.task_force_id):
        raise NotPermitted("Only the task force's coordinator designates data reporters.")
    if not access.belongs_to(member, user.task_force_id):
        raise ServiceError("A data reporter must be a current member of your task force.", field="member")
    reporter, _ = DataReporter.objects.update_or_create(
        user=member, defaults={"task_force_id": user.task_force_id, "designated_by": user}
    )
    return reporter


def remove_reporter(user, member) -> bool:
    """True when the member was one of the task force's data reporters and no longer is."""
    if not access.can_designate_reporters(user, user.task_force_id):
        raise NotPermitted("Only the task force's coordinator designates data reporters.")
    removed, _ = DataReporter.objects.filter(user=member, task_force_id=user.task_force_id).delete()
    return bool(removed)

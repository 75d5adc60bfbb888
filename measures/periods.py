"""What TTA staff do with reporting periods and measure-set versions.

A period is a quarter: staff open it on a measure-set version (pinned from then on), set its due
date and the change factor its checks use, and close or reopen it. A new measure-set version is a
copy of the latest with edits (a measure added, retired or redefined); earlier quarters keep the
version they were opened with, so what they meant never changes. Every change is audited like
the reports' decisions, and a double click is refused or harmless, never a second copy.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction

from config.errors import Conflict, NotPermitted, ServiceError
from measures import access
from measures.models import Measure, MeasureSet, ReportingPeriod, ReportStatus
from members import audit
from members.models import AuditEvent

FACTOR_ABOVE = Decimal("1")
FACTOR_AT_MOST = Decimal("100")
DUE_WITHIN_DAYS = 365  # after the quarter ends: a due date further out is a typing mistake
UNFINISHED = (ReportStatus.DRAFT, ReportStatus.RETURNED, ReportStatus.SUBMITTED)


def _allowed(user) -> None:
    if not access.can_manage_periods(user):
        raise NotPermitted("Only TTA staff manage reporting periods and measure sets.")


def _audit(user, what: str, **detail) -> None:
    audit.record(AuditEvent.Action.PERFORMANCE_REPORT, actor=user, subject=user, what=what, **detail)


def quarter_ends(year: int, quarter: int) -> datetime.date:
    first_of_next = datetime.date(year + (quarter == 4), quarter % 4 * 3 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def check_due(year: int, quarter: int, due_on: datetime.date) -> None:
    """A due date after the quarter ends (a report cannot be due before its quarter is over)."""
    ends = quarter_ends(year, quarter)
    if due_on <= ends:
        raise ServiceError(
            f"The due date must come after the quarter ends ({ends:%b} {ends.day}, {ends.year}).",
            field="due_on",
        )
    if (due_on - ends).days > DUE_WITHIN_DAYS:
        raise ServiceError(
            f"The due date is more than a year after the quarter ends ({ends:%b} {ends.day}, {ends.year}): "
            "check the year.",
            field="due_on",
        )


def check_factor(factor: Decimal) -> Decimal:
    """The factor as stored (two decimals), or a ``ServiceError`` saying what is wrong with it."""
    if not factor.is_finite() or not factor > FACTOR_ABOVE:
        raise ServiceError(
            "The change factor must be more than 1 (3 means a figure three times last quarter's, "
            "or a third of it, asks for a reason).",
            field="change_factor",
        )
    if factor > FACTOR_AT_MOST:
        raise ServiceError(
            f"A change factor over {FACTOR_AT_MOST} would never ask for a reason: choose a smaller one.",
            field="change_factor",
        )
    return factor.quantize(Decimal("0.01"))


def open_period(
    user, year: int, quarter: int, due_on, change_factor: Decimal, measure_set: MeasureSet
) -> ReportingPeriod:
    """A new quarter on ``measure_set``: refused, with a message, if that quarter exists already."""
    _allowed(user)
    check_due(year, quarter, due_on)
    change_factor = check_factor(change_factor)
    try:
        with transaction.atomic():
            period = ReportingPeriod.objects.create(
                year=year,
                quarter=quarter,
                due_on=due_on,
                change_factor=change_factor,
                measure_set=measure_set,
            )
            _audit(
                user,
                "reporting period opened",
                period=str(period),
                measure_set=measure_set.version,
                due_on=due_on.isoformat(),
                change_factor=str(change_factor),
            )
    except IntegrityError:
        # Two staff (or one double click) opening the same quarter: the unique constraint decides.
        raise ServiceError(
            f"{year} Q{quarter} already exists: open it from the list.", field="quarter"
        ) from None
    return period


def update_period(user, period: ReportingPeriod, due_on, change_factor: Decimal) -> ReportingPeriod:
    _allowed(user)
    check_due(period.year, period.quarter, due_on)
    change_factor = check_factor(change_factor)
    with transaction.atomic():
        locked = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        before = {"due_on": locked.due_on.isoformat(), "change_factor": str(locked.change_factor)}
        locked.due_on, locked.change_factor = due_on, change_factor
        locked.save(update_fields=["due_on", "change_factor"])
        after = {"due_on": due_on.isoformat(), "change_factor": str(locked.change_factor)}
        if before != after:
            _audit(user, "reporting period changed", period=str(locked), before=before, after=after)
    return locked


def unfinished_reports(period: ReportingPeriod) -> int:
    """Reports of the period not yet accepted: closing leaves them as they are, unfinished."""
    return period.reports.filter(status__in=UNFINISHED).count()


def set_closed(user, period: ReportingPeriod, closed: bool, *, confirmed: bool = False) -> ReportingPeriod:
    """Close (or reopen) the period. Closing over unfinished reports needs ``confirmed``: the
    ``Conflict`` says how many, so the page can ask."""
    _allowed(user)
    with transaction.atomic():
        locked = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if locked.is_closed == closed:
            return locked  # a double click, or someone else did it first: nothing to do
        if closed and not confirmed:
            waiting = unfinished_reports(locked)
            if waiting:
                raise Conflict(
                    f"{waiting} report{'s' if waiting != 1 else ''} for {locked} "
                    f"{'are' if waiting != 1 else 'is'} not accepted yet. Once closed, reporters "
                    "cannot change or submit them. Close anyway?"
                )
        locked.is_closed = closed
        locked.save(update_fields=["is_closed"])
        _audit(
            user,
            "reporting period closed" if closed else "reporting period reopened",
            period=str(locked),
            unfinished_reports=unfinished_reports(locked),
        )
    return locked


# Measure-set versions ---------------------------------------------------------------------------


@dataclass
class NewMeasure:
    code: str
    name: str
    definition: str
    unit: str = "count"
    parent_code: str = ""
    breakdown: str = ""


@dataclass
class SetEdits:
    """What changes from the version it is based on; measures not named are copied as they are."""

    title: str
    based_on: int
    retire: set[str] = field(default_factory=set)
    definitions: dict[str, str] = field(default_factory=dict)  # code -> new definition
    add: list[NewMeasure] = field(default_factory=list)


def latest_set() -> MeasureSet | None:
    return MeasureSet.objects.order_by("-version").first()


def _retired_with_parts(measures, retire: set[str]) -> set[str]:
    """A retired total takes its breakdown with it: a part cannot outlive what it breaks down."""
    codes = set(retire)
    by_pk = {m.pk: m for m in measures}
    for m in measures:
        if m.parent_id and by_pk[m.parent_id].code in codes:
            codes.add(m.code)
    return codes


def new_set_version(user, edits: SetEdits) -> MeasureSet:
    """A copy of version ``edits.based_on`` with the edits, as the next version number.

    Based on anything but the latest version (an old page, a double click) is a ``Conflict``: the
    person sees the new latest before changing it again."""
    _allowed(user)
    title = edits.title.strip()
    if not title:
        raise ServiceError("Give the version a title.", field="title")
    try:
        return _copy_with_edits(user, edits, title)
    except IntegrityError:
        # Two staff at once: both locked the same latest row, the first made the next version and
        # the unique version number refuses the second. Say so, as for a stale form.
        raise Conflict(
            "Someone else created a new version at the same moment: here is the latest; make your "
            "changes to it."
        ) from None


def _copy_with_edits(user, edits: SetEdits, title: str) -> MeasureSet:
    with transaction.atomic():
        latest = MeasureSet.objects.select_for_update().order_by("-version").first()
        if latest is None or latest.version != edits.based_on:
            raise Conflict(
                f"Version {latest.version if latest else '?'} is now the latest (perhaps this form was "
                "sent twice): here it is; make your changes to it."
            )
        measures = list(latest.measures.order_by("position", "pk"))
        known = {m.code for m in measures}
        unknown = edits.retire - known
        if unknown:
            raise ServiceError(f"No measure {', '.join(sorted(unknown))} in this version.", field="retire")
        retired = _retired_with_parts(measures, edits.retire)
        if retired == known and not edits.add:
            raise ServiceError("A version needs at least one measure.", field="retire")
        for new in edits.add:
            if new.code in known - retired:
                raise ServiceError(f"A measure with the code {new.code} is already in the set.", field="code")
            if new.parent_code and new.parent_code not in known - retired:
                raise ServiceError(
                    "The total it breaks down must be a measure kept in the set.", field="parent"
                )
        created = MeasureSet.objects.create(version=latest.version + 1, title=title)
        copied: dict[int, Measure] = {}
        position = 0
        for m in measures:
            if m.code in retired:
                continue
            position = m.position
            copied[m.pk] = Measure.objects.create(
                measure_set=created,
                code=m.code,
                name=m.name,
                definition=(edits.definitions.get(m.code) or m.definition).strip(),
                unit=m.unit,
                parent=copied.get(m.parent_id),
                breakdown=m.breakdown,
                position=m.position,
            )
        by_code = {m.code: m for m in copied.values()}
        for n, new in enumerate(edits.add, start=1):
            by_code[new.code] = Measure.objects.create(
                measure_set=created,
                code=new.code,
                name=new.name,
                definition=new.definition,
                unit=new.unit or "count",
                parent=by_code.get(new.parent_code),
                breakdown=new.breakdown if new.parent_code else "",
                position=position + n,
            )
        changed = sorted(c for c, d in edits.definitions.items() if c in by_code and d.strip())
        _audit(
            user,
            "measure set version created",
            measure_set=created.version,
            based_on=latest.version,
            retired=sorted(retired),
            added=[new.code for new in edits.add],
            redefined=[c for c in changed if by_code[c].definition != _definition(measures, c)],
        )
    return created


def _definition(measures, code) -> str:
    return next((m.definition for m in measures if m.code == code), "")

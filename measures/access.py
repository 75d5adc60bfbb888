"""Who may see or do what with performance measures: the one place these rules live.

A task force's reports and figures belong to it: its members read them, its coordinator and
the members the coordinator designates as data reporters fill them in and submit them, TTA
staff read everything and accept or return reports. Another task force sees nothing of them;
only suppressed aggregates (peer medians over at least 5 task forces) reach anyone else.
"""

from members.access import in_group, is_member
from members.roles import TTA_STAFF


def is_staff(user) -> bool:
    return is_member(user) and in_group(user, TTA_STAFF)


def belongs_to(user, task_force_id) -> bool:
    return is_member(user) and task_force_id is not None and user.task_force_id == task_force_id


def can_view_reports(user, task_force_id) -> bool:
    return is_staff(user) or belongs_to(user, task_force_id)


def can_see_measures(user) -> bool:
    """The measures section: a member of a task force, or staff."""
    return is_staff(user) or (is_member(user) and user.task_force_id is not None)


def is_reporter(user, task_force_id) -> bool:
    if not belongs_to(user, task_force_id):
        return False
    if user.is_coordinator:
        return True
    from measures.models import DataReporter

    return DataReporter.objects.filter(user=user, task_force_id=task_force_id).exists()


def can_designate_reporters(user, task_force_id) -> bool:
    return belongs_to(user, task_force_id) and user.is_coordinator


def can_decide(user) -> bool:
    """Accept or return a submitted report."""
    return is_staff(user)


def can_manage_periods(user) -> bool:
    return is_staff(user)


def _section_allowed(user) -> bool:
    return can_see_measures(user)


# Page gates, built like every app's (anonymous to log-in, pending to review, others a 403).
def _gates():
    from members.access import requires

    return (
        requires(_section_allowed, "Performance measures are for task force members and TTA staff."),
        requires(is_staff, "Only TTA staff can see this page."),
    )


measures_members_only, staff_only = _gates()


# Seeing the figures (trends, peer medians, staff totals, signals).
def can_see_trends(user, task_force_id) -> bool:
    """A task force's trends and signals: its own members, and TTA staff."""
    return can_view_reports(user, task_force_id)


def can_see_totals(user) -> bool:
    """Totals over every task force, by region and quarter, and their CSV: TTA staff only."""
    return is_staff(user)


def can_import(user, task_force_id) -> bool:
    """Import a spreadsheet into the report: the same people who fill it in."""
    return is_reporter(user, task_force_id)


def can_download_template(user) -> bool:
    """The blank template holds only the measure set's codes and names: anyone in the section."""
    return can_see_measures(user)

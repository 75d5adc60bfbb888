"""The measures rows of the access matrix: expected statuses, and URLs built on the matrix's users."""

from tests import access_rules as rules
from tests.factories import ROLES
from tests.measures.factories import period, submitted_report

STAFF_ONLY = {
    **dict.fromkeys(ROLES, 403),
    "anonymous": 302,
    "pending": 302,
    "tta_staff": 200,
    "superuser": 200,
}
POST_ONLY = dict.fromkeys(ROLES, 405)
# A quarter with no report yet: its reporters (the coordinator) get the empty form; everyone else
# is told there is no report (404), whatever task force they are in.
NEW_QUARTER = {**dict.fromkeys(ROLES, 404), "anonymous": 302, "pending": 302, "coordinator": 200}
# A submitted report of the Central Ohio task force: its members read it, another task force has
# its own (no) report for that quarter.
OWN_QUARTER = {**rules.MEMBERS, "other_task_force_member": 404}


def new_quarter(users):
    found = period(2030, 1)
    return f"/measures/{found.year}/q{found.quarter}/"


def submitted_quarter(users):
    report = submitted_report(users["coordinator"], period(2030, 2))
    return f"/measures/{report.period.year}/q{report.period.quarter}/"


def staff_report(suffix=""):
    def url(users):
        report = submitted_report(users["coordinator"], period(2030, 3))
        return f"/measures/staff/reports/{report.pk}/{suffix}"

    return url

"""The access matrix rows of the measures figures pages: trends, staff totals, CSV and signals."""

from tests import access_rules as rules
from tests.measures.access_rules import STAFF_ONLY

# A guessed task force: the staff gate answers first (403 for members), then staff get a 404.
GUESSED = {**STAFF_ONLY, "tta_staff": 404, "superuser": 404}


def staff_trends(key):
    def url(users):
        return f"/measures/staff/task-forces/{users[key].pk}/trends/"

    return url


ROUTES = [
    # A member's own task force only: the URL names none, so there is nothing to guess.
    ("measures our trends", "/measures/trends/", rules.MEMBERS),
    ("measures staff trends of a task force", staff_trends("_task_force"), STAFF_ONLY),
    ("measures staff trends of another task force", staff_trends("_other_task_force"), STAFF_ONLY),
    ("measures staff trends of a guessed task force", "/measures/staff/task-forces/999999/trends/", GUESSED),
    ("measures staff totals", "/measures/staff/totals/", STAFF_ONLY),
    ("measures staff totals, hostile measure", "/measures/staff/totals/?measure=%3Cscript%3E", STAFF_ONLY),
    ("measures staff totals CSV", "/measures/staff/totals.csv", STAFF_ONLY),
    ("measures staff signals", "/measures/staff/signals/", STAFF_ONLY),
]

"""The access matrix rows of the staff screens for reporting periods and measure-set versions.

TTA staff only: anonymous to log-in, pending to review, every other role (a member, a coordinator,
another task force, the other staff roles) a 403; a guessed id is a 403 for them too (the staff gate
answers first) and a 404 for staff. Every change is a POST: a GET is a 405 for everyone.
"""

from tests.measures.access_rules import POST_ONLY, STAFF_ONLY
from tests.measures.factories import period
from tests.measures.figure_access_rules import GUESSED


def _period_url(suffix=""):
    def url(users):
        return f"/measures/staff/periods/{period(2030, 1).pk}/{suffix}"

    return url


ROUTES = [
    ("measures staff periods", "/measures/staff/periods/", STAFF_ONLY),
    ("measures staff a period", _period_url(), STAFF_ONLY),
    ("measures staff a guessed period", "/measures/staff/periods/999999/", GUESSED),
    ("measures staff measure sets", "/measures/staff/sets/", STAFF_ONLY),
    ("measures staff a measure set", "/measures/staff/sets/1/", STAFF_ONLY),
    ("measures staff a guessed measure set", "/measures/staff/sets/999/", GUESSED),
    ("measures staff new measure set", "/measures/staff/sets/new/", STAFF_ONLY),
    *(
        (f"measures staff {name} (POST only)", url, POST_ONLY)
        for name, url in (
            ("open a period", "/measures/staff/periods/new/"),
            ("period settings", _period_url("settings/")),
            ("close a period", _period_url("close/")),
            ("reopen a period", _period_url("reopen/")),
            ("guessed period close", "/measures/staff/periods/999999/close/"),
        )
    ),
]

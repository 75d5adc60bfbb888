"""Expected responses per access class, shared by the access matrix of every app.

Each class maps a role (see tests.factories.ROLES) to the status code a request
by that role must get. A route in the matrix names its class, or gives its own map.
"""

from tests.factories import ROLES

LOGIN = 302  # anonymous: sent to log in
PENDING = 302  # pending applicant: sent to "under review"

PUBLIC = dict.fromkeys(ROLES, 200)

MEMBERS = {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN, "pending": PENDING}

RESEARCH = {
    **dict.fromkeys(ROLES, 403),
    "anonymous": LOGIN,
    "pending": PENDING,
    "researcher": 200,
    "tta_staff": 200,
    "superuser": 200,
}

# The Wagtail admin: people in a staff group get in; other members are told
# no (403); anonymous users go to the one log-in, pending ones to their notice.
ADMIN = {
    **dict.fromkeys(ROLES, 403),
    "anonymous": 302,
    "pending": 302,
    "moderator": 200,
    "editor": 200,
    "reviewer": 200,
    "tta_staff": 200,
    "membership_admin": 200,
    "superuser": 200,
}

# The membership screens in the admin: membership admins and superusers only;
# every other signed-in person is told no (403), staff included.
MEMBERSHIP_ADMIN = {
    **dict.fromkeys(ROLES, 403),
    "anonymous": LOGIN,
    "pending": PENDING,
    "membership_admin": 200,
    "superuser": 200,
}


# Wagtail's own permission-checked admin views: staff without the permission
# are sent back to the dashboard with a message (Wagtail's 302); members who
# are not staff never get into the admin (403).
def wagtail_admin_view(*allowed):
    return {
        **dict.fromkeys(ROLES, 403),
        "anonymous": LOGIN,
        "pending": PENDING,
        **dict.fromkeys(["moderator", "editor", "reviewer", "tta_staff", "membership_admin"], 302),
        **dict.fromkeys(allowed, 200),
        "superuser": 200,
    }


SIGNED_IN = {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}
ANONYMOUS_ONLY = {**dict.fromkeys(ROLES, 302), "anonymous": 200}

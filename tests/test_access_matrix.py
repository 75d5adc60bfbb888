"""Every URL the project has, requested as every role, with the status each must get.

The data is built once per module (``role_users``); every app adds its routes
to ROUTES. A route is (name, url or callable(users) -> url, expected map).
"""

import pytest

from tests import access_rules as rules
from tests.access_rules import LOGIN
from tests.factories import ROLES
from tests.forum import access_rules as forum_rules
from tests.forum.factories import matrix_url as forum_url
from tests.measures import access_rules as measures_rules
from tests.measures import figure_access_rules as measures_figure_rules
from tests.measures import period_access_rules as measures_period_rules
from tests.measures.factories import period as measures_period
from tests.trainings import access_rules as trainings_rules
from tests.trainings import module_access_rules as module_rules
from tests.trainings.access_rules import event_url as training_url
from tests.tta.factories import matrix_url as tta_url

ROUTES = [
    # Public pages and probes.
    ("home", "/", rules.PUBLIC),
    ("report", "/report/", rules.PUBLIC),
    ("healthz", "/healthz", rules.PUBLIC),
    # Prometheus' scrape target: only with METRICS_TOKEN (tests/monitoring); without it, nothing is here.
    ("metrics without the token", "/metrics", dict.fromkeys(ROLES, 404)),
    ("search", "/search/?q=task+force", rules.PUBLIC),
    # Accounts (allauth).
    ("login", "/accounts/login/", rules.ANONYMOUS_ONLY),
    ("signup", "/accounts/signup/", rules.ANONYMOUS_ONLY),
    ("password reset", "/accounts/password/reset/", rules.PUBLIC),
    ("email settings", "/accounts/email/", rules.SIGNED_IN),
    ("two-factor settings", "/accounts/2fa/", rules.SIGNED_IN),
    ("sessions", "/accounts/sessions/", rules.SIGNED_IN),
    ("change password", "/accounts/password/change/", rules.SIGNED_IN),
    # Every fixture already has a password and an authenticator app: these send them on.
    ("set password", "/accounts/password/set/", {**dict.fromkeys(ROLES, 302)}),
    ("activate TOTP", "/accounts/2fa/totp/activate/", dict.fromkeys(ROLES, 302)),
    ("security keys", "/accounts/2fa/webauthn/", rules.SIGNED_IN),
    ("add a security key", "/accounts/2fa/webauthn/add/", dict.fromkeys(ROLES, 302)),
    # The fixtures have no recovery codes yet; allauth says so with a 404.
    ("recovery codes", "/accounts/2fa/recovery-codes/", {**dict.fromkeys(ROLES, 404), "anonymous": LOGIN}),
    ("reauthenticate", "/accounts/reauthenticate/", rules.SIGNED_IN),
    ("log out (confirm)", "/accounts/logout/", {**rules.SIGNED_IN, "anonymous": 302}),
    ("second factor without a log-in in progress", "/accounts/2fa/authenticate/", dict.fromkeys(ROLES, 302)),
    ("log-in by code is off", "/accounts/login/code/confirm/", dict.fromkeys(ROLES, 302)),
    ("inactive account notice", "/accounts/inactive/", rules.PUBLIC),
    ("unknown verification link", "/accounts/confirm-email/not-a-real-key/", rules.PUBLIC),
    ("password reset sent", "/accounts/password/reset/done/", rules.PUBLIC),
    # Every other log-in view sends people to allauth's (members.views.to_sign_in).
    ("Wagtail front-end log-in", "/_util/login/", dict.fromkeys(ROLES, 302)),
    ("Wagtail admin log-in", "/admin/login/", dict.fromkeys(ROLES, 302)),
    # After setting up a second factor: on to the remembered page, or home.
    ("continue after second-factor set-up", "/members/continue/", dict.fromkeys(ROLES, 302)),
    # Members.
    (
        "pending notice",
        "/members/pending/",
        {**rules.PUBLIC, "anonymous": 302, **{r: 302 for r in ROLES[2:]}},
    ),
    ("directory", "/members/", rules.MEMBERS),
    ("profile", lambda users: f"/members/{users['member'].pk}/", rules.MEMBERS),
    (
        "pending person's profile",
        lambda users: f"/members/{users['pending'].pk}/",
        {**rules.MEMBERS, **{r: 404 for r in ROLES[2:]}},
    ),
    ("edit own profile", "/members/me/edit/", rules.MEMBERS),
    ("nobody's profile", "/members/999999/", {**rules.MEMBERS, **{r: 404 for r in ROLES[2:]}}),
    (
        "directory of one task force",
        lambda users: f"/members/?task_force={users['_task_force'].pk}",
        rules.MEMBERS,
    ),
    ("search for profiles only", "/search/?q=task&kind=profile", rules.PUBLIC),
    ("a page that does not exist", "/no-such-page/", dict.fromkeys(ROLES, 404)),
    # Apps filled by later issues.
    ("forum", "/forum/", rules.MEMBERS),
    ("forum latest", "/forum/latest/", rules.MEMBERS),
    ("forum search", "/forum/search/?q=interview", rules.MEMBERS),
    ("forum unanswered", "/forum/unanswered/", rules.MEMBERS),
    ("forum my topics", "/forum/mine/", rules.MEMBERS),
    ("forum watched", "/forum/watched/", rules.MEMBERS),
    ("forum new topic", "/forum/new/", rules.MEMBERS),
    ("forum tag", forum_url("/forum/tags/{tag}/"), rules.MEMBERS),
    ("forum category", forum_url("/forum/c/{category}/"), rules.MEMBERS),
    ("forum topic", forum_url("/forum/t/{topic}/"), rules.MEMBERS),
    ("forum post link", forum_url("/forum/t/{topic}/p/1/"), dict.fromkeys(ROLES, 302)),
    ("forum reply", forum_url("/forum/t/{topic}/reply/"), rules.MEMBERS),
    ("forum edit own post", forum_url("/forum/posts/{post}/edit/"), forum_rules.AUTHOR_OR_MODERATOR),
    ("forum privacy confirmations", "/forum/moderation/privacy/", forum_rules.MODERATORS),
    ("forum reports queue", "/forum/moderation/reports/", forum_rules.MODERATORS),
    ("forum report a post", forum_url("/forum/posts/{post}/report/"), rules.MEMBERS),
    (
        "forum post history",
        forum_url("/forum/posts/{post}/history/"),
        forum_rules.AUTHOR_OR_MODERATOR_ELSE_404,
    ),
    ("forum notifications", "/forum/notifications/", rules.MEMBERS),
    ("forum mark notifications read (POST only)", "/forum/notifications/read/", forum_rules.POST_ONLY),
    *(
        (f"forum {action} (POST only)", forum_url(path), forum_rules.POST_ONLY)
        for action, path in (
            ("accept", "/forum/posts/{post}/accept/"),
            ("helpful", "/forum/posts/{post}/helpful/"),
            ("unaccept", "/forum/t/{topic}/unaccept/"),
            ("watch", "/forum/t/{topic}/watch/"),
            ("moderate", "/forum/t/{topic}/moderate/"),
            ("moderate post", "/forum/posts/{post}/moderate/"),
        )
    ),
    (
        "forum prosecutors' topic",
        forum_url("/forum/t/{topic}/", prosecutors_only=True),
        forum_rules.PROSECUTORS_ONLY,
    ),
    (
        "forum prosecutors' category",
        forum_url("/forum/c/{category}/", prosecutors_only=True),
        forum_rules.PROSECUTORS_ONLY,
    ),
    ("tta", "/tta/", rules.MEMBERS),
    ("tta request form", "/tta/requests/new/", {**rules.MEMBERS, "superuser": 200}),
    (
        "tta staff dashboard",
        "/tta/staff/",
        {**dict.fromkeys(ROLES, 403), "anonymous": 302, "pending": 302, "tta_staff": 200, "superuser": 200},
    ),
    (
        "tta cycles and targets",
        "/tta/staff/settings/",
        {**dict.fromkeys(ROLES, 403), "anonymous": 302, "pending": 302, "tta_staff": 200, "superuser": 200},
    ),
    (
        "tta assessment form",
        "/tta/assessment/",
        {**rules.MEMBERS, **dict.fromkeys(ROLES[2:], 302)},
    ),
    # Each staff action on a request or an assessment's needs is POST-only (its POSTs are in
    # tests/tta/test_access_matrix.py): a GET is refused before anything else, whoever asks.
    *[
        (
            f"tta staff action {route}",
            tta_url(f"/tta/staff/requests/{{request}}/{route}"),
            dict.fromkeys(ROLES, 405),
        )
        for route in (
            "status/",
            "assign/",
            "notes/",
            "matches/find/",
            "matches/add/",
            "matches/{match}/accept/",
            "matches/{match}/reject/",
            "matches/{match}/exchange/",
            "fulfil/",
        )
    ],
    *[
        (
            f"tta staff need action {route}",
            tta_url(f"/tta/staff/assessments/{{assessment}}/{route}"),
            dict.fromkeys(ROLES, 405),
        )
        for route in (
            "matches/find/",
            "matches/add/",
            "matches/{need_match}/accept/",
            "matches/{need_match}/reject/",
            "matches/{need_match}/exchange/",
        )
    ],
    ("research", "/research/", rules.RESEARCH),
    # Trainings: public pages, members-only events absent (404) for non-members, staff pages.
    ("trainings upcoming", "/trainings/", rules.PUBLIC),
    ("trainings past", "/trainings/past/", rules.PUBLIC),
    ("trainings this month", "/trainings/month/", rules.PUBLIC),
    ("trainings a month", "/trainings/month/2026/11/", rules.PUBLIC),
    ("trainings a month that does not exist", "/trainings/month/2026/13/", trainings_rules.NOT_FOUND),
    ("trainings public feed", "/trainings/feed.ics", rules.PUBLIC),
    ("trainings personal feed", trainings_rules.personal_feed, trainings_rules.TOKEN_HOLDER),
    ("trainings guessed feed token", "/trainings/feed/guessed.ics", trainings_rules.NOT_FOUND),
    ("trainings my trainings", "/trainings/mine/", rules.MEMBERS),
    ("trainings reset feed (POST only)", "/trainings/mine/reset-feed/", trainings_rules.POST_ONLY),
    ("trainings new event", "/trainings/new/", trainings_rules.EVENT_STAFF),
    ("trainings public event", training_url("/trainings/{event}/"), rules.PUBLIC),
    ("trainings public event .ics", training_url("/trainings/{event}/event.ics"), rules.PUBLIC),
    (
        "trainings members-only event",
        training_url("/trainings/{event}/", visibility="members"),
        trainings_rules.SEES_MEMBERS_ONLY,
    ),
    (
        "trainings members-only event .ics",
        training_url("/trainings/{event}/event.ics", visibility="members"),
        trainings_rules.SEES_MEMBERS_ONLY,
    ),
    ("trainings draft event", training_url("/trainings/{event}/", published=False), trainings_rules.DRAFT),
    ("trainings nobody's event", "/trainings/999999/", trainings_rules.NOT_FOUND),
    *(
        (
            f"trainings {action} (POST only)",
            training_url(f"/trainings/{{event}}/{action}/"),
            trainings_rules.POST_ONLY,
        )
        for action in ("register", "cancel", "attendance")
    ),
    *(
        (f"trainings {name} of a public event", training_url(path), trainings_rules.EVENT_STAFF)
        for name, path in (
            ("edit", "/trainings/{event}/edit/"),
            ("roster", "/trainings/{event}/roster/"),
            ("roster CSV", "/trainings/{event}/roster.csv"),
        )
    ),
    *(
        (
            f"trainings {name} of a members-only event",
            training_url(path, visibility="members"),
            trainings_rules.MEMBERS_ONLY_EVENT_STAFF,
        )
        for name, path in (
            ("edit", "/trainings/{event}/edit/"),
            ("roster", "/trainings/{event}/roster/"),
            ("roster CSV", "/trainings/{event}/roster.csv"),
        )
    ),
    ("measures", "/measures/", rules.MEMBERS),
    ("measures a new quarter", measures_rules.new_quarter, measures_rules.NEW_QUARTER),
    ("measures a submitted quarter", measures_rules.submitted_quarter, measures_rules.OWN_QUARTER),
    (
        "measures a quarter with no period",
        "/measures/2031/q4/",
        {**rules.MEMBERS, **dict.fromkeys(ROLES[2:], 404)},
    ),
    ("measures staff grid", "/measures/staff/", measures_rules.STAFF_ONLY),
    ("measures staff report", measures_rules.staff_report(), measures_rules.STAFF_ONLY),
    *(
        (f"measures {name} (POST only)", url, measures_rules.POST_ONLY)
        for name, url in (
            ("save", "/measures/2030/q1/save/"),
            ("submit", "/measures/2030/q1/submit/"),
            ("correct", "/measures/2030/q1/correct/"),
            ("add reporter", "/measures/reporters/add/"),
            ("remove reporter", "/measures/reporters/1/remove/"),
            ("accept", measures_rules.staff_report("accept/")),
            ("return", measures_rules.staff_report("return/")),
        )
    ),
    # Measures figures (tests/measures/figure_access_rules.py): trends, totals, CSV, signals.
    *measures_figure_rules.ROUTES,
    # Measures staff screens for periods and measure-set versions (tests/measures/period_access_rules.py).
    *measures_period_rules.ROUTES,
    # Measures: the spreadsheet import (reporters only) and its template (anyone in the section).
    (
        "measures import page",
        lambda users: measures_period(2030, 1) and "/measures/2030/q1/import/",
        {**dict.fromkeys(ROLES, 403), "anonymous": 302, "pending": 302, "coordinator": 200},
    ),
    (
        "measures CSV template",
        lambda users: measures_period(2030, 1) and "/measures/2030/q1/template.csv",
        rules.MEMBERS,
    ),
    (
        "measures Excel template",
        lambda users: measures_period(2030, 1) and "/measures/2030/q1/template.xlsx",
        rules.MEMBERS,
    ),
    (
        "measures template of another kind",
        lambda users: measures_period(2030, 1) and "/measures/2030/q1/template.pdf",
        {**rules.MEMBERS, **dict.fromkeys(ROLES[2:], 404)},
    ),
    # Roll-call modules (tests/trainings/module_access_rules.py): members only, drafts for TTA staff.
    *module_rules.ROUTES,
    # Trainings: check-in, the training record, certificates and their public verification.
    (
        "trainings check-in code of a public event",
        training_url("/trainings/{event}/check-in-code/"),
        trainings_rules.EVENT_STAFF,
    ),
    (
        "trainings check-in code of a members-only event",
        training_url("/trainings/{event}/check-in-code/", visibility="members"),
        trainings_rules.MEMBERS_ONLY_EVENT_STAFF,
    ),
    (
        "trainings check-in (POST only)",
        training_url("/trainings/{event}/check-in/"),
        trainings_rules.POST_ONLY,
    ),
    ("trainings my training record", "/trainings/record/", rules.MEMBERS),
    ("trainings my training record CSV", "/trainings/record.csv", rules.MEMBERS),
    (
        "trainings certificate of a public event",
        trainings_rules.member_certificate(),
        trainings_rules.OWN_CERTIFICATE,
    ),
    (
        "trainings certificate of a members-only event",
        trainings_rules.member_certificate("members"),
        trainings_rules.OWN_CERTIFICATE,
    ),
    (
        "trainings certificate of nobody's event",
        "/trainings/record/certificates/event:999999.pdf",
        {**trainings_rules.NOT_FOUND, "anonymous": LOGIN, "pending": rules.PENDING},
    ),
    ("trainings verify a certificate (form)", "/trainings/verify/", rules.PUBLIC),
    ("trainings verify a genuine certificate", trainings_rules.genuine_verification, rules.PUBLIC),
    ("trainings verify a guessed code", "/trainings/verify/ABCDEFGHJKMN/", trainings_rules.NOT_FOUND),
    ("trainings verify a malformed code", "/trainings/verify/%3Cscript%3E/", trainings_rules.NOT_FOUND),
    # Trainings evaluations: the attendee's form; aggregated results for the event's staff only.
    (
        "trainings evaluation by its attendee",
        trainings_rules.attended_event_url("/trainings/{event}/evaluation/"),
        trainings_rules.ATTENDEE,
    ),
    (
        "trainings evaluation of an event nobody attended",
        training_url("/trainings/{event}/evaluation/"),
        trainings_rules.NOT_AN_ATTENDEE,
    ),
    (
        "trainings evaluation of a members-only event",
        training_url("/trainings/{event}/evaluation/", visibility="members"),
        trainings_rules.NOT_AN_ATTENDEE,
    ),
    (
        "trainings evaluation of nobody's event",
        "/trainings/999999/evaluation/",
        trainings_rules.MISSING_FOR_MEMBERS,
    ),
    ("trainings evaluation results over time", "/trainings/evaluations/", trainings_rules.EVENT_STAFF),
    *(
        (f"trainings {name} of a public event", training_url(path), trainings_rules.EVENT_STAFF)
        for name, path in (
            ("evaluation results", "/trainings/{event}/evaluation/results/"),
            ("evaluation questions", "/trainings/{event}/evaluation/questions/"),
        )
    ),
    *(
        (
            f"trainings {name} of a members-only event",
            training_url(path, visibility="members"),
            trainings_rules.MEMBERS_ONLY_EVENT_STAFF,
        )
        for name, path in (
            ("evaluation results", "/trainings/{event}/evaluation/results/"),
            ("evaluation questions", "/trainings/{event}/evaluation/questions/"),
        )
    ),
    (
        "trainings evaluation results of an attended event",
        trainings_rules.attended_event_url("/trainings/{event}/evaluation/results/"),
        trainings_rules.EVENT_STAFF,
    ),
    # Wagtail admin and its closed doors.
    ("admin", "/admin/", rules.ADMIN),
    ("admin login", "/admin/login/", dict.fromkeys(ROLES, 302)),
    ("admin password reset", "/admin/password_reset/", dict.fromkeys(ROLES, 302)),
    ("admin account settings", "/admin/account/", rules.ADMIN),
    ("membership applications", "/admin/membership/applications/", rules.MEMBERSHIP_ADMIN),
    (
        "membership review an application",
        lambda users: f"/admin/membership/applications/{users['pending'].pk}/",
        rules.MEMBERSHIP_ADMIN,
    ),
    ("membership members", "/admin/membership/members/", rules.MEMBERSHIP_ADMIN),
    (
        "membership edit a task force",
        lambda users: f"/admin/membership/task-forces/edit/{users['_task_force'].pk}/",
        rules.MEMBERSHIP_ADMIN,
    ),
    (
        "membership member's groups",
        lambda users: f"/admin/membership/members/{users['member'].pk}/groups/",
        rules.MEMBERSHIP_ADMIN,
    ),
    ("membership task forces", "/admin/membership/task-forces/", rules.MEMBERSHIP_ADMIN),
    ("membership new task force", "/admin/membership/task-forces/new/", rules.MEMBERSHIP_ADMIN),
    (
        "membership task force members",
        lambda users: f"/admin/membership/task-forces/{users['_task_force'].pk}/members/",
        rules.MEMBERSHIP_ADMIN,
    ),
    ("membership locked accounts", "/admin/membership/locks/", rules.MEMBERSHIP_ADMIN),
    ("membership audit log", "/admin/membership/audit-log/", rules.MEMBERSHIP_ADMIN),
    ("taxonomy terms", "/admin/snippets/taxonomy/term/", rules.wagtail_admin_view("tta_staff")),
    ("taxonomy new term", "/admin/snippets/taxonomy/term/add/", rules.wagtail_admin_view("tta_staff")),
    ("admin users", "/admin/users/", rules.wagtail_admin_view()),
    ("admin new user", "/admin/users/new/", rules.wagtail_admin_view()),
    (
        "admin edit a user",
        lambda users: f"/admin/users/edit/{users['member'].pk}/",
        rules.wagtail_admin_view(),
    ),
    (
        "admin delete a user",
        lambda users: f"/admin/users/delete/{users['member'].pk}/",
        rules.wagtail_admin_view(),
    ),
    ("admin groups", "/admin/groups/", rules.wagtail_admin_view()),
]


def _cases():
    for name, url, expected in ROUTES:
        for role in ROLES:
            yield pytest.param(name, url, role, expected[role], id=f"{name}-{role}")


@pytest.mark.django_db
@pytest.mark.parametrize("name,url,role,status", list(_cases()))
def test_access(name, url, role, status, role_users, db, client_for):
    client = client_for(role_users[role])
    target = url(role_users) if callable(url) else url
    response = client.get(target)
    assert response.status_code == status, f"{role} GET {target}: {response.status_code}, expected {status}"
    if status == 302 and role == "anonymous" and not target.startswith("/admin/"):
        location = response["Location"]
        assert location.startswith("/accounts/login/") or location == "/", location
    if (
        status == 302
        and role == "pending"
        and target.startswith(("/members/", "/forum/", "/tta/", "/research/", "/trainings/"))
    ):
        assert response["Location"] in ("/members/pending/",) or response["Location"].startswith("/accounts/")

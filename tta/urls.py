"""URLs under /tta/. Each staff action on a request or an assessment's needs has its own POST-only URL."""

from django.urls import path

from tta.views import members, needs, staff, triage

app_name = "tta"

request_actions = [
    ("status/", triage.staff_request_status, "staff_request_status"),
    ("assign/", triage.staff_request_assign, "staff_request_assign"),
    ("notes/", triage.staff_request_note, "staff_request_note"),
    ("matches/find/", triage.staff_request_find_matches, "staff_request_find_matches"),
    ("fulfil/", triage.staff_request_fulfil, "staff_request_fulfil"),
    ("matches/add/", triage.staff_request_add_match, "staff_request_add_match"),
    ("matches/<int:match_pk>/accept/", triage.staff_request_accept_match, "staff_request_accept_match"),
    ("matches/<int:match_pk>/reject/", triage.staff_request_reject_match, "staff_request_reject_match"),
    (
        "matches/<int:match_pk>/exchange/",
        triage.staff_request_propose_exchange,
        "staff_request_propose_exchange",
    ),
]
need_actions = [
    ("matches/find/", needs.staff_assessment_find_matches, "staff_assessment_find_matches"),
    ("matches/add/", needs.staff_assessment_add_match, "staff_assessment_add_match"),
    ("matches/<int:match_pk>/accept/", needs.staff_assessment_accept_match, "staff_assessment_accept_match"),
    ("matches/<int:match_pk>/reject/", needs.staff_assessment_reject_match, "staff_assessment_reject_match"),
    (
        "matches/<int:match_pk>/exchange/",
        needs.staff_assessment_propose_exchange,
        "staff_assessment_propose_exchange",
    ),
]

urlpatterns = [
    path("", members.index, name="index"),
    path("assessment/", members.assessment_edit, name="assessment_edit"),
    path("assessments/<int:pk>/", members.assessment_detail, name="assessment"),
    path("requests/new/", members.request_new, name="request_new"),
    path("requests/<int:pk>/", members.request_detail, name="request"),
    path("exchanges/<int:pk>/accept/", members.exchange_accept, name="exchange_accept"),
    path("exchanges/<int:pk>/decline/", members.exchange_decline, name="exchange_decline"),
    path("staff/", staff.staff_dashboard, name="staff"),
    path("staff/settings/", staff.staff_settings, name="staff_settings"),
    path("staff/settings/cycles/open/", staff.staff_open_cycle, name="staff_open_cycle"),
    path("staff/settings/cycles/<int:pk>/close/", staff.staff_close_cycle, name="staff_close_cycle"),
    path("staff/settings/targets/", staff.staff_set_target, name="staff_set_target"),
    path("staff/requests/<int:pk>/", triage.staff_request, name="staff_request"),
    *[path(f"staff/requests/<int:pk>/{route}", view, name=name) for route, view, name in request_actions],
    path("staff/assessments/<int:pk>/", needs.staff_assessment, name="staff_assessment"),
    *[path(f"staff/assessments/<int:pk>/{route}", view, name=name) for route, view, name in need_actions],
    path("staff/requests.csv", staff.staff_requests_export, name="staff_requests_export"),
    path("staff/export/<slug:slug>.csv", staff.staff_export, name="staff_export"),
    path("staff/figures/<slug:slug>/public/", staff.staff_figure_public, name="staff_figure_public"),
    path("figures/", members.public_figures, name="public_figures"),
]

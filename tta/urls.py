"""URLs under /tta/."""

from django.urls import path

from tta import views

app_name = "tta"
urlpatterns = [
    path("", views.index, name="index"),
    path("assessment/", views.assessment_edit, name="assessment_edit"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("exchanges/<int:pk>/accept/", views.exchange_accept, name="exchange_accept"),
    path("exchanges/<int:pk>/decline/", views.exchange_decline, name="exchange_decline"),
    path("staff/", views.staff_dashboard, name="staff"),
    path("staff/settings/", views.staff_settings, name="staff_settings"),
    path("staff/requests/<int:pk>/", views.staff_request, name="staff_request"),
    path("staff/assessments/<int:pk>/", views.staff_assessment, name="staff_assessment"),
    path("staff/requests.csv", views.staff_requests_export, name="staff_requests_export"),
    path("staff/export/<slug:slug>.csv", views.staff_export, name="staff_export"),
    path("staff/figures/<slug:slug>/public/", views.staff_figure_public, name="staff_figure_public"),
    path("figures/", views.public_figures, name="public_figures"),
]

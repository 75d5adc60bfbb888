"""Trainings URLs, under /trainings/."""

from django.urls import include, path

from trainings import views

app_name = "trainings"

urlpatterns = [
    path("", views.index, name="index"),
    path("past/", views.past, name="past"),
    path("month/", views.month, name="month_now"),
    path("month/<int:year>/<int:month>/", views.month, name="month"),
    path("new/", views.create_event, name="create"),
    path("mine/", views.my_trainings, name="mine"),
    path("modules/", include("trainings.modules.urls")),
    path("mine/reset-feed/", views.reset_feed, name="reset_feed"),
    path("feed.ics", views.public_feed, name="public_feed"),
    path("feed/<str:token>.ics", views.personal_feed, name="personal_feed"),
    path("<int:pk>/", views.event_detail, name="event"),
    path("<int:pk>/event.ics", views.event_ics, name="event_ics"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/edit/", views.edit_event, name="edit"),
    path("<int:pk>/roster/", views.roster, name="roster"),
    path("<int:pk>/roster.csv", views.roster_csv, name="roster_csv"),
    path("<int:pk>/attendance/", views.mark_attendance, name="attendance"),
    path("", include("trainings.records.urls")),
    path("", include("trainings.evaluations.urls")),
]

"""URLs under /members/."""

from django.urls import path

from members import mfa_flow, views

app_name = "members"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("pending/", views.pending, name="pending"),
    path("me/edit/", views.edit_profile, name="edit_profile"),
    path("<int:pk>/", views.profile, name="profile"),
    path("continue/", mfa_flow.continue_after_setup, name="mfa_continue"),
]

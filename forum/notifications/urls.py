"""Notification preference URLs, included by forum.urls under /forum/ (names join the "forum"
namespace)."""

from django.urls import path

from forum.notifications import views

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("email/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

"""Moderation URLs, included by forum.urls under /forum/ (names join the "forum" namespace)."""

from django.urls import path

from forum.moderation import views

urlpatterns = [
    path("moderation/approvals/", views.approvals, name="approvals"),
    path("moderation/approvals/<int:pk>/", views.decide, name="decide"),
    path("moderation/posts/<int:pk>/redact/", views.redact, name="redact"),
    path("moderation/topics/<int:pk>/", views.topic_tools, name="topic_tools"),
    path("moderation/members/<int:pk>/warn/", views.warn, name="warn"),
    path("moderation/log/", views.log, name="moderation_log"),
    path("warnings/", views.my_warnings, name="my_warnings"),
]

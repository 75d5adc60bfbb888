"""Attachment URLs, included by forum.urls under /forum/ (names join the "forum" namespace)."""

from django.urls import path

from forum.attachments import views

urlpatterns = [
    path("posts/<int:pk>/attachments/", views.post_attachments, name="attachments"),
    path("attachments/<int:pk>/", views.download, name="attachment"),
    path("attachments/<int:pk>/remove/", views.remove, name="remove_attachment"),
]

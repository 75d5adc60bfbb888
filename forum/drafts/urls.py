"""Draft URLs, included by forum.urls under /forum/ (names join the "forum" namespace)."""

from django.urls import path

from forum.drafts import views

urlpatterns = [
    path("new/draft/", views.save_new_topic, name="new_topic_draft"),
    path("t/<int:pk>/draft/", views.save_reply, name="reply_draft"),
]

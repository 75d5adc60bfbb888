"""Private message URLs, included by forum.urls under /forum/ (names join the "forum" namespace)."""

from django.urls import path

from forum.conversations import views

urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/new/", views.new, name="new_conversation"),
    path("messages/recipients/", views.recipients_json, name="message_recipients"),
    path("messages/<int:pk>/", views.conversation, name="conversation"),
    path("messages/<int:pk>/leave/", views.leave, name="leave_conversation"),
    path("messages/m/<int:pk>/report/", views.report, name="report_message"),
    path("moderation/messages/", views.reported, name="reported_messages"),
    path("moderation/messages/<int:pk>/resolve/", views.resolve, name="resolve_message_report"),
]

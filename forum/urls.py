"""URLs under /forum/: the forum's own pages here, each sub-package's included from its urls module
(every name joins the "forum" namespace, so names did not change when they moved)."""

from django.urls import include, path

from forum import views

app_name = "forum"
urlpatterns = [
    path("", views.index, name="index"),
    path("latest/", views.latest, name="latest"),
    path("search/", views.search, name="search"),
    path("unanswered/", views.unanswered, name="unanswered"),
    path("mine/", views.mine, name="mine"),
    path("watched/", views.watched, name="watched"),
    path("tags/<slug:slug>/", views.tag, name="tag"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("c/<slug:slug>/watch/", views.category_watch, name="category_watch"),
    path("new/", views.new_topic, name="new_topic"),
    path("t/<int:pk>/", views.topic, name="topic"),
    path("t/<int:pk>/p/<int:number>/", views.post_link, name="post"),
    path("t/<int:pk>/reply/", views.reply, name="reply"),
    path("t/<int:pk>/watch/", views.watch, name="watch"),
    path("t/<int:pk>/unaccept/", views.unaccept, name="unaccept"),
    path("t/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("posts/<int:pk>/edit/", views.edit, name="edit"),
    path("posts/<int:pk>/history/", views.history, name="history"),
    path("posts/<int:pk>/moderate/", views.moderate_post, name="moderate_post"),
    path("posts/<int:pk>/accept/", views.accept, name="accept"),
    path("posts/<int:pk>/helpful/", views.helpful, name="helpful"),
    path("posts/<int:pk>/report/", views.report, name="report"),
    path("moderation/privacy/", views.privacy_log, name="privacy_log"),
    path("moderation/reports/", views.reports, name="reports"),
    path("moderation/reports/<int:pk>/resolve/", views.resolve_report, name="resolve_report"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("", include("forum.moderation.urls")),
    path("", include("forum.attachments.urls")),
    path("", include("forum.conversations.urls")),
    path("", include("forum.drafts.urls")),
    path("", include("forum.notifications.urls")),
    path("", include("forum.expertise.urls")),
]

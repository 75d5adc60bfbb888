"""Public CMS URLs outside the page tree: report, topics, protected images, feeds, sitemap, robots."""

from django.urls import path
from wagtail.contrib.sitemaps.views import sitemap

from cms import feeds, media, views

app_name = "cms"
urlpatterns = [
    path("report/", views.report, name="report"),
    path("topics/", views.topic_index, name="topic_index"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
    path("assets/<path:name>", media.serve_image, name="protected_image"),
    path("feeds/practices/", feeds.PracticesFeed(), name="feed_practices"),
    path("feeds/briefs/", feeds.BriefsFeed(), name="feed_briefs"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]

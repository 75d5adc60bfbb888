"""Find a peer and the expertise form's URLs, included by forum.urls under /forum/ (names join the
"forum" namespace)."""

from django.urls import path

from forum.expertise import views

urlpatterns = [
    path("preferences/expertise/", views.save_expertise, name="save_expertise"),
    path("peers/", views.find_peer, name="find_peer"),
]

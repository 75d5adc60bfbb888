"""Public URLs of the CMS that are not Wagtail pages."""

from django.urls import path

from cms import views

app_name = "cms"
urlpatterns = [path("report/", views.report, name="report")]

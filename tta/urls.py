"""URLs under /tta/."""

from django.urls import path

from tta import views

app_name = "tta"
urlpatterns = [path("", views.index, name="index")]

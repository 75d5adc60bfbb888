"""Measures URLs, under /measures/."""

from django.urls import path

from measures import views

app_name = "measures"

urlpatterns = [
    path("", views.index, name="index"),
    path("reporters/add/", views.add_reporter, name="add_reporter"),
    path("reporters/<int:pk>/remove/", views.remove_reporter, name="remove_reporter"),
    path("<int:year>/q<int:quarter>/", views.report, name="report"),
    path("<int:year>/q<int:quarter>/save/", views.save, name="save"),
    path("<int:year>/q<int:quarter>/submit/", views.submit, name="submit"),
    path("<int:year>/q<int:quarter>/correct/", views.correct, name="correct"),
    path("staff/", views.staff_grid, name="staff_grid"),
    path("staff/reports/<int:pk>/", views.staff_report, name="staff_report"),
    path("staff/reports/<int:pk>/accept/", views.staff_accept, name="staff_accept"),
    path("staff/reports/<int:pk>/return/", views.staff_return, name="staff_return"),
]

# Spreadsheet import (measures.views_import), appended.
from measures import views_import  # noqa: E402

urlpatterns += [
    path("<int:year>/q<int:quarter>/import/", views_import.import_report, name="import"),
    path("<int:year>/q<int:quarter>/template.<str:kind>", views_import.template, name="import_template"),
]

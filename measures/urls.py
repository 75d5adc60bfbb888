"""Measures URLs, under /measures/."""

from django.urls import path

from measures import views, views_figures

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
    # Seeing the figures (measures/views_figures.py).
    path("trends/", views_figures.my_trends, name="trends"),
    path("staff/task-forces/<int:pk>/trends/", views_figures.staff_trends, name="staff_trends"),
    path("staff/totals/", views_figures.staff_totals, name="staff_totals"),
    path("staff/totals.csv", views_figures.staff_totals_csv, name="staff_totals_csv"),
    path("staff/signals/", views_figures.staff_signals, name="staff_signals"),
]

# Spreadsheet import (measures.views_import), appended.
from measures import views_import  # noqa: E402

urlpatterns += [
    path("<int:year>/q<int:quarter>/import/", views_import.import_report, name="import"),
    path("<int:year>/q<int:quarter>/template.<str:kind>", views_import.template, name="import_template"),
]

# Staff screens for reporting periods and measure-set versions (measures.views_periods), appended.
from measures import views_periods  # noqa: E402

urlpatterns += [
    path("staff/periods/", views_periods.period_list, name="period_list"),
    path("staff/periods/new/", views_periods.period_create, name="period_create"),
    path("staff/periods/<int:pk>/", views_periods.period_detail, name="period_detail"),
    path("staff/periods/<int:pk>/settings/", views_periods.period_settings, name="period_settings"),
    path("staff/periods/<int:pk>/close/", views_periods.period_close, name="period_close"),
    path("staff/periods/<int:pk>/reopen/", views_periods.period_reopen, name="period_reopen"),
    path("staff/sets/", views_periods.set_list, name="set_list"),
    path("staff/sets/new/", views_periods.set_new, name="set_new"),
    path("staff/sets/<int:version>/", views_periods.set_detail, name="set_detail"),
]

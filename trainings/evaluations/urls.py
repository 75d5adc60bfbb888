"""Evaluation URLs, included from ``trainings.urls`` under /trainings/ (namespace trainings:evaluations)."""

from django.urls import path

from trainings.evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("evaluations/", views.over_time, name="over_time"),
    path("<int:pk>/evaluation/", views.evaluate, name="evaluate"),
    path("<int:pk>/evaluation/questions/", views.questions, name="questions"),
    path("<int:pk>/evaluation/results/", views.event_results, name="results"),
]

"""URLs of trainings.records, included into the trainings namespace (``trainings:record``)."""

from django.urls import path

from trainings.records import views

urlpatterns = [
    path("record/", views.record, name="record"),
    path("record.csv", views.record_csv, name="record_csv"),
    path("record/certificates/<str:key>.pdf", views.certificate_pdf, name="certificate"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
    path("<int:pk>/check-in-code/", views.check_in_screen, name="check_in_screen"),
    path("<int:pk>/check-in/", views.check_in, name="check_in"),
]

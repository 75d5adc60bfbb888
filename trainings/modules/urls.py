"""Roll-call module URLs, under /trainings/modules/ (included by trainings.urls, same namespace)."""

from django.urls import path

from trainings.modules import views

urlpatterns = [
    path("", views.module_list, name="modules"),
    path("<int:pk>/", views.module_detail, name="module"),
    path("<int:pk>/quiz/", views.submit_quiz, name="module_quiz"),
    path("<int:pk>/video", views.module_video, name="module_video"),
    path("<int:pk>/captions.vtt", views.module_captions, name="module_captions"),
    path("<int:pk>/transcript/", views.module_transcript, name="module_transcript"),
    path("<int:pk>/facilitator/", views.facilitator, name="module_facilitator"),
]

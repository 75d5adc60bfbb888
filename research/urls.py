"""URLs under /research/: notebooks, datasets, runs and their files (all researchers and staff only)."""

from django.urls import path

from research import views

app_name = "research"
urlpatterns = [
    path("", views.index, name="index"),
    path("notebooks/<slug:slug>/", views.notebook_detail, name="notebook"),
    path("datasets/", views.dataset_list, name="datasets"),
    path("datasets/upload/", views.dataset_upload, name="dataset_upload"),
    path("datasets/<slug:name>/", views.dataset_detail, name="dataset"),
    path("datasets/<slug:name>/v<int:number>.csv", views.dataset_download, name="dataset_download"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/cancel/", views.run_cancel, name="run_cancel"),
    path("runs/<int:pk>/notebook/", views.run_notebook_html, name="run_notebook"),
    path("runs/<int:pk>/notebook.ipynb", views.run_notebook_download, name="run_notebook_download"),
    path("runs/<int:pk>/figures/<slug:name>.png", views.run_figure, name="run_figure"),
    path("runs/<int:pk>/brief/", views.run_publish, name="run_publish"),
]

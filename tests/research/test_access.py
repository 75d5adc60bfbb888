"""Every research URL for every role: researchers, TTA staff and superusers in; everyone else out."""

import pytest
from django.urls import reverse

from tests.factories import ROLES

pytestmark = pytest.mark.django_db

ALLOWED = {"researcher", "tta_staff", "superuser"}


@pytest.fixture
def objects(finished_run, upload_version, make_notebook):
    from research.storage import research_storage

    make_notebook("counts", ["print(1)"])
    run = finished_run(
        results={"figures": [{"name": "chart", "caption": "c", "alt": "a", "file": "chart.png"}]},
        executed_notebook="runs/x/executed.ipynb",
    )
    storage = research_storage()
    from django.core.files.base import ContentFile

    storage.save(run.figure_path("chart"), ContentFile(b"\x89PNG fake"))
    storage.save(
        "runs/x/executed.ipynb",
        ContentFile(b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'),
    )
    upload_version("needs-2025")
    return run


def urls(run):
    return {
        reverse("research:index"): 200,
        reverse("research:notebook", args=["counts"]): 200,
        reverse("research:datasets"): 200,
        reverse("research:dataset_upload"): 200,
        reverse("research:dataset", args=["needs-2025"]): 200,
        reverse("research:dataset_download", args=["needs-2025", 1]): 200,
        reverse("research:runs"): 200,
        reverse("research:run", args=[run.pk]): 200,
        reverse("research:run_notebook", args=[run.pk]): 200,
        reverse("research:run_notebook_download", args=[run.pk]): 200,
        reverse("research:run_figure", args=[run.pk, "chart"]): 200,
        # POST-only actions: the gate answers first, then GET is not allowed.
        reverse("research:run_cancel", args=[run.pk]): 405,
        reverse("research:run_publish", args=[run.pk]): 405,
    }


@pytest.mark.parametrize("role", ROLES)
def test_research_url_matrix(role, role_user, client_for, objects):
    client = client_for(role_user(role))
    for url, allowed_status in urls(objects).items():
        status = client.get(url).status_code
        if role in ALLOWED:
            assert status == allowed_status, (role, url, status)
        elif role in ("anonymous", "pending"):
            assert status == 302, (role, url, status)
        else:
            assert status == 403, (role, url, status)


def test_the_executed_notebook_page_is_gated(role_user, client_for, objects):
    url = reverse("research:run_notebook", args=[objects.pk])
    assert client_for(role_user("member")).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302


def test_guessed_file_urls_find_nothing(role_user, client_for, objects):
    client = client_for(role_user("researcher"))
    assert client.get(reverse("research:run_figure", args=[objects.pk, "other"])).status_code == 404
    assert client.get(reverse("research:dataset_download", args=["needs-2025", 9])).status_code == 404
    assert client.get("/media/research/runs/x/executed.ipynb").status_code == 404

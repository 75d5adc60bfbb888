"""Research pages: the parameter form refuses bad input before anything is queued; query counts."""

import pytest
from django.urls import reverse

from research.models import Run

pytestmark = pytest.mark.django_db


@pytest.fixture
def researcher_client(role_user, client_for):
    return client_for(role_user("researcher"))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("three", b"Enter a whole number."),
        ("1e400", b"Enter a whole number."),
        ("", b"This field is required."),
    ],
)
def test_bad_parameter_values_are_refused_and_nothing_is_queued(
    make_notebook, researcher_client, value, message
):
    make_notebook("typed", parameters="n = 3  # How many\nlabel = 'x'  # A label\n")
    response = researcher_client.post(
        reverse("research:notebook", args=["typed"]), {"p_n": value, "p_label": "<script>alert(1)</script>"}
    )
    assert response.status_code == 400
    assert message in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content  # kept, escaped
    assert not Run.objects.exists()


def test_the_form_hides_reserved_parameters_and_queues_a_run(
    make_notebook, researcher_client, monkeypatch, django_capture_on_commit_callbacks
):
    import types

    import research.tasks

    queued = []
    monkeypatch.setattr(research.tasks, "execute_run", types.SimpleNamespace(enqueue=queued.append))
    make_notebook("typed", parameters="n = 3  # How many\n", datasets=["ctdc"])
    url = reverse("research:notebook", args=["typed"])
    page = researcher_client.get(url)
    assert b'name="p_n"' in page.content and b"How many" in page.content
    assert b'name="p_results_dir"' not in page.content and b'name="p_sensitive"' not in page.content
    assert b"Synthetic data" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = researcher_client.post(url, {"p_n": "5", "d_ctdc": ""})
    run = Run.objects.get()
    assert response["Location"] == run.get_absolute_url()
    assert queued == [run.pk]
    assert run.parameters == {"n": 5} and run.data_versions == {"ctdc": {"synthetic": True}}
    assert not run.sensitive
    detail = researcher_client.get(run.get_absolute_url())
    assert (
        b"data-live-notice" in detail.content
        and b"research/live.js" in detail.content
        and b"Cancel this run" in detail.content
    )
    researcher_client.post(reverse("research:run_cancel", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == Run.Status.CANCELLED
    assert b"data-live-notice" not in researcher_client.get(run.get_absolute_url()).content


def test_a_failed_run_shows_its_error_class_message_cell_and_traceback(finished_run, researcher_client):
    run = finished_run(
        status=Run.Status.FAILED,
        error_class="ValueError",
        error_message="no <year> column",
        failing_cell=5,
        traceback="Traceback ... ValueError",
    )
    page = researcher_client.get(run.get_absolute_url()).content
    assert b"ValueError" in page and b"no &lt;year&gt; column" in page and b"In cell 5 of 4" in page


def test_list_and_detail_pages_keep_their_query_counts(
    make_notebook, finished_run, upload_version, researcher_client, django_assert_max_num_queries
):
    make_notebook("counts", ["print(1)"], brief="counts-brief")
    runs = [
        finished_run(results={"numbers": [{"name": "n", "display": "<5", "sentence": "few"}]})
        for _ in range(12)
    ]
    cached = finished_run(cache_of=runs[0])
    for name in ("a-set", "b-set", "c-set"):
        upload_version(name)
        upload_version(name)
    researcher_client.get(reverse("research:runs"))  # warm the session and site caches
    pages = {
        reverse("research:index"): 8,
        reverse("research:runs"): 8,  # the page count is one of them
        reverse("research:datasets"): 8,
        reverse("research:dataset", args=["a-set"]): 9,
        runs[0].get_absolute_url(): 9,
        cached.get_absolute_url(): 9,
    }
    for url, limit in pages.items():
        with django_assert_max_num_queries(limit):
            assert researcher_client.get(url).status_code == 200, url


def test_the_executed_notebook_is_shown_sanitised_and_downloadable(finished_run, researcher_client):
    import nbformat
    from django.core.files.base import ContentFile
    from nbformat import v4

    from research.storage import research_storage

    nb = v4.new_notebook()
    cell = v4.new_code_cell("show()")
    cell.outputs = [
        v4.new_output(
            "display_data",
            data={"text/html": "<p>Cases by year</p><script>alert('x')</script><img src=x onerror=alert(1)>"},
        )
    ]
    nb.cells = [v4.new_markdown_cell("## Findings"), cell]
    path = research_storage().save("runs/html/executed.ipynb", ContentFile(nbformat.writes(nb).encode()))
    run = finished_run(executed_notebook=path)
    page = researcher_client.get(reverse("research:run_notebook", args=[run.pk]))
    assert page.status_code == 200
    assert b"Cases by year" in page.content and b"Findings" in page.content
    assert b"alert(" not in page.content and b"onerror" not in page.content
    download = researcher_client.get(reverse("research:run_notebook_download", args=[run.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert b"Cases by year" in b"".join(download.streaming_content)


def test_the_run_list_pages_by_fifty_with_the_same_queries_on_every_page(
    make_notebook, finished_run, researcher_client, django_assert_max_num_queries
):
    from research.views import RUNS_PER_PAGE

    make_notebook("counts", ["print(1)"])
    runs = [finished_run() for _ in range(RUNS_PER_PAGE + 5)]
    url = reverse("research:runs")
    researcher_client.get(url)  # warm the session and site caches
    with django_assert_max_num_queries(8):
        first = researcher_client.get(url)
    with django_assert_max_num_queries(8):
        second = researcher_client.get(url, {"page": 2})
    newest, oldest = runs[-1], runs[0]
    assert f"#{newest.pk}</a>" in first.text and f"#{oldest.pk}</a>" not in first.text
    assert f"#{oldest.pk}</a>" in second.text and f"#{newest.pk}</a>" not in second.text
    assert first.text.count('<th scope="row">') == RUNS_PER_PAGE
    assert second.text.count('<th scope="row">') == 5
    assert "page 2 of 2" in second.text and 'rel="prev"' in second.text
    # A page number that is not one gives a page, not an error.
    for bad in ("abc", "999", "-1", "1' OR '1'='1"):
        assert researcher_client.get(url, {"page": bad}).status_code == 200


def test_the_main_navigation_offers_research_only_to_those_who_may_use_it(role_user, client_for):
    for role, shown in (("researcher", True), ("tta_staff", True), ("member", False)):
        page = client_for(role_user(role)).get("/")
        assert (b'href="/research/"' in page.content) is shown, role


def test_a_synthetic_run_is_labelled_and_its_notes_shown_safely(finished_run, researcher_client):
    run = finished_run(
        results={
            "synthetic": True,
            "numbers": [],
            "notes": [
                "**SYNTHETIC DATA.** These results come from generated, synthetic records, not real cases.",
                "Age could not be analysed: the file has no ageBroad column. <script>alert(1)</script>",
            ],
        },
        data_versions={"ctdc": {"dataset": "ctdc-demo", "version": 1, "sha256": "d" * 64}},
    )
    page = researcher_client.get(run.get_absolute_url()).content.decode()
    assert "<strong>Synthetic data.</strong> This run used generated records" in page
    assert "<b>SYNTHETIC DATA.</b> These results come from generated" in page
    assert "the file has no ageBroad column." in page
    # The notebook's raw HTML is shown as text, never as markup.
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    real = finished_run(results={"numbers": [], "notes": []})
    assert "Synthetic data." not in researcher_client.get(real.get_absolute_url()).content.decode()


def test_an_identical_run_from_the_form_reuses_the_results_and_says_so(
    make_notebook, researcher_client, monkeypatch, django_capture_on_commit_callbacks
):
    import types

    from django.core.files.base import ContentFile
    from nbformat import v4, writes

    import research.tasks
    from research.storage import research_storage

    queued = []
    monkeypatch.setattr(research.tasks, "execute_run", types.SimpleNamespace(enqueue=queued.append))
    make_notebook("same", parameters="n = 3  # How many\n")
    url = reverse("research:notebook", args=["same"])
    with django_capture_on_commit_callbacks(execute=True):
        researcher_client.post(url, {"p_n": "5"})
    first = Run.objects.get()
    # What the worker leaves behind after a success.
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("## Counted five")])
    stored = research_storage().save(f"runs/{first.pk}/executed.ipynb", ContentFile(writes(nb).encode()))
    Run.objects.filter(pk=first.pk).update(status=Run.Status.SUCCEEDED, executed_notebook=stored)

    with django_capture_on_commit_callbacks(execute=True):
        response = researcher_client.post(url, {"p_n": "5"}, follow=True)
    second = Run.objects.latest("pk")
    assert queued == [first.pk]  # nothing new went to the workers
    assert second.cache_of == first and second.status == Run.Status.SUCCEEDED
    page = response.content.decode()
    assert "An identical earlier run succeeded: its results are reused." in page
    assert f'Results reused from <a href="{first.get_absolute_url()}">run #{first.pk}</a>' in page
    assert "nothing was executed again" in page
    assert f"(reused #{first.pk})" in researcher_client.get(reverse("research:runs")).content.decode()
    shown = researcher_client.get(reverse("research:run_notebook", args=[second.pk]))
    assert b"Counted five" in shown.content
    with django_capture_on_commit_callbacks(execute=True):
        researcher_client.post(url, {"p_n": "6"})
    assert Run.objects.latest("pk").cache_of is None and len(queued) == 2  # other parameters: a new run

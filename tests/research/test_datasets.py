"""Dataset uploads: validation against the schema, Excel conversion, versions never overwritten, bad files."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from research.models import Dataset, DatasetVersion
from research.provenance import sha256_file
from tests.research.conftest import TTA_NEEDS_CSV

pytestmark = pytest.mark.django_db
UPLOAD = reverse("research:dataset_upload")


@pytest.fixture
def researcher_client(role_user, client_for):
    return client_for(role_user("researcher"))


def post_upload(client, data=TTA_NEEDS_CSV, filename="needs.csv", **fields):
    form = {
        "name": "needs-2025",
        "schema_name": "tta_needs",
        "source": "Needs assessments, spring cycle",
        "licence": "Internal use",
        "sensitive": "on",
        **fields,
    }
    form["file"] = SimpleUploadedFile(filename, data)
    return client.post(UPLOAD, form)


def test_a_valid_csv_is_stored_hashed_counted_and_summarised(researcher_client):
    response = post_upload(researcher_client)
    assert response.status_code == 302
    version = DatasetVersion.objects.get()
    assert version.dataset.name == "needs-2025" and version.dataset.sensitive
    assert version.status == DatasetVersion.Status.VALID
    assert version.number == 1
    assert version.sha256 == sha256_file(io.BytesIO(TTA_NEEDS_CSV))
    assert version.row_count == 2
    assert {c["name"] for c in version.columns} >= {"cycle", "region", "priority"}
    page = researcher_client.get(response["Location"])
    assert b"Valid" in page.content and version.sha256.encode() in page.content


def test_missing_columns_are_named_on_the_dataset_page(researcher_client):
    post_upload(researcher_client, data=b"cycle,task_force\n2025,Central Ohio\n")
    version = DatasetVersion.objects.get()
    assert version.status == DatasetVersion.Status.INVALID
    assert any("'region'" in e and "'priority'" in e for e in version.errors), version.errors
    page = researcher_client.get(version.dataset.get_absolute_url())
    assert b"Missing required columns" in page.content


def test_an_empty_file_says_so(researcher_client, upload_version):
    response = post_upload(researcher_client, data=b"")
    assert response.status_code == 400 and b"The submitted file is empty." in response.content
    assert not DatasetVersion.objects.exists()
    # A file with neither header nor rows that reaches validation (e.g. blank lines) is named too.
    version = upload_version("blank", data=b"\n\n")
    assert version.status == DatasetVersion.Status.INVALID
    assert "empty" in version.errors[0]


def test_wrong_types_name_the_column_and_rows(researcher_client):
    bad = TTA_NEEDS_CSV + b"2025,Third,OH,five,labor-trafficking,Labor trafficking,topic,2,5\n"
    post_upload(researcher_client, data=bad)
    version = DatasetVersion.objects.get()
    assert version.status == DatasetVersion.Status.INVALID
    assert any("region" in e and "3" in e for e in version.errors), version.errors


def test_an_excel_workbook_is_stored_as_csv(researcher_client):
    import pandas as pd

    frame = pd.read_csv(io.BytesIO(TTA_NEEDS_CSV), dtype=str)
    workbook = io.BytesIO()
    frame.to_excel(workbook, index=False, engine="openpyxl")
    post_upload(researcher_client, data=workbook.getvalue(), filename="needs.xlsx")
    version = DatasetVersion.objects.get()
    assert version.status == DatasetVersion.Status.VALID, version.errors
    assert version.file.name.endswith(".csv")
    assert version.file.read().startswith(b"cycle,task_force,state")
    assert version.original_name == "needs.xlsx"


def test_a_large_excel_workbook_is_converted_by_the_worker_not_in_the_request(
    researcher_client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    import pandas as pd

    from research.storage import research_storage

    frame = pd.read_csv(io.BytesIO(TTA_NEEDS_CSV), dtype=str)
    workbook = io.BytesIO()
    frame.to_excel(workbook, index=False, engine="openpyxl")
    settings.RESEARCH_INLINE_VALIDATION_BYTES = 100
    real_read_excel = pd.read_excel

    def refuse(*args, **kwargs):
        raise AssertionError("the request read the workbook")

    monkeypatch.setattr(pd, "read_excel", refuse)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_upload(researcher_client, data=workbook.getvalue(), filename="needs.xlsx")
    version = DatasetVersion.objects.get()
    assert version.status == DatasetVersion.Status.PENDING and not version.file and version.sha256 == ""
    page = researcher_client.get(response["Location"]).content
    assert b"Excel workbook waiting to be converted to CSV and checked" in page
    assert b"data-live-notice" in page and b"http-equiv" not in page and b"Download version 1" not in page

    monkeypatch.setattr(pd, "read_excel", real_read_excel)
    for callback in callbacks:
        callback()  # the worker picks up the task
    version.refresh_from_db()
    assert version.status == DatasetVersion.Status.VALID, version.errors
    assert version.file.name.endswith(".csv") and version.file.read().startswith(b"cycle,task_force,state")
    assert version.sha256 == sha256_file(version.file.open("rb")) and version.size == version.file.size
    assert version.row_count == 2
    assert not research_storage().exists(f"datasets/needs-2025/incoming/v{version.number}.xlsx")
    page = researcher_client.get(response["Location"]).content
    assert version.sha256.encode() in page and b"Download version 1 (CSV)" in page
    # Filled once by the worker; fixed from then on.
    version.sha256 = "0" * 64
    with pytest.raises(ValueError, match="never changes"):
        version.save()


def test_a_large_workbook_that_cannot_be_read_is_marked_invalid_by_the_worker(
    researcher_client, settings, django_capture_on_commit_callbacks
):
    settings.RESEARCH_INLINE_VALIDATION_BYTES = 10
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(researcher_client, data=b"PK\x03\x04 not really a workbook", filename="n.xlsx")
    version = DatasetVersion.objects.get()
    assert version.status == DatasetVersion.Status.INVALID and not version.file
    assert "This Excel file could not be read" in version.errors[0]
    page = researcher_client.get(response["Location"]).content.decode()
    assert "This Excel file could not be read" in page and "Download version 1" not in page


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"MZ\x90\x00binary", "needs.exe", b"Upload a .csv file or an Excel .xlsx workbook."),
        (b"caf\xe9,x\n1,2\n", "latin1.csv", b"not UTF-8"),
        (b"a,b\n\x00\x00\n", "nul.csv", b"binary data"),
        (b"not a zip", "fake.xlsx", b"could not be read"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_the_form_keeps_what_was_typed(
    researcher_client, data, filename, message
):
    response = post_upload(researcher_client, data=data, filename=filename, source="Spring <b>cycle</b>")
    assert response.status_code == 400
    assert message in response.content
    assert b"Spring &lt;b&gt;cycle&lt;/b&gt;" in response.content  # kept, and escaped
    assert not DatasetVersion.objects.exists()


def test_hostile_or_duplicate_names_are_refused(researcher_client, upload_version):
    response = post_upload(researcher_client, name="<script>alert(1)</script>")
    assert response.status_code == 400 and b"&lt;script&gt;" in response.content
    upload_version("needs-2025")
    response = post_upload(researcher_client)
    assert response.status_code == 400
    assert b"A dataset of this name exists" in response.content
    assert DatasetVersion.objects.count() == 1


def test_a_new_upload_is_a_new_version_and_old_versions_never_change(researcher_client, upload_version):
    first = upload_version("needs-2025")
    dataset = first.dataset
    response = post_upload(
        researcher_client, data=TTA_NEEDS_CSV.replace(b"2,5", b"1,5"), name="", existing=dataset.name
    )
    assert response.status_code == 302, response.content
    second = dataset.versions.get(number=2)
    first.refresh_from_db()
    assert first.sha256 != second.sha256
    assert first.file.read() == TTA_NEEDS_CSV
    first.sha256 = second.sha256
    with pytest.raises(ValueError, match="never changes"):
        first.save()


def test_a_large_file_is_validated_by_the_worker_and_the_page_shows_the_outcome(
    researcher_client, settings, django_capture_on_commit_callbacks
):
    settings.RESEARCH_INLINE_VALIDATION_BYTES = 10
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_upload(researcher_client)
    version = DatasetVersion.objects.get()
    assert version.status == DatasetVersion.Status.PENDING
    page = researcher_client.get(response["Location"])
    assert b"Being validated" in page.content and b"data-live-notice" in page.content
    assert len(callbacks) == 1
    callbacks[0]()  # the worker picks up the task
    version.refresh_from_db()
    assert version.status == DatasetVersion.Status.VALID
    assert b"Being validated" not in researcher_client.get(response["Location"]).content


def test_dataset_files_download_only_through_the_permission_check(role_user, client_for, upload_version):
    version = upload_version("needs-2025")
    url = reverse("research:dataset_download", args=["needs-2025", 1])
    response = client_for(role_user("tta_staff")).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == TTA_NEEDS_CSV
    assert response["Cache-Control"] == "private, no-store"
    assert client_for(role_user("member")).get(url).status_code == 403
    assert str(version.file.path).startswith(
        str(__import__("django.conf").conf.settings.PROTECTED_MEDIA_ROOT)
    )


def test_the_run_uses_the_version_it_was_queued_with(
    make_notebook, role_user, upload_version, monkeypatch, tmp_path
):
    import types

    import research.tasks
    from research import registry, runner, services

    monkeypatch.setattr(research.tasks, "execute_run", types.SimpleNamespace(enqueue=lambda pk: None))
    make_notebook("needs", ["print(1)"], datasets=["tta_needs"])
    first = upload_version("needs-2025")
    run = services.queue_run(registry.get("needs"), {}, {"tta_needs": first}, role_user("researcher"))
    changed = TTA_NEEDS_CSV.replace(b"2,5", b"1,1")
    upload_version("needs-2025", data=changed)
    assert Dataset.objects.get(name="needs-2025").versions.count() == 2
    params, _ = runner.prepare_inputs(run, tmp_path)
    assert Path(params["tta_needs_csv"]).read_bytes() == TTA_NEEDS_CSV
    assert run.data_versions["tta_needs"]["version"] == 1
    assert params["sensitive"] is True


def test_platform_exports_hold_no_names_and_are_versioned_only_when_they_change(role_user):
    from research import exports
    from tests.forum.factories import CategoryFactory, reply, start_topic

    author = role_user("member", full_name="Dana Secretname")
    topic = start_topic(author, CategoryFactory(), title="Joint interviews", body="Body text with detail 555")
    reply(topic, role_user("researcher"), body="Reply text with detail 777")
    topics = exports.snapshot("forum_topics")
    posts = exports.snapshot("forum_posts")
    contents = {}
    for version in (topics, posts):
        with version.file.open("rb") as handle:
            content = contents[version.pk] = handle.read()
        assert b"Secretname" not in content and b"555" not in content and b"777" not in content
        assert b"@" not in content
        assert version.dataset.sensitive and version.dataset.is_platform_export
        assert version.status == DatasetVersion.Status.VALID, version.errors
    assert b",member" in contents[topics.pk]
    assert exports.snapshot("forum_topics") == topics  # nothing changed: same version
    assert exports.snapshot("tta_needs").status == DatasetVersion.Status.VALID  # none yet: empty but usable


def test_tta_exports_name_no_task_force_and_join_on_its_code(role_user):
    """The TTA needs notebook reads these: task forces appear as codes, the same in both files."""
    from research import exports
    from tests.tta.factories import AssessmentFactory, CycleFactory, RequestFactory, rate

    member = role_user("member")
    named = member.task_force
    named.name = "Secretville Anti-Trafficking Task Force"
    named.save()
    assessment = AssessmentFactory(task_force=named, cycle=CycleFactory(name="2026"), status="submitted")
    rate(assessment, "coordination", 1, 5)
    RequestFactory(task_force=named, requester=member, status="delivered")
    code = f"TF-{named.pk:04d}".encode()
    for name in ("tta_needs", "tta_requests"):
        version = exports.snapshot(name)
        with version.file.open("rb") as handle:
            content = handle.read()
        assert b"Secretville" not in content and code in content, content
        assert version.status == DatasetVersion.Status.VALID, version.errors
        assert version.dataset.sensitive


# A worker's execute() closes a connection that is inside a transaction (close_old_connections):
# it needs a real commit, not the test's wrapping transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("damage", ["version deleted", "file changed on disk"])
def test_a_run_whose_pinned_version_changed_stops_instead_of_using_other_data(
    make_notebook, role_user, upload_version, monkeypatch, damage
):
    """Between queueing and running the pinned bytes must stay: a run never falls back to other data."""
    import types

    import research.tasks
    from research import registry, runner, services
    from research.models import Run

    monkeypatch.setattr(research.tasks, "execute_run", types.SimpleNamespace(enqueue=lambda pk: None))
    make_notebook("needs", ["print(open(tta_needs_csv).read())"], datasets=["tta_needs"])
    version = upload_version("needs-2025")
    run = services.queue_run(registry.get("needs"), {}, {"tta_needs": version}, role_user("researcher"))
    if damage == "version deleted":
        DatasetVersion.objects.filter(pk=version.pk).delete()  # bypasses the model's own guard
        expected = "Dataset needs-2025 version 1, chosen when the run was queued, no longer exists"
    else:
        with open(version.file.path, "wb") as handle:
            handle.write(TTA_NEEDS_CSV.replace(b"2,5", b"1,1"))
        expected = "no longer matches the SHA-256 recorded when the run was queued"
    runner.execute(run.pk)
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED
    assert run.error_class == "DatasetChanged"
    assert expected in run.error_message
    assert run.process_group is None and not run.executed_notebook  # no kernel was started


def test_an_uploaded_synthetic_file_is_labelled_on_the_dataset_page(researcher_client):
    from research import synthetic

    out = io.StringIO()
    synthetic.frame(30, seed=1).to_csv(out, index=False)
    response = post_upload(
        researcher_client, data=out.getvalue().encode(), filename="synthetic-ctdc.csv", name="ctdc-demo",
        schema_name="ctdc",
    )  # fmt: skip
    version = DatasetVersion.objects.get()
    assert version.status == DatasetVersion.Status.VALID, version.errors
    assert version.warnings[0].startswith("SYNTHETIC DATA: every row is marked isSynthetic")
    assert (
        b"SYNTHETIC DATA: every row is marked isSynthetic"
        in researcher_client.get(response["Location"]).content
    )
    # A real file with one synthetic row (or none) is not labelled as a whole.
    real = out.getvalue().replace(",1\n", ",0\n", 1).encode()
    post_upload(researcher_client, data=real, filename="ctdc.csv", name="ctdc-real", schema_name="ctdc")
    assert not any("SYNTHETIC" in w for w in DatasetVersion.objects.get(dataset__name="ctdc-real").warnings)

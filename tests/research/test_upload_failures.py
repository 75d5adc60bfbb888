"""Uploads that are not one clean table: every failure ends the version invalid, with the row and reason."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from research import datasets, schemas
from research.models import Dataset, DatasetVersion
from research.storage import research_storage
from tests.research.conftest import TTA_NEEDS_CSV

pytestmark = pytest.mark.django_db
UPLOAD = reverse("research:dataset_upload")
EXTRA_FIELD = TTA_NEEDS_CSV + b"2025,Third Task Force,OH,5,housing,Housing,topic,2,5,surplus\n"
CTDC_HEADER = b"yearOfRegistration,gender,ageBroad"


@pytest.fixture
def researcher_client(role_user, client_for):
    return client_for(role_user("researcher"))


def post_upload(client, data, name="needs-2025", schema="tta_needs"):
    return client.post(
        UPLOAD,
        {
            "name": name,
            "schema_name": schema,
            "source": "Test",
            "licence": "Test only",
            "sensitive": "on",
            "file": SimpleUploadedFile(f"{name}.csv", data),
        },
    )


def stored_files():
    storage = research_storage()
    found = []

    def walk(folder):
        folders, files = storage.listdir(folder)
        found.extend(f"{folder}/{name}" for name in files)
        for sub in folders:
            walk(f"{folder}/{sub}")

    if storage.exists("datasets"):
        walk("datasets")
    return found


def test_a_small_csv_with_a_row_of_extra_fields_is_invalid_with_its_row_not_a_500(researcher_client):
    response = post_upload(researcher_client, EXTRA_FIELD)
    assert response.status_code == 302
    version = DatasetVersion.objects.get()
    assert version.status == DatasetVersion.Status.INVALID
    assert version.errors == [
        "The header names 9 columns, but row 3 has 10 fields. "
        "A value with a comma in it must be in double quotes."
    ]
    page = researcher_client.get(response["Location"])
    assert b"row 3 has 10 fields" in page.content


def test_a_large_csv_with_extra_fields_is_ended_invalid_by_the_worker(
    researcher_client, settings, django_capture_on_commit_callbacks
):
    settings.RESEARCH_INLINE_VALIDATION_BYTES = 10
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_upload(researcher_client, EXTRA_FIELD)
    assert DatasetVersion.objects.get().status == DatasetVersion.Status.PENDING
    callbacks[0]()  # the worker runs the validation task
    version = DatasetVersion.objects.get()
    assert version.status == DatasetVersion.Status.INVALID
    assert "row 3 has 10 fields" in version.errors[0]


def test_an_unexpected_failure_during_validation_still_ends_the_version(upload_version, monkeypatch):
    def broken(schema, frame):
        raise RuntimeError("disk went away")

    monkeypatch.setattr(schemas, "validate", broken)
    version = upload_version("needs-broken")
    version.refresh_from_db()
    assert version.status == DatasetVersion.Status.INVALID
    assert version.errors == ["The file could not be validated (RuntimeError: disk went away)."]


def test_a_version_that_cannot_be_saved_leaves_no_file_behind(monkeypatch):
    dataset = Dataset.objects.create(name="needs-x", schema_name="tta_needs", source="Test", licence="Test")
    before = stored_files()

    def refuse(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(DatasetVersion, "save", refuse)
    with pytest.raises(RuntimeError):
        datasets.store_version(dataset, TTA_NEEDS_CSV, None, original_name="needs.csv", validate_now=True)
    assert stored_files() == before


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            CTDC_HEADER + b",gender",
            "Column 'gender' appears twice (columns 2 and 4). Remove one of them and upload the file again.",
        ),
        (
            CTDC_HEADER + b",YearOfRegistration ",
            "Columns 'yearOfRegistration' (column 1) and 'YearOfRegistration ' (column 4) name the same "
            "column, spelt differently. Keep one of them and upload the file again.",
        ),
        (
            CTDC_HEADER + b",year_of_registration",
            "Columns 'yearOfRegistration' (column 1) and 'year_of_registration' (column 4) name the same "
            "column, spelt differently. Keep one of them and upload the file again.",
        ),
    ],
)
def test_duplicate_columns_get_a_clear_message(researcher_client, header, message):
    rows = b"\n2019,Female,18--20,2020\n2020,Male,21--23,2019\n"
    response = post_upload(researcher_client, header + rows, name="ctdc-dup", schema="ctdc")
    assert response.status_code == 302
    version = DatasetVersion.objects.get()
    assert version.status == DatasetVersion.Status.INVALID
    assert version.errors == [message]
    assert not any("gender.1" in text for text in version.errors + version.warnings)


def test_notebooks_reading_the_file_get_the_same_message(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_bytes(CTDC_HEADER + b",gender\n2019,Female,18--20,Male\n")
    with pytest.raises(ValueError, match="appears twice"):
        schemas.load("ctdc", path)


def test_a_large_workbook_whose_conversion_fails_unexpectedly_ends_invalid_and_leaves_no_file(
    researcher_client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    import openpyxl

    settings.RESEARCH_INLINE_VALIDATION_BYTES = 10
    book = openpyxl.Workbook()
    book.active.append(["cycle", "task_force"])
    buffer = io.BytesIO()
    book.save(buffer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        researcher_client.post(
            UPLOAD,
            {
                "name": "needs-book",
                "schema_name": "tta_needs",
                "source": "Test",
                "licence": "Test only",
                "sensitive": "on",
                "file": SimpleUploadedFile("needs.xlsx", buffer.getvalue()),
            },
        )
    version = DatasetVersion.objects.get()
    assert research_storage().exists(datasets.incoming_path(version))

    def broken(uploaded):
        raise MemoryError("workbook too large")

    monkeypatch.setattr(datasets, "to_csv_bytes", broken)
    callbacks[0]()
    version.refresh_from_db()
    assert version.status == DatasetVersion.Status.INVALID
    assert "MemoryError" in version.errors[0]
    assert not research_storage().exists(datasets.incoming_path(version))

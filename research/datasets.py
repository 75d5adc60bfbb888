"""Storing and validating dataset versions: uploads (CSV or Excel) and the platform's own exports.

Every version is stored as CSV (Excel is converted once, here), hashed, and
never overwritten. Small files are validated in the request; larger ones by a
worker, and the dataset page shows the outcome either way.
"""

import csv
import io
import logging
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max

from config.errors import ServiceError
from research import access, schemas, spreadsheet
from research.conf import setting
from research.models import Dataset, DatasetVersion
from research.provenance import sha256_file

EXCEL_SUFFIXES = {".xlsx"}
CSV_SUFFIXES = {".csv"}
Status = DatasetVersion.Status
logger = logging.getLogger(__name__)


class UploadError(ServiceError, ValueError):
    """An upload that cannot be stored; the message tells the researcher why."""


def to_csv_bytes(uploaded):
    """The upload as UTF-8 CSV bytes; Excel workbooks are converted (first sheet)."""
    suffix = PurePath(uploaded.name or "").suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        import pandas as pd

        try:
            frame = pd.read_excel(uploaded, sheet_name=0, dtype=str, keep_default_na=False, engine="openpyxl")
        except Exception as error:  # noqa: BLE001 - any unreadable workbook is the same answer
            raise UploadError(
                f"This Excel file could not be read ({type(error).__name__}). Save it as .xlsx."
            )
        out = io.StringIO()
        frame.to_csv(out, index=False, quoting=csv.QUOTE_MINIMAL)
        return out.getvalue().encode("utf-8")
    if suffix in CSV_SUFFIXES:
        data = uploaded.read()
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UploadError(
                "This CSV file is not UTF-8 text. Save it as \u201cCSV UTF-8\u201d and upload it again."
            )
        if b"\x00" in data:
            raise UploadError("This file holds binary data, not CSV text.")
        return data
    raise UploadError("Upload a .csv file or an Excel .xlsx workbook.")


def add_version(dataset, uploaded, by, *, original_name=None, validate_now=None):
    """Store a new version of ``dataset`` from an uploaded file; returns it (maybe still pending)."""
    if not access.can_upload_dataset(by) and by is not None:
        raise PermissionDenied("Only researchers and TTA staff can upload datasets.")
    is_excel = PurePath(uploaded.name or "").suffix.lower() in EXCEL_SUFFIXES
    if is_excel and not validate_now and uploaded.size > setting("RESEARCH_INLINE_VALIDATION_BYTES"):
        # Reading a large workbook takes a minute (openpyxl: ~12 s for 20,000 CTDC rows): the
        # worker converts it, as it validates large CSV files, and the dataset page shows the outcome.
        return _store_pending_excel(dataset, uploaded, by, original_name or uploaded.name)
    data = to_csv_bytes(uploaded)
    return store_version(
        dataset, data, by, original_name=original_name or uploaded.name, validate_now=validate_now
    )


def _next_version_number(dataset):
    """The dataset's next version number; call inside the transaction that creates the version."""
    # Lock the dataset so two uploads at once get numbers 1 and 2, not 1 twice.
    Dataset.objects.select_for_update().filter(pk=dataset.pk).first()
    return (dataset.versions.aggregate(n=Max("number"))["n"] or 0) + 1


def store_version(dataset, data: bytes, by, *, original_name, validate_now=None):
    digest = sha256_file(io.BytesIO(data))
    version = None
    try:
        with transaction.atomic():
            version = DatasetVersion(
                dataset=dataset,
                number=_next_version_number(dataset),
                original_name=str(original_name)[:255],
                sha256=digest,
                size=len(data),
                uploaded_by=by,
            )
            version.file.save("upload.csv", ContentFile(data), save=False)
            version.save()
            if validate_now is None:
                validate_now = len(data) <= setting("RESEARCH_INLINE_VALIDATION_BYTES")
            if not validate_now:
                from research.tasks import validate_dataset_version

                transaction.on_commit(lambda: validate_dataset_version.enqueue(version.pk))
    except BaseException:
        # The row was rolled back: a file stored for it would be on disk with nothing pointing at it.
        if version is not None and version.file.name:
            version.file.storage.delete(version.file.name)
        raise
    if validate_now:
        validate(version)
    return version


def incoming_path(version):
    """Where a large Excel upload waits for the worker to convert it (removed once converted)."""
    return f"datasets/{version.dataset.name}/incoming/v{version.number}.xlsx"


def _store_pending_excel(dataset, uploaded, by, original_name):
    from research.storage import research_storage
    from research.tasks import validate_dataset_version

    storage = research_storage()
    with transaction.atomic():
        # No file, hash or size yet: they are the CSV's, filled in once by the worker.
        version = DatasetVersion.objects.create(
            dataset=dataset,
            number=_next_version_number(dataset),
            original_name=str(original_name)[:255],
            sha256="",
            uploaded_by=by,
        )
        path = incoming_path(version)
        if storage.exists(path):  # left by a version row deleted before its conversion
            storage.delete(path)
        storage.save(path, uploaded)
        transaction.on_commit(lambda: validate_dataset_version.enqueue(version.pk))
    return version


def convert_pending_excel(version):
    """The worker's half of a large Excel upload: convert to CSV and fill the version's file once."""
    from research.storage import research_storage

    storage = research_storage()
    path = incoming_path(version)
    if not storage.exists(path):
        return False
    with storage.open(path, "rb") as handle:
        workbook = io.BytesIO(handle.read())
    workbook.name = version.original_name or "upload.xlsx"
    try:
        data = to_csv_bytes(workbook)
    except UploadError as error:
        version.errors = [str(error)]
        version.status = Status.INVALID
        version.save(update_fields=["errors", "status"])
        storage.delete(path)
        return False
    version.sha256 = sha256_file(io.BytesIO(data))
    version.size = len(data)
    version.file.save("upload.csv", ContentFile(data), save=False)
    version.save()
    storage.delete(path)
    return True


def summarise(frame):
    return [
        {
            "name": str(name),
            "non_empty": int((frame[name].astype(str).str.strip() != "").sum()),
            "distinct": int(frame[name].nunique()),
        }
        for name in frame.columns
    ]


def validate(version):
    """Check a stored version against its schema and record the outcome on it.

    Whatever goes wrong, the version ends valid or invalid with a reason, never pending."""
    try:
        return _check(version)
    except schemas.FileFormatError as error:
        return _mark_invalid(version, error.problems)
    except Exception as error:
        logger.exception("Validating dataset version %s failed", version.pk)
        return _mark_invalid(
            version,
            [f"The file could not be validated ({type(error).__name__}: {str(error)[:300]})."],
        )


def _mark_invalid(version, errors):
    from research.storage import research_storage

    version.errors = errors
    version.status = Status.INVALID
    DatasetVersion.objects.filter(pk=version.pk).update(errors=errors, status=Status.INVALID)
    # A large workbook still waiting for conversion would otherwise stay on disk with nothing to read it.
    storage = research_storage()
    if not version.file and storage.exists(incoming_path(version)):
        storage.delete(incoming_path(version))
    return version


def _check(version):
    if not version.file and not convert_pending_excel(version):
        if version.status == Status.PENDING:  # nothing to convert: the upload was lost
            version.errors = ["The uploaded workbook is missing; upload it again."]
            version.status = Status.INVALID
            version.save(update_fields=["errors", "status"])
        return version
    schema = schemas.SCHEMAS.get(version.dataset.schema_name)
    if schema is None:
        errors, warnings, frame = [f"Unknown schema {version.dataset.schema_name!r}."], [], None
    else:
        with version.file.open("rb") as handle:
            frame = schemas.read_frame(handle)
        report = schemas.validate(schema, frame)
        errors, warnings = report.errors, list(report.warnings)
        formulas = spreadsheet.formula_cells(frame)
        if formulas:
            where = ", ".join(f"'{name}' ({count})" for name, count in formulas.items())
            warnings.append(
                f"Some cells start with =, +, - or @ and are not numbers: {where}. A spreadsheet would run "
                "them as formulas, so downloads and result tables show them as text, after a quote (')."
            )
        if _all_synthetic(frame):
            # Files from research.synthetic carry the flag on every row; say so wherever the file shows.
            warnings.insert(
                0,
                "SYNTHETIC DATA: every row is marked isSynthetic. These are generated records, not real "
                "cases; results from them are illustrative only.",
            )
    version.errors = errors
    version.warnings = warnings
    version.row_count = len(frame) if frame is not None else None
    version.columns = summarise(frame) if frame is not None else []
    version.status = Status.INVALID if errors else Status.VALID
    version.save(update_fields=["errors", "warnings", "row_count", "columns", "status"])
    return version


def _all_synthetic(frame):
    column = schemas.SYNTHETIC_FLAG
    if frame is None or column not in frame.columns or not len(frame):
        return False
    return bool((frame[column].astype(str).str.strip() == "1").all())


def latest_valid(dataset):
    return dataset.versions.filter(status=Status.VALID).order_by("-number").first()


def resolve(reference):
    """``NAME`` or ``NAME@N`` to a valid DatasetVersion (the newest valid one without @N)."""
    name, _, number = str(reference).partition("@")
    dataset = Dataset.objects.filter(name=name).first()
    if dataset is None:
        raise UploadError(f"There is no dataset named {name!r}.")
    if number:
        if not number.isdigit():
            raise UploadError(f"{reference!r}: the version after @ must be a number.")
        version = dataset.versions.filter(number=int(number)).first()
        if version is None:
            raise UploadError(f"Dataset {name} has no version {number}.")
        if version.status != Status.VALID:
            raise UploadError(f"Version {version.label} did not pass validation.")
        return version
    version = latest_valid(dataset)
    if version is None:
        raise UploadError(f"Dataset {name} has no valid version yet.")
    return version

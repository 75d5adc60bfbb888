"""Datasets, their immutable versions, and notebook runs: the source of truth for the research pipeline.

A run's status lives here, not in the task queue: django-tasks knows no
cancel and no "timed out", so the queued task only carries the run's id.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from research.storage import research_storage


class Dataset(models.Model):
    """A named collection of data with one schema; its files are its versions."""

    name = models.SlugField(
        max_length=80, unique=True, help_text="Short name used to pick it for a run, e.g. ctdc-2024."
    )
    schema_name = models.CharField("schema", max_length=50)
    source = models.CharField(max_length=300, help_text="Where the data comes from.")
    licence = models.CharField(max_length=200, help_text="Terms the data may be used under.")
    sensitive = models.BooleanField(
        default=True, help_text="Counts under 5 are suppressed in anything a run records from it."
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # Platform exports (tta_needs, forum_topics...) are made by the site, not uploaded.
    is_platform_export = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("research:dataset", args=[self.name])


def _version_path(version, filename):
    return f"datasets/{version.dataset.name}/v{version.number}-{version.sha256[:12]}.csv"


class DatasetVersion(models.Model):
    """One stored file of a dataset. Never overwritten: a new upload is a new version."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being validated"
        VALID = "valid", "Valid"
        INVALID = "invalid", "Invalid"

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    # Always CSV: Excel uploads are converted when stored, so notebooks read one format.
    file = models.FileField(storage=research_storage, upload_to=_version_path, max_length=300)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    # [{"name": ..., "kind": ..., "non_empty": int, "distinct": int}]
    columns = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    IMMUTABLE_FIELDS = ("dataset_id", "number", "file", "sha256", "size")

    class Meta:
        ordering = ["dataset", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "number"], name="research_one_version_number"),
        ]

    def __str__(self):
        return f"{self.dataset.name}@{self.number}"

    def save(self, *args, **kwargs):
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values(*self.IMMUTABLE_FIELDS).first()
            current = {
                "dataset_id": self.dataset_id,
                "number": self.number,
                "file": self.file.name,
                "sha256": self.sha256,
                "size": self.size,
            }
            # A large Excel upload's version gets its CSV from the worker: filled once, then fixed.
            first_fill = stored and not stored["file"] and not stored["sha256"]
            if stored and stored != current and not first_fill:
                raise ValueError("A dataset version's file never changes; upload a new version instead.")
        super().save(*args, **kwargs)

    @property
    def label(self):
        return f"{self.dataset.name}@{self.number}"


class Run(models.Model):
    """One execution (or cache reuse) of a notebook with parameters on pinned dataset versions."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        TIMED_OUT = "timed_out", "Timed out"
        CANCELLED = "cancelled", "Cancelled"

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.TIMED_OUT, Status.CANCELLED)

    notebook_path = models.CharField(max_length=300, help_text="Path under notebooks/.")
    notebook_title = models.CharField(max_length=200, blank=True)
    notebook_sha256 = models.CharField(max_length=64)
    parameters = models.JSONField(default=dict, blank=True)
    parameters_json = models.TextField(help_text="Canonical JSON: sorted keys, no spaces.")
    parameters_sha256 = models.CharField(max_length=64)
    dataset_versions = models.ManyToManyField(DatasetVersion, blank=True, related_name="runs")
    # {schema: {"dataset": name, "version": n, "sha256": ...}}, pinned when queued.
    data_versions = models.JSONField(default=dict, blank=True)
    sensitive = models.BooleanField(default=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    cells_done = models.PositiveIntegerField(default=0)
    cells_total = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    executed_notebook = models.FileField(storage=research_storage, max_length=300, blank=True)
    results = models.JSONField(default=dict, blank=True)

    error_class = models.CharField(max_length=200, blank=True)
    error_message = models.TextField(blank=True)
    failing_cell = models.PositiveIntegerField(null=True, blank=True)
    traceback = models.TextField(blank=True)

    # Provenance.
    code_version = models.CharField(max_length=100, blank=True)
    packages_sha256 = models.CharField(max_length=64, blank=True)
    kernel_name = models.CharField(max_length=100, blank=True)
    kernel_version = models.CharField(max_length=100, blank=True)
    provenance_sha256 = models.CharField(max_length=64, db_index=True)
    host = models.CharField(max_length=255, blank=True)
    process_group = models.IntegerField(null=True, blank=True)
    worker_pid = models.IntegerField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    cache_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reused_by"
    )

    class Meta:
        ordering = ["-queued_at", "-pk"]
        indexes = [models.Index(fields=["provenance_sha256", "status"], name="research_run_cache_idx")]

    def __str__(self):
        return f"Run {self.pk} of {self.notebook_path}"

    def get_absolute_url(self):
        return reverse("research:run", args=[self.pk])

    @property
    def is_finished(self):
        return self.status in self.FINISHED

    @property
    def is_active(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def files_run(self):
        """The run whose stored files (executed notebook, figures) this run shows."""
        return self.cache_of or self

    @property
    def is_synthetic(self):
        """Made from synthetic records: generated by the notebook, or a synthetic upload it noticed."""
        return bool((self.results or {}).get("synthetic")) or any(
            entry.get("synthetic") for entry in (self.data_versions or {}).values()
        )

    @property
    def progress_percent(self):
        return int(100 * self.cells_done / self.cells_total) if self.cells_total else 0

    def figure_path(self, name):
        return f"runs/{self.files_run.pk}/{name}.png"

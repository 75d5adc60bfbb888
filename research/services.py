"""Actions that change runs: queue (or reuse a cached result), cancel.

Each checks its permission and runs in one transaction; a run is handed to the
``notebooks`` queue only once its row is committed.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from research import access, exports, provenance, registry
from research.conf import setting
from research.models import Run

Status = Run.Status


def pin_versions(notebook, chosen):
    """{schema: version entry} for each dataset the notebook needs; None means its synthetic data."""
    pinned = {}
    for schema in notebook.datasets:
        version = chosen.get(schema)
        if version is None and schema in exports.EXPORTS:
            # The platform's own data: a snapshot taken now, so the run never reads the live site.
            version = exports.snapshot(schema)
        if version is None:
            pinned[schema] = {"synthetic": True}
            continue
        if version.dataset.schema_name != schema:
            raise registry.ParameterError(
                f"Dataset {version.dataset.name} has schema {version.dataset.schema_name}, not {schema}."
            )
        if version.status != version.Status.VALID:
            raise registry.ParameterError(f"Dataset version {version.label} has not passed validation.")
        pinned[schema] = {
            "dataset": version.dataset.name,
            "version": version.number,
            "version_id": version.pk,
            "sha256": version.sha256,
            "sensitive": version.dataset.sensitive,
        }
    return pinned


def queue_run(notebook, parameters, chosen_versions, by):
    """Queue a run of ``notebook``; if an earlier success has the same provenance, reuse it instead.

    ``parameters`` are the researcher's (validated here again); ``chosen_versions``
    maps schema name to a DatasetVersion (or None for synthetic data). The
    versions are pinned now: a later upload does not change this run.
    """
    if not access.can_run_notebooks(by):
        raise PermissionDenied("Only researchers and TTA staff can run notebooks.")
    if not notebook.runnable:
        raise registry.ParameterError(notebook.error)
    typed = registry.validate_parameters(notebook, parameters)
    data_versions = pin_versions(notebook, chosen_versions)
    parameters_json = provenance.canonical_json(typed)
    kernel_name = setting("RESEARCH_KERNEL_NAME")
    fields = {
        "notebook_path": notebook.relative_path,
        "notebook_title": notebook.title,
        "notebook_sha256": notebook.sha256,
        "parameters": typed,
        "parameters_json": parameters_json,
        "parameters_sha256": provenance.sha256_text(parameters_json),
        "data_versions": data_versions,
        "sensitive": any(entry.get("sensitive") for entry in data_versions.values()),
        "code_version": provenance.code_version(),
        "packages_sha256": provenance.packages_sha256(),
        "kernel_name": kernel_name,
        "kernel_version": provenance.kernel_version(),
        "requested_by": by,
    }
    fields["provenance_sha256"] = provenance.provenance_sha256(
        notebook_path=fields["notebook_path"],
        notebook_sha256=fields["notebook_sha256"],
        parameters_sha256=fields["parameters_sha256"],
        data_versions=data_versions,
        kernel_name=kernel_name,
        disclosure=provenance.disclosure_rules(fields["sensitive"]),
    )
    version_ids = [e["version_id"] for e in data_versions.values() if "version_id" in e]
    with transaction.atomic():
        earlier = (
            Run.objects.filter(
                provenance_sha256=fields["provenance_sha256"], status=Status.SUCCEEDED, cache_of=None
            )
            .order_by("-ended_at")
            .first()
        )
        if earlier is not None and not _may_reuse(earlier, fields["sensitive"]):
            earlier = None
        if earlier is not None:
            now = timezone.now()
            # Nothing runs: the kernel is the one the earlier run really used.
            fields["kernel_version"] = earlier.kernel_version or fields["kernel_version"]
            run = Run.objects.create(
                **fields,
                status=Status.SUCCEEDED,
                cache_of=earlier,
                results=earlier.results,
                executed_notebook=earlier.executed_notebook.name,
                cells_done=earlier.cells_done,
                cells_total=earlier.cells_total,
                started_at=now,
                ended_at=now,
                duration_seconds=0,
            )
            run.dataset_versions.set(version_ids)
            return run
        run = Run.objects.create(**fields)
        run.dataset_versions.set(version_ids)
        from research.tasks import execute_run

        transaction.on_commit(lambda: execute_run.enqueue(run.pk))
    return run


def _may_reuse(earlier, sensitive):
    """Belt and braces to the key: results recorded without suppression never serve a sensitive run."""
    if not sensitive:
        return True
    return earlier.sensitive and bool((earlier.results or {}).get("sensitive", True))


def cancel_run(run, by):
    """Cancel a queued run at once; ask a running run's worker to stop its kernel."""
    if not access.can_cancel_run(by, run):
        raise PermissionDenied("You cannot cancel this run.")
    now = timezone.now()
    with transaction.atomic():
        if Run.objects.filter(pk=run.pk, status=Status.QUEUED).update(
            status=Status.CANCELLED,
            cancel_requested=True,
            ended_at=now,
            error_message="Cancelled before it started.",
        ):
            return True
        return bool(Run.objects.filter(pk=run.pk, status=Status.RUNNING).update(cancel_requested=True))

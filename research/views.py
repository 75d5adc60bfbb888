"""Research pages under /research/: notebooks and their parameter forms, datasets, runs and their files.

Every view is gated by ``research.access``; files are read from protected
storage and sent only through these views.
"""

import contextlib
import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from config import protected_files
from research import access, datasets, registry, services, spreadsheet
from research.access import researchers_only
from research.forms import DatasetUploadForm, RunForm
from research.models import Dataset, Run
from research.storage import research_storage

RUNS_PER_PAGE = 50


@researchers_only
def index(request):
    notebooks = registry.discover()
    recent = Run.objects.select_related("requested_by")[:10]
    return render(request, "research/index.html", {"notebooks": notebooks, "recent_runs": recent})


@researchers_only
def notebook_detail(request, slug):
    try:
        notebook = registry.get(slug)
    except registry.NotebookNotFound:
        raise Http404("No such notebook.")
    form = None
    if notebook.runnable:
        form = RunForm(notebook, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                run = services.queue_run(notebook, form.parameters, form.versions, request.user)
            except registry.ParameterError as error:
                form.add_error(None, str(error))
            else:
                if run.cache_of_id:
                    messages.success(request, "An identical earlier run succeeded: its results are reused.")
                else:
                    messages.success(request, "Run queued. This page follows its progress.")
                return redirect(run)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "research/notebook_detail.html", {"notebook": notebook, "form": form}, status=status
    )


@researchers_only
def dataset_list(request):
    items = Dataset.objects.prefetch_related("versions").order_by("name")
    return render(request, "research/dataset_list.html", {"datasets": items})


@researchers_only
def dataset_upload(request):
    form = DatasetUploadForm(request.POST or None, request.FILES or None, initial=_upload_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                dataset = data["existing"] or Dataset.objects.create(
                    name=data["name"],
                    schema_name=data["schema_name"],
                    source=data["source"],
                    licence=data["licence"],
                    sensitive=data["sensitive"],
                    owner=request.user,
                )
                version = datasets.add_version(dataset, data["file"], request.user)
        except datasets.UploadError as error:
            form.add_error("file", str(error))
        else:
            if version.status == version.Status.PENDING:
                messages.success(request, "Uploaded. It is being validated; this page shows the outcome.")
            elif version.status == version.Status.INVALID:
                messages.warning(request, f"Version {version.number} was stored but did not pass validation.")
            else:
                messages.success(request, f"Version {version.number} stored and valid.")
            return redirect(dataset)
    status = 400 if request.method == "POST" else 200
    return render(request, "research/dataset_upload.html", {"form": form}, status=status)


def _upload_initial(request):
    name = request.GET.get("dataset")
    return {"existing": name} if name else {}


@researchers_only
def dataset_detail(request, name):
    dataset = get_object_or_404(Dataset.objects.select_related("owner"), name=name)
    if not access.can_view_dataset(request.user, dataset):
        raise PermissionDenied
    versions = dataset.versions.select_related("uploaded_by")
    pending = any(v.status == v.Status.PENDING for v in versions)
    return render(
        request,
        "research/dataset_detail.html",
        {"dataset": dataset, "versions": versions, "refresh": pending},
    )


@researchers_only
def dataset_download(request, name, number):
    dataset = get_object_or_404(Dataset, name=name)
    version = get_object_or_404(dataset.versions, number=number)
    if not access.can_view_dataset(request.user, dataset):
        raise PermissionDenied
    filename = f"{dataset.name}-v{number}.csv"
    storage = research_storage()
    if not version.file.name or not storage.exists(version.file.name):
        raise Http404("File not found.")

    def opened():
        return storage.open(version.file.name, "rb")

    if not spreadsheet.has_formulas(opened):
        return _send(version.file.name, filename, "text/csv")
    # Formula-like cells go out as text; the stored file (and its hash) stays as uploaded.
    response = StreamingHttpResponse(
        spreadsheet.safe_csv_lines(opened), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@researchers_only
def run_list(request):
    runs = Run.objects.select_related("requested_by", "cache_of")
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "research/run_list.html", {"runs": page.object_list, "page": page})


def _get_run(request, pk):
    run = get_object_or_404(Run.objects.select_related("requested_by", "cache_of"), pk=pk)
    if not access.can_view_run(request.user, run):
        raise PermissionDenied
    return run


@researchers_only
def run_detail(request, pk):
    run = _get_run(request, pk)
    notebook = None
    with contextlib.suppress(registry.NotebookNotFound):
        notebook = registry.get(run.notebook_path.removeprefix("notebooks/").removesuffix(".ipynb"))
    from research.notebook_html import plain_text
    from research.publishing import markdown_html

    context = {
        "run": run,
        "error_message": plain_text(run.error_message),
        "traceback": plain_text(run.traceback),
        # Notes are the notebook's markdown: untrusted, so rendered with the brief's small tag set.
        "notes": [markdown_html(str(note)) for note in (run.results or {}).get("notes", [])],
        "versions": run.dataset_versions.select_related("dataset"),
        "can_cancel": access.can_cancel_run(request.user, run),
        "can_publish": access.can_publish_brief(request.user, run) and bool(notebook and notebook.brief),
        "notebook": notebook,
        "refresh": run.is_active,
    }
    return render(request, "research/run_detail.html", context)


@researchers_only
@require_POST
def run_cancel(request, pk):
    run = _get_run(request, pk)
    if not access.can_cancel_run(request.user, run):
        messages.warning(request, "This run has already finished.")
        return redirect(run)
    services.cancel_run(run, request.user)
    messages.success(request, "Cancel requested: the run stops within a few seconds.")
    return redirect(run)


@researchers_only
def run_notebook_html(request, pk):
    run = _get_run(request, pk)
    if not run.executed_notebook:
        raise Http404("This run has no executed notebook.")
    import nbformat

    from research import notebook_html

    with run.executed_notebook.open("rb") as handle:
        node = nbformat.read(handle, as_version=4)
    body = notebook_html.render(node)
    return render(request, "research/run_notebook.html", {"run": run, "body": body})


@researchers_only
def run_notebook_download(request, pk):
    run = _get_run(request, pk)
    if not run.executed_notebook:
        raise Http404("This run has no executed notebook.")
    name = run.notebook_path.rsplit("/", 1)[-1].removesuffix(".ipynb")
    return _send(run.executed_notebook.name, f"{name}-run-{run.pk}.ipynb", "application/x-ipynb+json")


@researchers_only
def run_figure(request, pk, name):
    run = _get_run(request, pk)
    if name not in {f.get("name") for f in run.results.get("figures", [])}:
        raise Http404("No such figure.")
    return _send(run.figure_path(name), f"{name}.png", "image/png", attachment=False)


@researchers_only
@require_POST
def run_publish(request, pk):
    from research import publishing

    run = _get_run(request, pk)
    if not access.can_publish_brief(request.user, run):
        raise PermissionDenied("Only a succeeded run can become a brief draft.")
    try:
        page = publishing.create_brief_draft(run, request.user)
    except publishing.PublishingError as error:
        messages.warning(request, str(error))
        return redirect(run)
    messages.success(request, f"Draft of \u201c{page.title}\u201d saved and submitted for review.")
    return redirect(run)


def _send(path, filename, content_type, attachment=True):
    storage = research_storage()
    if not path or not storage.exists(path):
        raise Http404("File not found.")
    response = protected_files.file_response(
        storage,
        path,
        as_attachment=attachment,
        filename=filename,
        content_type=content_type or mimetypes.guess_type(filename)[0],
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response

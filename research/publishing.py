"""Turning a succeeded run into an evidence brief draft, submitted to the review workflow.

The notebook's ``tfc.brief`` slug names the EvidenceBriefPage under /briefs/.
Results become key figures, tables and charts (PNG with alt text, each chart with
its data table; the images wait under unguessable names in the restricted collection
of unreviewed drafts until the page is published: research.brief_media). A sensitive
run whose recorded figures show a count under the threshold is refused
(research.disclosure), whatever produced them. Markdown cells become
the narrative (a "Method" or "Limitations" heading routes what follows to those
fields); the run's provenance fills the provenance box. The page is saved as a
new revision, never published: the live page only changes when reviewers approve.
"""

import re

import nbformat
import nh3
from django.core.files.images import ImageFile
from django.db import transaction
from markdown_it import MarkdownIt
from wagtail.images import get_image_model

from cms.media import draft_media_collection
from config.errors import ServiceError
from research import access, brief_media, disclosure, registry, suppression
from research.spreadsheet import safe_cell
from research.storage import research_storage

RICH_TAGS = {"p", "b", "i", "a", "ul", "ol", "li", "br"}
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
SECTION_FIELDS = {"method": "method", "methods": "method", "limitations": "limitations"}


class PublishingError(ServiceError):
    """Why a run cannot become a brief draft, in words for the researcher."""


def markdown_html(markdown_text):
    """Untrusted markdown (a notebook's) as the few tags Wagtail's rich text keeps; no raw HTML."""
    html = MarkdownIt("commonmark", {"html": False}).render(markdown_text)
    # Wagtail's rich text stores bold and italic as <b> and <i>.
    html = re.sub(r"<(/?)strong>", r"<\1b>", html)
    html = re.sub(r"<(/?)em>", r"<\1i>", html)
    return nh3.clean(
        html, tags=RICH_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"}
    )


def narrative_from_notebook(path):
    """(narrative blocks, method html, limitations html) from the markdown cells; code is left out."""
    node = nbformat.read(str(path), as_version=4)
    blocks, sections = [], {"method": [], "limitations": []}
    current = None
    for cell in node.cells:
        if cell.cell_type != "markdown":
            continue
        buffer = []

        def flush(lines, section):
            text = "\n".join(lines).strip()
            lines.clear()
            if not text:
                return
            if section:
                sections[section].append(markdown_html(text))
            else:
                blocks.append({"type": "paragraph", "value": markdown_html(text)})

        for line in cell.source.splitlines():
            match = HEADING.match(line)
            if not match:
                buffer.append(line)
                continue
            flush(buffer, current)
            text = match.group(2).strip()
            level = len(match.group(1))
            if level == 1:
                current = None  # the notebook's title: the page has its own
                continue
            current = SECTION_FIELDS.get(text.lower().rstrip(":"))
            if current is None:
                blocks.append(
                    {"type": "heading", "value": {"text": text[:200], "level": "h2" if level == 2 else "h3"}}
                )
        flush(buffer, current)
    return blocks, "".join(sections["method"]), "".join(sections["limitations"])


def _table(columns, rows):
    return {
        # Results recorded before labels were neutralised reach the brief through here too.
        "data": [[safe_cell(str(c)) for c in columns]]
        + [[safe_cell(str(cell)) for cell in row] for row in rows],
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_header_choice": "row",
    }


def _brief_page(slug, title, summary):
    from cms.models.briefs import BriefIndexPage, EvidenceBriefPage

    page = EvidenceBriefPage.objects.filter(slug=slug).first()
    if page is not None:
        return page, False
    index = BriefIndexPage.objects.first()
    if index is None:
        raise PublishingError("There is no /briefs/ page to put the brief under. Ask an editor to create it.")
    page = EvidenceBriefPage(title=title, slug=slug, summary=summary, live=False)
    index.add_child(instance=page)
    return page, True


def create_brief_draft(run, by):
    """Create or update the brief draft for ``run`` and submit it for review; returns the page."""
    notebook = _publishable_notebook(run, by)
    _refuse_small_counts(run)
    results = run.results or {}
    source = f"Research run #{run.pk} ({run.notebook_path})"
    narrative, method, limitations = _narrative(notebook, results)

    with transaction.atomic():
        page, _created = _brief_page(
            notebook.brief, notebook.title, notebook.summary or f"Findings of the {notebook.title} notebook."
        )
        draft = page.get_latest_revision_as_object()
        charts = _charts(run, results, by, source)
        draft.key_figures = _key_figures(results, source, run.is_synthetic)
        draft.tables = _tables(results, source)
        draft.charts = charts
        draft.narrative = narrative
        if method:
            draft.method = method
        if limitations:
            draft.limitations = limitations
        if notebook.summary and not draft.summary:
            draft.summary = notebook.summary
        draft.data_sources = _data_sources(run)
        _record_provenance(draft, run)
        revision = _submit_for_review(page, draft, by)
    page.refresh_from_db()
    page.latest_draft_revision = revision
    return page


def _publishable_notebook(run, by):
    """The notebook ``run`` ran, if ``by`` may publish the run and the notebook names its brief."""
    if not access.can_publish_brief(by, run):
        raise PublishingError("Only a succeeded run can become a brief draft.")
    slug = run.notebook_path.removeprefix("notebooks/").removesuffix(".ipynb")
    try:
        notebook = registry.get(slug)
    except registry.NotebookNotFound:
        raise PublishingError(f"The notebook {run.notebook_path} is no longer in the repository.")
    if not notebook.brief or not registry.SLUG.match(notebook.brief):
        raise PublishingError("This notebook does not name a brief (tfc.brief in its metadata).")
    return notebook


def _refuse_small_counts(run):
    """Refuse a sensitive run whose recorded results show a count under the threshold."""
    problems = disclosure.unsuppressed_problems(run)
    if problems:
        # Whatever produced these results, a sensitive run's small counts never reach a draft.
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise PublishingError(
            "This run's data are sensitive, but its results show counts under "
            f"{suppression.THRESHOLD}: {shown}. Run the notebook again so they are suppressed."
        )


def _narrative(notebook, results):
    """(narrative blocks, method html, limitations html): the notebook's prose, then the run's notes."""
    narrative, method, limitations = narrative_from_notebook(notebook.path)
    notes = [str(note) for note in results.get("notes", []) if str(note).strip()]
    if notes:
        # What the run itself had to say about its data (synthetic records, CTDC columns it
        # could not use) belongs in the brief as much as the notebook's prose does.
        narrative.append({"type": "heading", "value": {"text": "Notes on this run's data", "level": "h2"}})
        narrative += [{"type": "paragraph", "value": markdown_html(note)} for note in notes]
    return narrative, method, limitations


def _charts(run, results, by, source):
    """Chart blocks for the run's figures, each image saved to the unreviewed drafts' collection."""
    # Unreviewed: only editors, reviewers and researchers may fetch these until the page is
    # published (research.brief_media moves them then).
    collection = draft_media_collection()
    charts = []
    storage = research_storage()
    for figure in results.get("figures", []):
        path = run.figure_path(figure["name"])
        if not storage.exists(path):
            continue
        image = _chart_image(storage, path, figure, collection, by)
        data = figure.get("data") or {"columns": [], "rows": []}
        charts.append(
            {
                "type": "chart",
                "value": {
                    "title": (figure.get("caption") or figure["name"])[:200],
                    "image": image.pk,
                    "alt_text": (figure.get("alt") or figure.get("caption") or "")[:500],
                    "table": _table(data.get("columns", []), data.get("rows", [])),
                    "source": source,
                    "illustrative": run.is_synthetic,
                },
            }
        )
    return charts


def _chart_image(storage, path, figure, collection, by):
    """One figure's PNG as a Wagtail image under an unguessable name in ``collection``."""
    Image = get_image_model()
    with storage.open(path, "rb") as handle:
        image = Image(
            title=(figure.get("caption") or figure["name"])[:255],
            # Wagtail offers an image's description as its default alt text wherever
            # an editor reuses it from the library.
            description=(figure.get("alt") or figure.get("caption") or "")[:255],
            collection=collection,
            uploaded_by_user=by,
        )
        image.file.save(brief_media.draft_image_name(), ImageFile(handle), save=False)
        image.save()
    return image


def _key_figures(results, source, synthetic):
    """Key-figure blocks for the run's recorded numbers."""
    return [
        {
            "type": "figure",
            "value": {
                "value": str(n.get("display", ""))[:40],
                "unit": str(n.get("unit", ""))[:40],
                "sentence": str(n.get("sentence") or n.get("name")),
                "source": source,
                "illustrative": synthetic,
            },
        }
        for n in results.get("numbers", [])
    ]


def _tables(results, source):
    """Table blocks for the run's recorded tables."""
    return [
        {
            "type": "table",
            "value": {
                "caption": str(t.get("caption") or t.get("name"))[:300],
                "table": _table(t.get("columns", []), t.get("rows", [])),
                "source": source,
            },
        }
        for t in results.get("tables", [])
    ]


def _data_sources(run):
    """One source block per dataset the run read: its name, version and checksum (none for synthetic data)."""
    return [
        {
            "type": "source",
            "value": {
                "name": "Synthetic data (generated, not real cases)" if v.get("synthetic") else v["dataset"],
                "version": "" if v.get("synthetic") else f"v{v['version']}, SHA-256 {v['sha256'][:16]}",
                "url": "",
                "description": f"Schema {schema}.",
            },
        }
        for schema, v in run.data_versions.items()
    ]


def _record_provenance(draft, run):
    """Fill the draft's provenance box: notebook, run, parameters, dataset versions, date."""
    draft.provenance_notebook = run.notebook_path
    draft.provenance_run_id = str(run.pk)
    draft.provenance_parameters = run.parameters
    draft.provenance_data_versions = {
        schema: {k: val for k, val in v.items() if k != "version_id"}
        for schema, v in run.data_versions.items()
    }
    draft.provenance_date = run.ended_at


def _submit_for_review(page, draft, by):
    """Save the draft as a new revision (never published) and start the page's workflow if none runs."""
    revision = draft.save_revision(user=by, log_action=True)
    workflow = draft.get_workflow()
    if workflow is not None and not page.workflow_in_progress:
        workflow.start(page.specific, by)
    return revision

"""Evidence briefs under /briefs/: findings from the research partner, written by hand or by a notebook run.

The research pipeline fills a brief by setting these fields (StreamFields take
their raw JSON form, a list of {"type": ..., "value": ...}):

- ``summary``: plain text, two or three sentences.
- ``key_figures``: ``figure`` blocks: value, unit, sentence, source, illustrative.
- ``charts``: ``chart`` blocks: title, image (an image id in the members-only
  or public collection, matching the brief's privacy), alt_text, table
  (Wagtail table data: {"data": [[header...], [row...]], "table_header_choice": "row" or
  "both", "first_row_is_table_header": true, "first_col_is_header": ...}), source, illustrative.
- ``tables``: ``table`` blocks: caption, table, source.
- ``narrative``: paragraphs, headings, quotes, images.
- ``method`` and ``limitations``: rich text (HTML limited to the editor's features).
- ``data_sources``: ``source`` blocks: name, version, url, description.
- ``provenance_*``: the notebook path, the run id, the parameters and the data
  versions (JSON objects), and when the run happened. A hand-written brief
  leaves them empty and the page says so.

The draft then goes through the same review workflow as a practice.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from cms import blocks
from cms.models.content import ContentPage, RoutesToOneChildType, TaggedPage

SHOWN_NUMBER = re.compile(r"[+-]?[\d,]*\.?\d+%?")
ALL_SUPPRESSED_MESSAGE = (
    "Every figure of this brief is suppressed: readers would see no numbers. "
    "Confirm that it should still be published, or send it back to the researcher."
)


class EvidenceBriefPageForm(ContentPage.base_form_class):
    """The page form: publishing or approving from the editor names the missing confirmation on the form
    (the model's ``clean`` refuses it on every other path too)."""

    def _post_clean(self):
        # A new page's ``live`` is True until Wagtail's create view saves it as a draft, so the model's
        # own check would refuse saving or submitting a draft; the form decides by the action instead.
        self.instance._suppression_checked_by_form = True
        try:
            super()._post_clean()
        finally:
            del self.instance._suppression_checked_by_form
        publishing = "action-publish" in self.data or self.data.get("workflow-action-name") == "approve"
        page = self.instance
        if publishing and page.all_figures_suppressed and not page.suppression_confirmed:
            self.add_error("suppression_confirmed", ALL_SUPPRESSED_MESSAGE)


class BriefIndexPage(RoutesToOneChildType, Page):
    """/briefs/: evidence briefs, newest first."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.EvidenceBriefPage"]
    max_count = 1
    template = "cms/brief_index_page.html"

    def get_context(self, request, *args, **kwargs):
        from cms.listings import brief_listing

        context = super().get_context(request, *args, **kwargs)
        context["listing"] = brief_listing(self, request)
        return context


class EvidenceBriefPage(TaggedPage):
    key_figures = StreamField([("figure", blocks.KeyFigureBlock())], blank=True, use_json_field=True)
    charts = StreamField([("chart", blocks.ChartBlock())], blank=True, use_json_field=True)
    tables = StreamField([("table", blocks.CaptionedTableBlock())], blank=True, use_json_field=True)
    narrative = StreamField(blocks.narrative_blocks(), blank=True, use_json_field=True)
    method = RichTextField(blank=True, features=blocks.TEXT_FEATURES)
    data_sources = StreamField([("source", blocks.DataSourceBlock())], blank=True, use_json_field=True)
    limitations = RichTextField(blank=True, features=blocks.TEXT_FEATURES)

    provenance_notebook = models.CharField(
        "notebook", max_length=300, blank=True, help_text="Path of the notebook in the repository."
    )
    provenance_run_id = models.CharField("run", max_length=100, blank=True)
    provenance_parameters = models.JSONField("parameters", default=dict, blank=True)
    provenance_data_versions = models.JSONField("data versions", default=dict, blank=True)
    provenance_date = models.DateTimeField("run date", null=True, blank=True)
    suppression_confirmed = models.BooleanField(
        "publish although every figure is suppressed",
        default=False,
        help_text=(
            "Every key figure, chart and table of this brief is hidden as a small count. Tick this only if "
            "the brief is still worth publishing (its text says something without the numbers)."
        ),
    )

    search_kind = "brief"
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("key_figures"),
        FieldPanel("charts"),
        FieldPanel("tables"),
        FieldPanel("narrative"),
        FieldPanel("method"),
        FieldPanel("data_sources"),
        FieldPanel("limitations"),
        MultiFieldPanel(
            [
                FieldPanel("provenance_notebook"),
                FieldPanel("provenance_run_id"),
                FieldPanel("provenance_parameters"),
                FieldPanel("provenance_data_versions"),
                FieldPanel("provenance_date"),
                FieldPanel("suppression_confirmed"),
            ],
            heading="Provenance",
            help_text="Filled by the research pipeline; empty for a brief written by hand.",
        ),
        *TaggedPage.tag_panels,
        ContentPage.privacy_panel,
    ]
    api_fields = TaggedPage.api_fields + [
        APIField(name)
        for name in (
            "key_figures",
            "charts",
            "tables",
            "narrative",
            "method",
            "data_sources",
            "limitations",
            "provenance_notebook",
            "provenance_run_id",
            "provenance_parameters",
            "provenance_data_versions",
            "provenance_date",
        )
    ]
    parent_page_types = ["cms.BriefIndexPage"]
    subpage_types = []
    template = "cms/evidence_brief_page.html"
    base_form_class = EvidenceBriefPageForm

    class Meta:
        verbose_name = "evidence brief"

    @property
    def all_figures_suppressed(self):
        """A run's brief whose key figures, charts and tables show no number at all: all "<5" or hidden."""
        if not self.has_provenance or not (self.key_figures or self.charts or self.tables):
            return False
        values = [block.value.get("value", "") for block in self.key_figures]
        for block in (*self.charts, *self.tables):
            rows = (block.value.get("table") or {}).get("data") or []
            values += [cell for row in rows[1:] for cell in row[1:]]  # not the header row or label column
        return not any(SHOWN_NUMBER.fullmatch(str(value or "").strip()) for value in values)

    def clean(self):
        super().clean()
        # Checked on every publish (Wagtail validates a page fully when it goes live), whichever way.
        if getattr(self, "_suppression_checked_by_form", False):
            return
        if self.live and self.all_figures_suppressed and not self.suppression_confirmed:
            raise ValidationError({"suppression_confirmed": ALL_SUPPRESSED_MESSAGE})

    @property
    def has_provenance(self):
        return bool(self.provenance_notebook or self.provenance_run_id)

    @property
    def data_version_rows(self):
        """The data versions as table rows (schema, dataset, version, SHA-256) for the provenance box.

        The field is JSON an editor may also type, so anything that is not the pipeline's shape
        still shows as plain text rather than breaking the page."""
        rows = []
        for schema, entry in (self.provenance_data_versions or {}).items():
            if not isinstance(entry, dict):
                rows.append({"schema": schema, "dataset": str(entry), "version": "", "sha256": ""})
            elif entry.get("synthetic"):
                rows.append(
                    {"schema": schema, "dataset": "Synthetic data (generated)", "version": "", "sha256": ""}
                )
            else:
                version = entry.get("version")
                rows.append(
                    {
                        "schema": schema,
                        "dataset": str(entry.get("dataset", "")),
                        "version": f"v{version}" if version not in (None, "") else "",
                        "sha256": str(entry.get("sha256", "")),
                    }
                )
        return rows

    @property
    def has_illustrative_figures(self):
        return any(block.value.get("illustrative") for block in (*self.key_figures, *self.charts))

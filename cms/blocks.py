"""StreamField blocks of the CMS: article body parts, e-Guide call-outs, and the parts of an evidence brief.

Block templates live in ``cms/templates/cms/blocks/``. Every image block asks
for alt text; every table and chart carries a caption, so screen-reader users
get the same information as everyone else.
"""

from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]
SHORT_TEXT_FEATURES = ["bold", "italic", "link", "document-link"]

TABLE_OPTIONS = {"startRows": 3, "startCols": 3, "colHeaders": False, "rowHeaders": False}


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section heading"), ("h3", "Subsection heading")],
        default="h2",
        help_text="Headings must follow in order: a subsection sits under a section.",
    )

    class Meta:
        icon = "title"
        template = "cms/blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=300,
        help_text="What the picture shows, for people who cannot see it. Required.",
    )
    caption = blocks.CharBlock(required=False, max_length=300)

    class Meta:
        icon = "image"
        template = "cms/blocks/image.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    link_text = blocks.CharBlock(required=False, max_length=200, help_text="Defaults to the document title.")

    class Meta:
        icon = "doc-full"
        template = "cms/blocks/document.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "cms/blocks/quote.html"


class CaptionedTableBlock(blocks.StructBlock):
    caption = blocks.CharBlock(
        max_length=300, help_text="Says what the table shows; read first by screen readers."
    )
    table = TableBlock(table_options=TABLE_OPTIONS)
    source = blocks.CharBlock(required=False, max_length=300)

    class Meta:
        icon = "table"
        template = "cms/blocks/table.html"


class CalloutBlock(blocks.StructBlock):
    """An OVC e-Guide call-out; ``kind`` is the slug of its taxonomy term (facet callout_kind)."""

    title = blocks.CharBlock(max_length=200)
    body = blocks.RichTextBlock(features=[*SHORT_TEXT_FEATURES, "ol", "ul"])

    def __init__(self, kind, kind_label, **kwargs):
        self.kind, self.kind_label = kind, kind_label
        super().__init__(**kwargs)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return path, (self.kind, self.kind_label, *args), kwargs

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context.update(kind=self.kind, kind_label=self.kind_label)
        return context

    class Meta:
        icon = "tip"
        template = "cms/blocks/callout.html"


class KeyTermBlock(blocks.StructBlock):
    term = blocks.CharBlock(max_length=120)
    definition = blocks.RichTextBlock(features=SHORT_TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = "Key term"
        template = "cms/blocks/key_term.html"


CALLOUT_BLOCKS = [
    ("smart_tip", CalloutBlock("smart-tip", "Smart tip", label="Smart tip")),
    (
        "case_study",
        CalloutBlock("example-or-case-study", "Example or case study", label="Example or case study"),
    ),
    ("tool", CalloutBlock("tool", "Tool", label="Tool", icon="cog")),
    ("key_term", KeyTermBlock()),
]


def body_blocks():
    """The blocks of a practice or standard page body."""
    return [
        ("paragraph", blocks.RichTextBlock(features=TEXT_FEATURES, template="cms/blocks/paragraph.html")),
        ("heading", HeadingBlock()),
        ("image", ImageBlock()),
        ("document", DocumentBlock()),
        ("quote", QuoteBlock()),
        ("table", CaptionedTableBlock()),
        *CALLOUT_BLOCKS,
    ]


class CitationBlock(blocks.StructBlock):
    text = blocks.TextBlock(help_text="The reference as it should be cited.")
    url = blocks.URLBlock(required=False)

    class Meta:
        icon = "link"
        template = "cms/blocks/citation.html"


class EpisodeBlock(blocks.StructBlock):
    """One video of a series, with the questions a roll-call facilitator asks after it."""

    title = blocks.CharBlock(max_length=200)
    summary = blocks.TextBlock(required=False)
    url = blocks.URLBlock(required=False)
    questions = blocks.ListBlock(blocks.CharBlock(max_length=500), label="Discussion questions")

    class Meta:
        icon = "media"
        template = "cms/blocks/episode.html"


# --- Evidence briefs ----------------------------------------------------------
# The research pipeline writes these blocks as JSON (the StreamField's raw
# form), so their field names are part of its contract: see EvidenceBriefPage.


class KeyFigureBlock(blocks.StructBlock):
    """A number that matters, with its unit and the sentence that gives it meaning."""

    value = blocks.CharBlock(max_length=40, help_text='As it should read, e.g. "2,515" or "82".')
    unit = blocks.CharBlock(required=False, max_length=40, help_text='e.g. "%" or "incidents".')
    sentence = blocks.TextBlock(help_text="One sentence saying what the figure means and for when.")
    source = blocks.CharBlock(required=False, max_length=300)
    illustrative = blocks.BooleanBlock(
        required=False,
        help_text="Tick when the figure is an illustration, not a measured result from a cited source.",
    )

    class Meta:
        icon = "pick"
        template = "cms/blocks/key_figure.html"


class ChartBlock(blocks.StructBlock):
    """A chart image and the data table it was drawn from, shown side by side."""

    title = blocks.CharBlock(max_length=200)
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(max_length=500, help_text="Summarise what the chart shows, not how it looks.")
    table = TableBlock(table_options=TABLE_OPTIONS, help_text="The numbers the chart is drawn from.")
    source = blocks.CharBlock(required=False, max_length=300)
    illustrative = blocks.BooleanBlock(required=False, help_text="Tick when the data are illustrative.")

    class Meta:
        icon = "image"
        template = "cms/blocks/chart.html"


class DataSourceBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=200)
    version = blocks.CharBlock(required=False, max_length=100, help_text="Release, file date or checksum.")
    url = blocks.URLBlock(required=False)
    description = blocks.TextBlock(required=False)

    class Meta:
        icon = "table"
        template = "cms/blocks/data_source.html"


def narrative_blocks():
    return [
        ("paragraph", blocks.RichTextBlock(features=TEXT_FEATURES, template="cms/blocks/paragraph.html")),
        ("heading", HeadingBlock()),
        ("quote", QuoteBlock()),
        ("image", ImageBlock()),
    ]

"""POST data for the Wagtail admin page forms, built with Wagtail's form-data helpers."""

from django.utils.text import slugify
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests.cms import factories


def paragraph(html="<p>Check every target with the regional deconfliction system.</p>"):
    return ("paragraph", rich_text(html, features=["bold", "italic", "link", "document-link", "ol", "ul"]))


def image_block(image, alt="Bar chart of incidents by type"):
    return ("image", {"image": image.pk, "alt_text": alt, "caption": ""})


def document_block(document):
    return ("document", {"document": document.pk, "link_text": ""})


def smart_tip(title="Count what you find", html="<p>Record how each case began.</p>"):
    return ("smart_tip", {"title": title, "body": rich_text(html)})


def practice_form(
    title="Deconfliction before every operation", blocks=None, topics=(), audiences=(), **fields
):
    data = nested_form_data(
        {
            "title": title,
            "slug": fields.pop("slug", slugify(title)[:50]),
            "summary": fields.pop("summary", "Check every target before acting."),
            "body": streamfield(blocks if blocks is not None else [paragraph()]),
            "citations": streamfield(fields.pop("citations", [])),
            "evidence_level": fields.pop("evidence_level", "promising"),
            "visibility": fields.pop("visibility", "public"),
            "last_reviewed": fields.pop("last_reviewed", ""),
            "next_review_due": fields.pop("next_review_due", ""),
            "comments": inline_formset([]),
            **fields,
        }
    )
    data["topics"] = [factories.term(slug).pk for slug in topics]
    data["audiences"] = [factories.term(slug).pk for slug in audiences]
    return data


def brief_form(title="Suspected incidents 2008 to 2010", chart_image=None, **fields):
    import json

    charts = []
    if chart_image is not None:
        table = {
            "data": [["Type", "Share (%)"], ["Sex trafficking", "82"], ["Labor trafficking", "11"]],
            "first_row_is_table_header": True,
            "first_col_is_header": True,
            "table_header_choice": "both",
            "table_caption": "",
        }
        charts.append(
            (
                "chart",
                {
                    "title": "Incidents by type",
                    "image": chart_image.pk,
                    "alt_text": "Sex trafficking 82%, labor trafficking 11%.",
                    "table": json.dumps(table),
                    "source": "BJS, NCJ 233732",
                    "illustrative": "",
                },
            )
        )
    figure = {"value": "2,515", "unit": "incidents", "sentence": "Suspected incidents.", "source": "BJS"}
    return nested_form_data(
        {
            "title": title,
            "slug": fields.pop("slug", slugify(title)[:50]),
            "summary": fields.pop("summary", "What task forces reported."),
            "key_figures": streamfield([("figure", figure)]),
            "charts": streamfield(charts),
            "tables": streamfield([]),
            "narrative": streamfield([paragraph("<p>Most incidents were sex trafficking.</p>")]),
            "method": rich_text("<p>Published BJS figures.</p>"),
            "data_sources": streamfield(
                [("source", {"name": "HTRS", "version": "2011", "url": "", "description": ""})]
            ),
            "limitations": rich_text("<p>Suspected incidents only.</p>"),
            "provenance_notebook": fields.pop("provenance_notebook", "notebooks/htrs.ipynb"),
            "provenance_run_id": fields.pop("provenance_run_id", "run-42"),
            "provenance_parameters": fields.pop(
                "provenance_parameters", '{"start": "2008-01", "end": "2010-06"}'
            ),
            "provenance_data_versions": fields.pop("provenance_data_versions", '{"htrs": "2011-04"}'),
            "provenance_date": fields.pop("provenance_date", "2026-11-01 10:00"),
            "visibility": fields.pop("visibility", "public"),
            "comments": inline_formset([]),
            **fields,
        }
    )

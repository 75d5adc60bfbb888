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

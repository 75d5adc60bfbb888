"""Builders for CMS test data: the site's index pages, practices, resources, briefs and protected media."""

import io
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import BaseViewRestriction, Collection, PageViewRestriction

from cms import access, privacy
from cms.models import (
    BriefIndexPage,
    ContactFormField,
    ContactPage,
    EvidenceBriefPage,
    HomePage,
    PracticeIndexPage,
    PracticePage,
    ResourceIndexPage,
    ResourcePage,
    StandardPage,
)
from taxonomy.models import Term


def term(slug):
    return Term.objects.get(slug=slug)


def home():
    return HomePage.objects.get()


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def add_page(parent, page, topics=(), audiences=(), live=True):
    if topics:
        page.topics.set([term(slug) for slug in topics])
    if audiences:
        page.audiences.set([term(slug) for slug in audiences])
    page.live = live
    parent.add_child(instance=page)
    if live:
        return publish(page)
    page.save_revision()
    return page


def index_pages():
    """The practices, resources and briefs index pages under home, created once."""
    root = home()
    found = {}
    for model, slug, title in (
        (PracticeIndexPage, "practices", "Best practices"),
        (ResourceIndexPage, "resources", "Resource library"),
        (BriefIndexPage, "briefs", "Evidence briefs"),
    ):
        page = model.objects.filter(slug=slug).first()
        if page is None:
            page = add_page(root, model(title=title, slug=slug))
        found[slug] = page
    return found


def body(text="Share case lists with every partner before each operation."):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


def practice(
    index, title="Deconfliction before every operation", slug=None, topics=(), audiences=(), **fields
):
    fields.setdefault("summary", f"Summary of {title}.")
    fields.setdefault("body", body())
    live = fields.pop("live", True)
    page = PracticePage(title=title, slug=slug or title.lower().replace(" ", "-")[:50], **fields)
    return add_page(index, page, topics, audiences, live=live)


def resource(index, title="Task force e-Guide", slug=None, type_slug="guidebook", **fields):
    fields.setdefault("summary", f"Summary of {title}.")
    fields.setdefault("publisher", "OVC TTAC")
    fields.setdefault("link_url", "https://www.ovcttac.gov/taskforceguide/eguide/")
    topics, audiences = fields.pop("topics", ()), fields.pop("audiences", ())
    page = ResourcePage(
        title=title,
        slug=slug or title.lower().replace(" ", "-")[:50],
        resource_type=term(type_slug),
        **fields,
    )
    return add_page(index, page, topics, audiences)


def brief(index, title="Suspected incidents 2008 to 2010", slug=None, **fields):
    fields.setdefault("summary", f"Summary of {title}.")
    topics, audiences = fields.pop("topics", ()), fields.pop("audiences", ())
    page = EvidenceBriefPage(title=title, slug=slug or title.lower().replace(" ", "-")[:50], **fields)
    return add_page(index, page, topics, audiences)


def standard(parent, title="About", slug="about", **fields):
    fields.setdefault("summary", f"Summary of {title}.")
    fields.setdefault("body", body("About the program."))
    return add_page(parent, StandardPage(title=title, slug=slug, **fields))


def contact_page(parent=None):
    page = ContactPage(
        title="Contact",
        slug="contact",
        to_address="staff@example.org",
        from_address="no-reply@example.org",
        subject="Contact form",
    )
    for order, (label, field_type, required) in enumerate(
        [("Your name", "singleline", True), ("Email address", "email", True), ("Message", "multiline", True)]
    ):
        page.form_fields.add(
            ContactFormField(sort_order=order, label=label, field_type=field_type, required=required)
        )
    return add_page(parent or home(), page)


def restrict_to(page, *group_names, restriction_type=BaseViewRestriction.GROUPS):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=restriction_type)
    if group_names:
        restriction.groups.set(Group.objects.filter(name__in=group_names))
    return restriction


def make_members_only(page):
    privacy.apply_visibility(page, privacy.MEMBERS)
    return page


def members_collection():
    return Collection.objects.get(name=access.MEMBERS_ONLY_COLLECTION)


def public_collection():
    return Collection.get_first_root_node()


def png_bytes(width=40, height=30, colour="navy"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def image(title="Chart", collection=None, name="chart.png"):
    model = get_image_model()
    return model.objects.create(
        title=title,
        collection=collection or public_collection(),
        file=ImageFile(io.BytesIO(png_bytes()), name=name),
    )


def document(title="Checklist", collection=None, name="checklist.pdf", content=b"%PDF-1.4 test"):
    model = get_document_model()
    doc = model(title=title, collection=collection or public_collection())
    doc.file.save(name, ContentFile(content), save=False)
    doc.save()
    return doc


def review_dates(days_until_due):
    today = timezone.localdate()
    return {
        "last_reviewed": today - timedelta(days=300),
        "next_review_due": today + timedelta(days=days_until_due),
    }


def anonymous_user():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()

"""Demo site content, seeded by ``manage.py seed_demo``: pages, the resource library, briefs, media.

Idempotent: every page is looked up by its slug under its parent, every file
by its title, and nothing that exists is created again or changed.
"""

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from cms import access, privacy
from cms.demo_briefs import (
    ABOUT_BODY,
    CONTACT_FIELDS,
    PARTNERS_BODY,
    PERFORMANCE_ROWS,
    PRIVACY_BODY,
    htrs_brief,
    performance_brief,
)
from cms.demo_library import RESOURCES
from cms.demo_practices import PRACTICES
from cms.models import (
    BriefIndexPage,
    ContactFormField,
    ContactPage,
    EvidenceBriefPage,
    HomeFeaturedPractice,
    HomePage,
    PracticeIndexPage,
    PracticePage,
    ResourceIndexPage,
    ResourcePage,
    SiteSettings,
    StandardPage,
)
from taxonomy.models import Term

FEATURED = ["proactive-investigations", "co-leadership-law-enforcement-victim-services", "follow-the-money"]
TEMPLATE_DOCUMENT_TITLE = "Case review meeting template (members only)"


class Seeder:
    def __init__(self, stdout):
        self.stdout = stdout
        self.created = 0
        self.terms = {term.slug: term for term in Term.objects.all()}

    def child(self, parent, model, slug, publish=True, members_only=False, **fields):
        """The child page of ``parent`` with this slug, created (and published) if missing."""
        existing = parent.get_children().filter(slug=slug).specific().first()
        if existing is not None:
            return existing
        topics = fields.pop("topics", ())
        audiences = fields.pop("audiences", ())
        page = model(slug=slug, **fields)
        if topics:
            page.topics.set([self.terms[slug] for slug in topics])
        if audiences:
            page.audiences.set([self.terms[slug] for slug in audiences])
        parent.add_child(instance=page)
        if members_only:
            privacy.apply_visibility(page, privacy.MEMBERS)
        conflicts = privacy.asset_conflicts(page, members_only or access.is_members_only(page))
        if conflicts:
            raise ValueError(f"Demo page {slug!r} breaks the asset privacy rule: {conflicts}")
        revision = page.save_revision()
        if publish:
            revision.publish()
        self.created += 1
        return page

    def document(self, title, filename, content, collection):
        model = get_document_model()
        existing = model.objects.filter(title=title).first()
        if existing is not None:
            return existing
        document = model(title=title, collection=collection)
        document.file.save(filename, ContentFile(content), save=False)
        document.save()
        self.created += 1
        return document

    def image(self, title, filename, png, collection):
        model = get_image_model()
        existing = model.objects.filter(title=title).first()
        if existing is not None:
            return existing
        image = model(title=title, collection=collection, file=ImageFile(io.BytesIO(png), name=filename))
        image.save()
        self.created += 1
        return image


def bar_chart(title, labels, series, colours=("#1f5f99", "#9b1c1c"), unit=""):
    """A plain bar chart as PNG bytes: drawn here so the demo needs no plotting library."""
    width, height, margin, bottom = 720, 420, 60, 80
    image = PILImage.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=22)
    small = ImageFont.load_default(size=19)
    draw.text((margin, 15), title, fill="#12355b", font=font)
    top = 60
    plot_height = height - top - bottom
    peak = max(value for _name, values in series for value in values) or 1
    group_width = (width - 2 * margin) / len(labels)
    bar_width = group_width * 0.7 / len(series)
    draw.line((margin, height - bottom, width - margin, height - bottom), fill="#1b1f24", width=2)
    for index, label in enumerate(labels):
        x0 = margin + index * group_width + group_width * 0.15
        for s_index, (_name, values) in enumerate(series):
            value = values[index]
            bar_height = plot_height * value / peak
            left = x0 + s_index * bar_width
            draw.rectangle(
                (left, height - bottom - bar_height, left + bar_width - 4, height - bottom),
                fill=colours[s_index % len(colours)],
            )
            draw.text(
                (left, height - bottom - bar_height - 20), f"{value:g}{unit}", fill="#1b1f24", font=small
            )
        draw.text((x0, height - bottom + 10), label, fill="#1b1f24", font=small)
    if len(series) > 1:
        for s_index, (name, _values) in enumerate(series):
            x = margin + s_index * 300
            draw.rectangle((x, height - 30, x + 16, height - 14), fill=colours[s_index % len(colours)])
            draw.text((x + 22, height - 34), name, fill="#1b1f24", font=small)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def template_pdf():
    """A one-page PDF (hand-assembled, so no PDF library is needed) for the members-only practice."""
    lines = [
        "Task Force Commons - case review meeting template (members only)",
        "1. Open cases: case number, lead agency, status, next step, charging decision expected.",
        "2. Victims connected to each case: services in place, needs unmet, safety concerns.",
        "3. Cases to close and lessons learned.",
        "Use case numbers only. No names, no victim-identifying details.",
    ]
    text = "BT /F1 11 Tf 50 760 Td 16 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def seed(stdout):
    seeder = Seeder(stdout)
    home = HomePage.objects.first()

    root_collection = Collection.get_first_root_node()
    members_collection = Collection.objects.get(name=access.MEMBERS_ONLY_COLLECTION)
    today = timezone.localdate()

    practices_index = seeder.child(
        home,
        PracticeIndexPage,
        "practices",
        title="Best practices",
        intro=(
            "<p>Practices for task forces, each vetted by training and technical assistance staff before it "
            "is published, and reviewed again when it falls due. Filter by phase, practice area, trafficking "
            "type, audience or evidence level.</p>"
        ),
    )
    template = seeder.document(
        TEMPLATE_DOCUMENT_TITLE, "case-review-template.pdf", template_pdf(), members_collection
    )
    for spec in PRACTICES:
        spec = dict(spec)
        body = list(spec.pop("body"))
        members_only = spec.pop("members_only", False)
        if members_only:
            body.append(
                {
                    "type": "document",
                    "value": {"document": template.pk, "link_text": "Case review meeting template (PDF)"},
                }
            )
        review_in = spec.pop("review_in_days")
        seeder.child(
            practices_index,
            PracticePage,
            spec.pop("slug"),
            members_only=members_only,
            body=body,
            last_reviewed=today + timedelta(days=review_in - 365),
            next_review_due=today + timedelta(days=review_in),
            **spec,
        )

    resources_index = seeder.child(
        home,
        ResourceIndexPage,
        "resources",
        title="Resource library",
        intro="<p>Guidebooks, video series, tools and organisations the program points task forces to, from "
        "IACP and its federal and non-profit partners.</p>",
    )
    for spec in RESOURCES:
        spec = dict(spec)
        resource_type = seeder.terms[spec.pop("type")]
        seeder.child(
            resources_index,
            ResourcePage,
            spec.pop("slug"),
            resource_type=resource_type,
            last_reviewed=today - timedelta(days=30),
            next_review_due=today + timedelta(days=335),
            **spec,
        )

    briefs_index = seeder.child(
        home,
        BriefIndexPage,
        "briefs",
        title="Evidence briefs",
        intro="<p>Findings for task forces from the program's research partner, John Jay College of Criminal "
        "Justice: what the data say, how they were analysed, and what they cannot tell us.</p>",
    )
    htrs_chart = seeder.image(
        "Chart: HTRS suspected incidents by type, 2008-2010",
        "htrs-incidents-by-type.png",
        bar_chart(
            "Suspected incidents by type, Jan 2008 - Jun 2010 (%)",
            ["Sex", "Labor", "Other/unknown"],
            [("Share", [82, 11, 7])],
            unit="%",
        ),
        root_collection,
    )
    quarters = [row[0] for row in PERFORMANCE_ROWS[1:]]
    performance_chart = seeder.image(
        "Chart: illustrative quarterly performance measures",
        "illustrative-quarterly-measures.png",
        bar_chart(
            "ILLUSTRATIVE: victims identified and investigations opened",
            quarters,
            [
                ("Victims identified", [int(row[1]) for row in PERFORMANCE_ROWS[1:]]),
                ("Investigations opened", [int(row[2]) for row in PERFORMANCE_ROWS[1:]]),
            ],
        ),
        root_collection,
    )
    for spec in (htrs_brief(htrs_chart.pk), performance_brief(performance_chart.pk)):
        spec = dict(spec)
        seeder.child(briefs_index, EvidenceBriefPage, spec.pop("slug"), **spec)

    about = seeder.child(
        home,
        StandardPage,
        "about",
        title="About Task Force Commons",
        summary="Who runs Task Force Commons, who it is for, and why it exists.",
        body=ABOUT_BODY,
    )
    seeder.child(
        about,
        StandardPage,
        "partners",
        title="Partners",
        summary="The Bureau of Justice Assistance, AEquitas and John Jay College of Criminal Justice.",
        body=PARTNERS_BODY,
    )
    seeder.child(
        home,
        StandardPage,
        "privacy",
        title="Privacy notice",
        summary="What Task Force Commons keeps about you, and why.",
        body=PRIVACY_BODY,
    )
    if not home.get_children().filter(slug="contact").exists():
        contact = ContactPage(
            slug="contact",
            title="Contact the program team",
            intro="<p>Questions about membership, training and technical assistance or this site. "
            "You can also email humantrafficking@theiacp.org or call 800-843-4227 ext. 831.</p>",
            thank_you_text=(
                "<p>Thank you. Program staff read messages on working days and reply by email.</p>"
            ),
            to_address="humantrafficking@theiacp.org",
            from_address="no-reply@taskforcecommons.local",
            subject="Task Force Commons contact form",
        )
        for order, (label, field_type, required, choices, help_text) in enumerate(CONTACT_FIELDS):
            contact.form_fields.add(
                ContactFormField(
                    sort_order=order,
                    label=label,
                    field_type=field_type,
                    required=required,
                    choices=choices,
                    help_text=help_text,
                )
            )
        home.add_child(instance=contact)
        contact.save_revision().publish()
        seeder.created += 1

    if not home.featured_practices.exists():
        for order, slug in enumerate(FEATURED):
            practice = PracticePage.objects.get(slug=slug)
            home.featured_practices.add(HomeFeaturedPractice(practice=practice, sort_order=order))
        home.save_revision().publish()

    link_navigation_to_pages(home)
    stdout.write(f"cms: {seeder.created} pages and files created ({ResourcePage.objects.count()} resources).")


def link_navigation_to_pages(home):
    """Turn the default navigation's paths into page links where a page now has that path.

    A page link follows its page when an editor moves or renames it; a path does not.
    Links an editor already changed are left alone.
    """
    settings = SiteSettings.for_site(home.get_site())
    pages = {page.url_path: page for page in home.get_descendants().live().specific()}
    prefix = home.url_path.rstrip("/")
    changed = False
    for name in ("main_links", "footer_links"):
        links = []
        for link in getattr(settings, name):
            value = {"label": link.value["label"], "page": link.value["page"], "path": link.value["path"]}
            page = pages.get(prefix + (value["path"] or ""))
            if value["page"] is None and page is not None:
                value.update(page=page, path="")
                changed = True
            links.append(("link", value))
        setattr(settings, name, links)
    if changed:
        settings.save()

"""Certificates of completion: issued from the member's record, drawn as PDF, verified by code.

A certificate is issued only for an entry that ``trainings.record_entries.entry_for`` returns
for the member, so only for training they really completed; the first download issues it
(with a snapshot of the entry) and every later one gives the same certificate. The PDF is
drawn with fpdf2's built-in Helvetica, which covers Latin-1 only: other characters in a
title or name are transliterated (``anyascii``, which Wagtail already depends on) rather
than refused, and nothing typed is ever read as markup.
"""

import re
import unicodedata
from decimal import Decimal

from anyascii import anyascii
from django.db import IntegrityError, transaction
from django.utils import timezone
from fpdf import FPDF

from config.errors import NotPermitted
from members import audit
from members.models import AuditEvent
from trainings import access
from trainings.record_entries import entry_for
from trainings.records.models import ALPHABET, CERTIFICATE_CODE_LENGTH, Certificate

SITE_NAME = "Task Force Commons"
NO_NAME = "A member of Task Force Commons"
NOT_COMPLETED = "There is no completed training with this certificate in your record."
KEY = re.compile(r"[a-z_]{1,20}:[A-Za-z0-9_-]{1,40}")


def holder_name(member) -> str:
    # Never the email address: the name is printed and shown on the public verification page.
    return (member.full_name or "").strip() or NO_NAME


def certificate_for(member, key: str) -> Certificate:
    """The member's certificate for this record entry, issued now if it is the first time.

    Raises NotPermitted when the member has no such completed entry (did not attend, has not
    finished, or the key is someone else's or made up).
    """
    if not access.can_have_record(member):
        raise NotPermitted("Certificates are for approved members.")
    if not KEY.fullmatch(key):
        # Not a key any source makes ("event:12"): refused before it reaches the database,
        # which may not even store it (PostgreSQL refuses a NUL character).
        raise NotPermitted(NOT_COMPLETED)
    existing = Certificate.objects.filter(member=member, key=key).first()
    if existing is not None:
        return existing
    entry = entry_for(member, key)
    if entry is None:
        raise NotPermitted(NOT_COMPLETED)
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                member=member,
                key=entry.key,
                title=entry.title[:300],
                hours=entry.hours,
                completed_at=entry.completed_at,
                holder_name=holder_name(member)[:150],
                issued_at=timezone.now(),
            )
            audit.record(
                AuditEvent.Action.CERTIFICATE,
                actor=member,
                subject=member,
                what="certificate issued",
                certificate=certificate.pk,
                key=certificate.key,
                hours=str(certificate.hours),
            )
            return certificate
    except IntegrityError:
        # A second request (a double click) issued it meanwhile: hand out that one.
        return Certificate.objects.get(member=member, key=key)


def normalise_code(typed) -> str:
    """A typed verification code as stored: capitals, without spaces or dashes."""
    return "".join(ch for ch in str(typed)[:64].upper() if ch.isalnum())


def verify(typed) -> Certificate | None:
    """The certificate with this code, or None. Malformed and unknown codes cost the same query,
    so the answer's timing and shape tell nothing about what a code looks like."""
    code = normalise_code(typed)
    if not (len(code) == CERTIFICATE_CODE_LENGTH and set(code) <= set(ALPHABET)):
        code = ""  # still looked up below: the same work as an unknown code
    return Certificate.objects.filter(code=code).only("title", "hours", "completed_at", "holder_name").first()


def format_hours(hours: Decimal) -> str:
    text = f"{hours.normalize():f}"
    return f"{text} hour" if hours == 1 else f"{text} hours"


def _printable(text: str) -> str:
    """Text Helvetica can draw: Latin-1 kept, the rest transliterated, control characters dropped."""
    out = []
    for ch in str(text):
        if unicodedata.category(ch).startswith("C"):
            out.append(" " if ch in "\t\n\r" else "")
        elif ch.encode("latin-1", "ignore"):
            out.append(ch)
        else:
            out.append(anyascii(ch))
    return "".join(out).strip()


def render_pdf(certificate: Certificate, *, verify_url: str, compress: bool = True) -> bytes:
    """The certificate as a one-page landscape PDF (US Letter).

    A long title or name is drawn smaller rather than run into the verification code: each
    scale is tried in turn until the body ends above the footer.
    """
    for scale in (1.0, 0.85, 0.7, 0.55, 0.45):
        pdf, body_end = _draw(certificate, verify_url, compress, scale)
        if body_end <= FOOTER_TOP:
            break
    return bytes(pdf.output())


FOOTER_TOP = 215.9 - 44  # mm from the top of a landscape Letter page


def _draw(certificate: Certificate, verify_url: str, compress: bool, scale: float) -> tuple[FPDF, float]:
    pdf = FPDF(orientation="landscape", unit="mm", format="Letter")
    pdf.set_compression(compress)
    pdf.set_title(_printable(f"Certificate of completion: {certificate.title}"))
    pdf.set_author(SITE_NAME)
    pdf.set_creator(SITE_NAME)
    pdf.set_subject(f"Verification code {certificate.display_code}")
    pdf.set_creation_date(certificate.issued_at)
    pdf.set_lang("en-US")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    width = pdf.epw

    pdf.set_draw_color(40, 60, 90)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)

    def line(text, size, style="", gap=4.0, grow=1.0):
        size = size * grow
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, size * 0.5, _printable(text), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap * grow)

    pdf.set_y(28)
    pdf.set_text_color(40, 60, 90)
    line(SITE_NAME, 14, "B", gap=6)
    line("Certificate of completion", 30, "B", gap=10)
    pdf.set_text_color(0, 0, 0)
    line("This certifies that", 13)
    line(certificate.holder_name, 24, "B", gap=6, grow=scale)
    line("completed", 13)
    line(certificate.title, 18, "B", gap=6, grow=scale)
    when = certificate.completed_at.astimezone(timezone.get_default_timezone())
    line(f"on {when:%B} {when.day}, {when.year}, for {format_hours(certificate.hours)} of training.", 13)
    body_end = pdf.get_y()

    pdf.set_y(FOOTER_TOP + 2)
    line(f"Verification code: {certificate.display_code}", 13, "B", gap=2)
    line(f"Check it at {verify_url}", 10, gap=0)
    return pdf, body_end

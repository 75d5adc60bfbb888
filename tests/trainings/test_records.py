"""The training record, its CSV, certificates of completion and their public verification.

Written as the attacker first: a certificate asked for by someone who did not attend (or
was waitlisted, or for someone else's event, or a made-up key), a guessed or malformed
verification code, hostile titles and names; then the member's own record.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from members.models import AuditEvent
from tests.trainings.factories import EventFactory, public_event, registered
from trainings import record_entries
from trainings.models import Event, RegistrationStatus
from trainings.record_entries import RecordEntry, entries_for
from trainings.records import certificates
from trainings.records.event_source import event_hours
from trainings.records.models import ALPHABET, Certificate

pytestmark = pytest.mark.django_db


def ended_event(minutes=90, **extra):
    end = timezone.now() - timedelta(days=1)
    return EventFactory(starts_at=end - timedelta(minutes=minutes), ends_at=end, **extra)


def attended(event, member, **extra):
    row = registered(event, member, **extra)
    row.attended = True
    row.save(update_fields=["attended"])
    return row


def cert_url(key):
    return f"/trainings/record/certificates/{key}.pdf"


@pytest.fixture
def module_source():
    """Another kind of training, plugged in through the contract only (as roll-call modules are)."""
    completed = {}

    def source(member):
        return completed.get(getattr(member, "pk", None), [])

    record_entries.record_source(source)
    yield completed
    record_entries._SOURCES.remove(source)


# --- Attackers: certificates ---------------------------------------------------------------


def test_a_certificate_for_someone_who_did_not_attend_is_not_found_and_not_issued(role_user, client_for):
    event = ended_event()
    absent = registered(event, role_user("member"))
    absent.attended = False
    absent.save()
    waiting = registered(event, role_user("member"), status=RegistrationStatus.WAITLISTED, position=1)
    waiting.attended = True  # even a bad row on the waitlist earns nothing
    waiting.save()
    stranger = role_user("member")
    attended(event, role_user("member"))
    for member in (absent.member, waiting.member, stranger):
        response = client_for(member).get(cert_url(f"event:{event.pk}"))
        assert response.status_code == 404
        assert "There is no completed training" in response.content.decode()
    assert not Certificate.objects.exists()


def test_an_event_that_has_not_ended_gives_no_certificate_yet(role_user, client_for):
    now = timezone.now()
    running = public_event(starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(minutes=30))
    row = attended(running, role_user("member"))
    assert client_for(row.member).get(cert_url(f"event:{running.pk}")).status_code == 404
    assert entries_for(row.member) == []


def test_made_up_hostile_and_huge_keys_are_not_found(role_user, client_for):
    member = role_user("member")
    attended(ended_event(), member)
    client = client_for(member)
    for key in ("event:999999", "module:1", "event:1 OR 1=1", "<script>", "x" * 5000, "event:%00"):
        assert client.get(cert_url(key)).status_code == 404
    assert not Certificate.objects.exists()


def test_certificates_and_records_are_for_members_only(role_user, client_for):
    event = ended_event()
    for path in ("/trainings/record/", "/trainings/record.csv", cert_url(f"event:{event.pk}")):
        assert client_for(None).get(path)["Location"].startswith("/accounts/login/")
        assert client_for(role_user("pending")).get(path)["Location"] == "/members/pending/"


def test_a_former_member_gets_no_new_certificate(role_user):
    from config.errors import NotPermitted

    row = attended(ended_event(), role_user("member"))
    row.member.is_active = False
    row.member.save()
    with pytest.raises(NotPermitted):
        certificates.certificate_for(row.member, f"event:{row.event_id}")


# --- Attackers: verification ---------------------------------------------------------------


def _issued(role_user, **event_extra):
    row = attended(ended_event(**event_extra), role_user("member", full_name="Dana Whitfield"))
    return certificates.certificate_for(row.member, f"event:{row.event_id}")


def test_verification_shows_only_title_hours_date_and_name(role_user, client_for):
    certificate = _issued(role_user, title="Trauma-informed interviewing")
    member = certificate.member
    body = client_for(None).get(f"/trainings/verify/{certificate.code}/").content.decode()
    assert "Genuine certificate" in body
    for shown in ("Dana Whitfield", "Trauma-informed interviewing", "1.5 hours"):
        assert shown in body
    for hidden in (
        member.email,
        member.task_force.name,
        member.agency,
        certificate.key,
        certificate.code[:4] + "-",
    ):
        assert not hidden or hidden not in body


def test_unknown_and_malformed_codes_get_the_same_not_found_page(role_user, client_for):
    certificate = _issued(role_user)
    client = client_for(None)
    unknown = "".join("A" if c != "A" else "B" for c in certificate.code)
    answers = {}
    for typed in (unknown, "short", "<script>alert(1)</script>", "' OR 1=1 --", "x" * 1000):
        response = client.get("/trainings/verify/", {"code": typed})
        assert response.status_code == 404
        body = response.content.decode()
        assert "Not found" in body and "<script>alert(1)</script>" not in body
        # Only the echo of what was typed differs: otherwise the very same page.
        answers[typed] = re.sub(r'value="[^"]*"', "", body)
    assert len(set(answers.values())) == 1
    assert client.get(f"/trainings/verify/{unknown}/").status_code == 404


def test_codes_are_unguessable_and_typed_any_way(role_user, client_for):
    certificate = _issued(role_user)
    assert len(certificate.code) == 12 and set(certificate.code) <= set(ALPHABET)
    loose = " " + certificate.display_code.lower() + " "
    assert client_for(None).get("/trainings/verify/", {"code": loose}).status_code == 200


def test_verification_is_rate_limited(role_user, client_for, settings):
    from trainings.records import views

    certificate = _issued(role_user)
    client = client_for(None)
    for _ in range(views.VERIFY_RATE[0]):
        client.get("/trainings/verify/AAAABBBBCCCC/")
    response = client.get(f"/trainings/verify/{certificate.code}/")
    assert response.status_code == 429 and "Genuine" not in response.content.decode()
    assert int(response["Retry-After"]) > 0
    # The empty form is not a lookup and is never limited.
    assert client.get("/trainings/verify/").status_code == 200


# --- The member's record and certificates ----------------------------------------------------


def test_event_hours_are_the_duration_to_the_quarter_hour():
    start = timezone.now()
    for minutes, hours in ((60, "1"), (90, "1.5"), (50, "0.75"), (5, "0.25"), (8 * 60 + 7, "8")):
        event = Event(starts_at=start, ends_at=start + timedelta(minutes=minutes))
        assert event_hours(event) == Decimal(hours)
    assert (
        event_hours(Event(starts_at=start, ends_at=start + timedelta(days=2), credit_hours=Decimal("6"))) == 6
    )


def test_staff_set_credit_hours_which_the_record_uses_and_bad_hours_are_refused(role_user, client_for):
    from trainings.forms import EventForm

    event = ended_event(minutes=3 * 24 * 60, visibility="public")  # a three-day conference
    member = role_user("member")
    attended(event, member)
    assert entries_for(member)[0].hours == Decimal("72")
    client = client_for(role_user("editor"))

    def edit(hours):
        data = {k: v for k, v in EventForm.initial_for(event).items() if v is not None}
        data.update(
            starts_at=data["starts_at"].strftime("%Y-%m-%dT%H:%M"),
            ends_at=data["ends_at"].strftime("%Y-%m-%dT%H:%M"),
            is_published="on",
            topics=[],
            audiences=[],
            credit_hours=hours,
        )
        return client.post(f"/trainings/{event.pk}/edit/", data)

    for bad in ("-1", "0", "100000", "abc", "1.234", "<script>", "'; DROP TABLE x; --"):
        assert edit(bad).status_code == 200  # the form again, with the error
        assert Event.objects.get(pk=event.pk).credit_hours is None
    assert edit("12.5").status_code == 302
    assert entries_for(member)[0].hours == Decimal("12.5")
    body = client_for(member).get("/trainings/record/").content.decode()
    assert "Total: 12.5 hours" in body


def test_the_attendee_downloads_the_same_certificate_each_time_and_it_keeps_what_it_said(
    role_user, client_for
):
    event = ended_event(title="Labor trafficking indicators")
    row = attended(event, role_user("member", full_name="Sam Ortiz"))
    client = client_for(row.member)
    first = client.get(cert_url(f"event:{event.pk}"))
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert first.content.startswith(b"%PDF-")
    certificate = Certificate.objects.get()
    assert (certificate.title, certificate.hours, certificate.holder_name) == (
        "Labor trafficking indicators",
        Decimal("1.5"),
        "Sam Ortiz",
    )
    assert certificate.completed_at == event.ends_at
    assert certificate.code in first["Content-Disposition"]
    # Renamed event, renamed member, double download: the same certificate, as issued.
    Event.objects.filter(pk=event.pk).update(title="Renamed")
    second = client.get(cert_url(f"event:{event.pk}"))
    assert second.status_code == 200 and Certificate.objects.count() == 1
    assert Certificate.objects.get().title == "Labor trafficking indicators"
    pdf = certificates.render_pdf(Certificate.objects.get(), verify_url="https://x.test/v/", compress=False)
    for text in (certificate.display_code, "Labor trafficking indicators", "Sam Ortiz", "1.5 hours"):
        assert text.encode() in pdf


def test_two_downloads_at_once_issue_one_certificate(role_user, monkeypatch):
    row = attended(ended_event(), role_user("member"))
    key = f"event:{row.event_id}"
    real_entry_for = certificates.entry_for

    def the_other_request_wins(member, wanted):
        entry = real_entry_for(member, wanted)
        # The other request issues its certificate between this one's check and its insert.
        Certificate.objects.create(
            member=member,
            key=entry.key,
            title=entry.title,
            hours=entry.hours,
            completed_at=entry.completed_at,
            holder_name="x",
        )
        return entry

    monkeypatch.setattr(certificates, "entry_for", the_other_request_wins)
    first = certificates.certificate_for(row.member, key)
    assert Certificate.objects.filter(member=row.member).count() == 1
    assert first == Certificate.objects.get(member=row.member, key=key)
    # The losing request issued nothing, so it logged nothing (the winner logs its own).
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CERTIFICATE).exists()


def test_issuing_a_certificate_is_audited_once_and_a_second_download_issues_nothing(role_user):
    row = attended(ended_event(), role_user("member"))
    key = f"event:{row.event_id}"
    certificate = certificates.certificate_for(row.member, key)
    assert certificates.certificate_for(row.member, key) == certificate
    (logged,) = AuditEvent.objects.filter(action=AuditEvent.Action.CERTIFICATE)
    assert logged.actor == row.member and logged.subject == row.member
    assert logged.detail["key"] == key and logged.detail["certificate"] == certificate.pk
    assert certificate.code not in str(logged.detail), "the verification code stays off the audit log"


def test_hostile_and_non_latin_text_is_drawn_as_text(role_user):
    hostile = '<script>alert("x")</script> =HYPERLINK("http://evil") \u202e Nguyễn 王 🎓'
    row = attended(ended_event(title=hostile[:200]), role_user("member", full_name="Nguyễn Văn An 王"))
    certificate = certificates.certificate_for(row.member, f"event:{row.event_id}")
    pdf = certificates.render_pdf(certificate, verify_url="https://x.test/v/", compress=False)
    assert pdf.startswith(b"%PDF-") and b"Nguyen Van An Wang" in pdf
    assert b"<script>alert" in pdf  # printed as characters; a PDF runs nothing
    nameless = attended(ended_event(), role_user("member", full_name=""))
    assert certificates.certificate_for(nameless.member, f"event:{nameless.event_id}").holder_name == (
        certificates.NO_NAME
    )


def test_a_very_long_title_and_name_still_fit_one_page_above_the_code(role_user):
    row = attended(ended_event(title="W" * 200), role_user("member", full_name="W" * 150))
    certificate = certificates.certificate_for(row.member, f"event:{row.event_id}")
    pdf = certificates.render_pdf(certificate, verify_url="https://x.test/v/", compress=False)
    assert b"/Count 1" in pdf and certificate.display_code.encode() in pdf
    for scale in (1.0, 0.85, 0.7):
        _, body_end = certificates._draw(certificate, "https://x.test/v/", False, scale)
    assert body_end <= certificates.FOOTER_TOP


def test_the_record_lists_entries_hours_and_certificates_with_hostile_text_escaped(role_user, client_for):
    member = role_user("member")
    attended(ended_event(minutes=60, title="<img src=x onerror=alert(1)>"), member)
    attended(ended_event(minutes=120, title="Victim-centered investigations"), member)
    registered(ended_event(title="Registered but absent"), member)
    body = client_for(member).get("/trainings/record/").content.decode()
    assert "Total: 3 hours" in body and "Victim-centered investigations" in body
    assert "<img src=x" not in body and "&lt;img src=x" in body
    assert "Registered but absent" not in body
    assert body.count("Download certificate (PDF)") == 2
    mine = client_for(member).get("/trainings/mine/").content.decode()
    assert 'href="/trainings/record/"' in mine


def test_another_members_record_is_never_shown(role_user, client_for):
    attended(ended_event(title="Someone else's training"), role_user("member"))
    body = client_for(role_user("member")).get("/trainings/record/").content.decode()
    assert "Someone else" not in body and "Nothing yet." in body


def test_the_csv_is_spreadsheet_safe_and_totals(role_user, client_for):
    member = role_user("member")
    attended(ended_event(minutes=45, title='=HYPERLINK("http://evil","x")'), member)
    attended(ended_event(minutes=60, title="-2+3"), member)
    response = client_for(member).get("/trainings/record.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert "'=HYPERLINK" in text and "'-2+3" in text
    assert text.strip().splitlines()[-1] == "total,,,1.75,"


def test_another_kind_of_training_plugs_in_through_the_contract(module_source, role_user, client_for):
    member = role_user("member")
    done = timezone.now() - timedelta(days=2)
    module_source[member.pk] = [
        RecordEntry(
            kind="module",
            key="module:7",
            title="Roll call: spotting signs",
            hours=Decimal("0.5"),
            completed_at=done,
        )
    ]
    attended(ended_event(minutes=60), member)
    body = client_for(member).get("/trainings/record/").content.decode()
    assert "Roll call: spotting signs" in body and "Total: 1.5 hours" in body
    assert client_for(member).get(cert_url("module:7")).status_code == 200
    assert client_for(role_user("member")).get(cert_url("module:7")).status_code == 404


@pytest.mark.parametrize("count", [1, 8])
def test_the_record_page_and_csv_run_in_constant_queries(
    count, role_user, client_for, django_assert_max_num_queries
):
    member = role_user("member")
    for _ in range(count):
        row = attended(ended_event(), member)
        certificates.certificate_for(member, f"event:{row.event_id}")
    client = client_for(member)
    client.get("/trainings/record/")
    # (session), user, groups, entries, certificates, preference
    with django_assert_max_num_queries(7):
        assert client.get("/trainings/record/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/trainings/record.csv").status_code == 200


def test_verification_runs_in_one_query(role_user, client_for, django_assert_max_num_queries):
    certificate = _issued(role_user)
    client = client_for(None)
    client.get("/trainings/verify/")  # warm the site settings
    # the certificate, and the site settings of the page's base
    with django_assert_max_num_queries(3):
        assert client.get(f"/trainings/verify/{certificate.code}/").status_code == 200

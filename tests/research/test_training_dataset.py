"""The training evaluations dataset: pseudonymised, small groups left out, stored as a validated version."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from research import exports, training_evaluations
from research.models import DatasetVersion
from tests.trainings.factories import EventFactory, registered
from trainings.evaluations import services

pytestmark = pytest.mark.django_db

QUESTIONS = "First?\n* yes\n- no\n\nSecond?\n- no\n* yes"


def _finished(days_ago=10, **extra):
    start = timezone.now() - timedelta(days=days_ago)
    return EventFactory(
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        visibility="public",
        title="Secret Title Xyzzy",
        **extra,
    )


def _attend(event, people, *, evaluate=0, present=True):
    questions = list(event.evaluation_questions.all())
    for index, person in enumerate(people):
        row = registered(event, person)
        row.attended = present
        row.save(update_fields=["attended"])
        if present and index < evaluate:
            services.submit(event, person, 4, {q.pk: (1, 0) for q in questions})


def _rows(version):
    with version.file.open("rb") as handle:
        content = handle.read()
    return content, list(csv.DictReader(io.StringIO(content.decode())))


@pytest.fixture
def staff(role_user):
    return role_user("tta_staff")


def test_the_export_has_pseudonyms_and_event_attributes_never_names_titles_or_ids(role_user, staff):
    event = _finished()
    services.set_questions(event, services.parse_questions(QUESTIONS), by=staff)
    people = [role_user("member", full_name=f"Secretname Person{i}") for i in range(6)]
    _attend(event, people, evaluate=5)
    version = exports.snapshot("training_evaluations")
    assert version.status == DatasetVersion.Status.VALID, version.errors
    assert version.dataset.sensitive and version.dataset.is_platform_export
    content, rows = _rows(version)
    assert b"Secretname" not in content and b"@" not in content and b"Xyzzy" not in content
    assert len(rows) == 6
    assert {r["member"] for r in rows} == {training_evaluations.pseudonym(p.pk) for p in people}
    assert not any(str(p.pk) == r["member"] for p in people for r in rows)
    assert {r["format"] for r in rows} == {"virtual"} and {r["month"] for r in rows} == {
        event.starts_at.strftime("%Y-%m")
    }
    answered = [r for r in rows if r["evaluated"] == "true"]
    assert len(answered) == 5
    # Choice 1 is wrong for the first question and right for the second, before; 0 the reverse after.
    assert {(r["reaction"], r["questions"], r["correct_before"], r["correct_after"]) for r in answered} == {
        ("4", "2", "1", "1")
    }
    # Stable: the same people get the same pseudonyms next time, and an unchanged site no new version.
    assert exports.snapshot("training_evaluations") == version


def test_pseudonyms_depend_on_the_key(settings):
    first = training_evaluations.pseudonym(7)
    assert first == training_evaluations.pseudonym(7) and first != training_evaluations.pseudonym(8)
    settings.RESEARCH_PSEUDONYM_KEY = "another key"
    assert training_evaluations.pseudonym(7) != first


def test_small_groups_are_left_out_and_small_evaluation_counts_withheld(role_user, staff):
    few = _finished(days_ago=10)
    _attend(few, [role_user("member") for _ in range(4)])
    quiet = _finished(days_ago=10, format="in_person")
    services.set_questions(quiet, services.parse_questions(QUESTIONS), by=staff)
    _attend(quiet, [role_user("member") for _ in range(6)], evaluate=3)
    # Not finished, or not published: never exported.
    upcoming = EventFactory(visibility="public")
    _attend(upcoming, [role_user("member") for _ in range(5)], present=None)
    version = exports.snapshot("training_evaluations")
    assert version.status == DatasetVersion.Status.VALID, version.errors
    _, rows = _rows(version)
    assert {r["format"] for r in rows} == {"in_person"}  # the group of four is gone
    assert len(rows) == 6
    assert all(r["evaluated"] == "" and r["reaction"] == "" and r["correct_after"] == "" for r in rows)


def test_an_empty_site_gives_an_empty_but_usable_version():
    version = exports.snapshot("training_evaluations")
    assert version.status == DatasetVersion.Status.VALID and version.row_count == 0


def test_the_command_stores_a_new_validated_version(role_user, staff):
    out = io.StringIO()
    call_command("export_training_evaluations", stdout=out)
    assert "training-evaluations@1" in out.getvalue()
    event = _finished()
    _attend(event, [role_user("member") for _ in range(5)])
    call_command("export_training_evaluations", stdout=out)
    assert "training-evaluations@2: 5 row(s), valid." in out.getvalue()
    call_command("export_training_evaluations", stdout=out)  # unchanged: still version 2
    assert DatasetVersion.objects.filter(dataset__name="training-evaluations").count() == 2


def test_hostile_topic_slugs_cannot_become_spreadsheet_formulas(role_user):
    from taxonomy.models import Term

    event = _finished()
    term = Term.objects.filter(facet__isnull=False).first() or Term.objects.first()
    if term is None:
        pytest.skip("no taxonomy terms in this database")
    Term.objects.filter(pk=term.pk).update(slug="=cmd-calc")
    event.topics.set([term])
    _attend(event, [role_user("member") for _ in range(5)])
    _, rows = _rows(exports.snapshot("training_evaluations"))
    assert all(not r["topics"].startswith("=") for r in rows)

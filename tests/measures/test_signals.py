"""TTA signals from accepted figures: each rule's edge, only accepted reports, only recent quarters;
shown to the task force (never another) and to staff, as a suggestion with its reason, never a score."""

import pytest
from django.db.models import F

from measures import signals
from measures.models import ReportStatus
from tests.factories import TaskForceFactory
from tests.measures.factories import period
from tests.measures.test_trends import accepted

pytestmark = pytest.mark.django_db

QUIET = {"investigations-labor": 0, "victims": 0, "referrals": 0, "trainings": 1}


def quarters(*figures):
    return [(f"2026 Q{i + 1}" if i < 4 else f"2027 Q{i - 3}", f) for i, f in enumerate(figures)]


def slugs(found):
    return [s.rule.slug for s in found]


def test_four_quarters_without_labor_investigations_suggest_labor_trafficking_tta():
    found = signals.evaluate(quarters(QUIET, QUIET, QUIET, QUIET))
    assert slugs(found) == ["labor-trafficking"]
    [signal] = found
    assert signal.quarters == ("2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4")
    assert "2026 Q1, 2026 Q2, 2026 Q3 and 2026 Q4" in signal.reason
    assert signal.topic == "Labor trafficking investigation"
    assert signal.request_url == "/tta/requests/new/"


def test_three_quarters_or_a_recent_labor_case_raise_nothing():
    assert signals.evaluate(quarters(QUIET, QUIET, QUIET)) == []
    busy = {**QUIET, "investigations-labor": 1}
    assert signals.evaluate(quarters(QUIET, QUIET, QUIET, QUIET, busy)) == []
    # An older labor case does not stop the signal: it is about the latest four.
    assert slugs(signals.evaluate(quarters(busy, QUIET, QUIET, QUIET, QUIET))) == ["labor-trafficking"]


def test_a_quarter_without_the_measure_is_skipped_not_counted_as_zero():
    older_set = {"victims": 0, "referrals": 0, "trainings": 1}  # no labor breakdown then
    assert signals.evaluate(quarters(older_set, QUIET, QUIET, QUIET)) == []


def test_victims_without_referrals_for_two_quarters_suggest_victim_services():
    gap = {**QUIET, "investigations-labor": 2, "victims": 3, "referrals": 0}
    found = signals.evaluate(quarters(gap, gap))
    assert slugs(found) == ["victim-services"]
    assert "2026 Q1 and 2026 Q2" in found[0].reason
    # No victims identified: nothing to refer, no signal; one referral: no signal.
    assert signals.evaluate(quarters(gap, {**gap, "victims": 0})) == []
    assert signals.evaluate(quarters(gap, {**gap, "referrals": 1})) == []


def test_no_trainings_for_four_quarters_suggest_training():
    none = {**QUIET, "investigations-labor": 1, "trainings": 0}
    assert slugs(signals.evaluate(quarters(none, none, none, none))) == ["training"]


def test_only_accepted_reports_count(task_force):
    for quarter in (1, 2, 3):
        accepted(task_force, period(2026, quarter), investigations_labor=0, trainings=1)
    draft = accepted(task_force, period(2026, 4), status=ReportStatus.SUBMITTED, investigations_labor=0)
    assert signals.for_task_force(task_force.pk) == []
    draft.status, draft.accepted_revision = ReportStatus.ACCEPTED, draft.revision
    draft.save()
    draft.figures.update(accepted_value=F("value"))
    assert slugs(signals.for_task_force(task_force.pk)) == ["labor-trafficking"]


def test_reports_older_than_the_lookback_raise_nothing(task_force):
    for i in range(4):
        accepted(task_force, period(2020, i + 1), investigations_labor=0)
    for i in range(signals.LOOKBACK):  # newer quarters with no report from this task force
        period(2022 + i // 4, i % 4 + 1)
    assert signals.for_task_force(task_force.pk) == []


def _quiet_year(task_force):
    for quarter in (1, 2, 3, 4):
        accepted(task_force, period(2026, quarter), investigations_labor=0, trainings=2)


def test_the_task_force_sees_its_suggestion_with_reason_and_link(role_user, client_for, task_force):
    _quiet_year(task_force)
    body = client_for(role_user("member")).get("/measures/trends/").content.decode()
    assert "Consider TTA on labor trafficking investigations" in body
    assert "2026 Q1, 2026 Q2, 2026 Q3 and 2026 Q4" in body
    assert 'href="/tta/requests/new/"' in body and "Labor trafficking investigation" in body
    assert "score" not in body.lower().replace("not a score", "")


def test_another_task_force_never_sees_it(role_user, client_for, task_force, other_task_force):
    _quiet_year(task_force)
    accepted(other_task_force, period(2026, 4), investigations_labor=3, trainings=1)
    body = client_for(role_user("other_task_force_member")).get("/measures/trends/").content.decode()
    assert "Consider TTA on labor trafficking" not in body and task_force.name not in body


def test_staff_see_every_task_force_with_a_suggestion(role_user, client_for, task_force, other_task_force):
    _quiet_year(task_force)
    hostile = TaskForceFactory(name="<script>alert('tf')</script> Task Force")
    _quiet_year(hostile)
    accepted(other_task_force, period(2026, 4), investigations_labor=3, trainings=1)
    body = client_for(role_user("tta_staff")).get("/measures/staff/signals/").content.decode()
    assert task_force.name in body and other_task_force.name not in body
    assert "<script>alert" not in body and "&lt;script&gt;" in body
    assert f"/measures/staff/task-forces/{task_force.pk}/trends/" in body
    assert body.count("Consider TTA on labor trafficking investigations") == 2

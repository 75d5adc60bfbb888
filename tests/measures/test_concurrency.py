"""Two members of staff deciding on one report at the same moment: one decision stands, the other
is told, and nothing is lost (PostgreSQL: real concurrent transactions on the report row's lock)."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection, connections

from config.errors import Conflict
from measures import services
from measures.models import Report, ReportEvent, ReportStatus
from tests.measures.factories import period, submitted_report

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_accept_and_return_at_once_leave_exactly_one_decision(role_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the in-memory SQLite test database is not shared between threads")
    coordinator, first, second = role_user("coordinator"), role_user("tta_staff"), role_user("tta_staff")
    report = submitted_report(coordinator, period())
    seen = report.version
    start = Barrier(2)

    def decide(action):
        start.wait()
        try:
            found = Report.objects.get(pk=report.pk)
            if action == "accept":
                services.accept(first, found, expected_version=seen)
            else:
                services.return_for_changes(second, found, "Check the arrests", expected_version=seen)
            return action
        except Conflict as error:
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(decide, ["accept", "return"]))
    winners = [o for o in outcomes if isinstance(o, str)]
    assert len(winners) == 1, outcomes
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1
    report.refresh_from_db()
    expected = ReportStatus.ACCEPTED if winners == ["accept"] else ReportStatus.RETURNED
    assert report.status == expected and report.version == seen + 1
    assert ReportEvent.objects.filter(report=report).exclude(action="submitted").count() == 1

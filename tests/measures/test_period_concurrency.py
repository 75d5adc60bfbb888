"""Two members of staff at the same moment opening the same quarter, or making a new measure-set
version from the same latest one: one change stands, the other is told, nothing is doubled
(PostgreSQL: real concurrent transactions)."""

import datetime
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from threading import Barrier

import pytest
from django.db import connection, connections

from config.errors import ServiceError
from measures import periods
from measures.models import MeasureSet, ReportingPeriod
from members.models import AuditEvent
from tests.measures.factories import default_set

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _race(people, act):
    start = Barrier(len(people))

    def run(person):
        start.wait()
        try:
            return act(person)
        except ServiceError as error:  # Conflict is a ServiceError too
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        return list(pool.map(run, people))


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the in-memory SQLite test database is not shared between threads")


def test_two_staff_opening_the_same_quarter_make_one(role_user):
    _needs_postgres()
    staff = [role_user("tta_staff"), role_user("tta_staff")]
    measure_set = default_set()
    outcomes = _race(
        staff,
        lambda who: periods.open_period(who, 2027, 1, datetime.date(2027, 4, 30), Decimal("3"), measure_set),
    )
    assert sum(isinstance(o, ReportingPeriod) for o in outcomes) == 1, outcomes
    [refused] = [o for o in outcomes if isinstance(o, ServiceError)]
    assert "already exists" in str(refused) and refused.field == "quarter"
    assert ReportingPeriod.objects.filter(year=2027, quarter=1).count() == 1
    assert AuditEvent.objects.filter(detail__what="reporting period opened").count() == 1


def test_two_staff_making_a_version_from_the_same_latest_make_one(role_user):
    _needs_postgres()
    staff = [role_user("tta_staff"), role_user("tta_staff")]
    outcomes = _race(
        staff,
        lambda who: periods.new_set_version(
            who, periods.SetEdits(title=f"By {who.pk}", based_on=1, retire={"arrests"})
        ),
    )
    assert sum(isinstance(o, MeasureSet) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, ServiceError) for o in outcomes) == 1
    assert list(MeasureSet.objects.values_list("version", flat=True)) == [2, 1]
    assert not MeasureSet.objects.get(version=2).measures.filter(code="arrests").exists()

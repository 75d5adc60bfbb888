"""One attendee sending the evaluation from several tabs at the same moment: exactly one response is kept.

Uses the seat race's shared database (tests/trainings/test_concurrency.py): PostgreSQL's own,
or a file copy of SQLite's with the settings' own OPTIONS.
"""

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest
from django.db import connections
from django.utils import timezone

from config.errors import Conflict
from tests.trainings.factories import EventFactory, registered
from tests.trainings.test_concurrency import shared_database  # noqa: F401 - a fixture
from trainings.evaluations import services
from trainings.evaluations.models import EvaluationResponse

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TABS = 4


def test_simultaneous_submissions_keep_exactly_one_response(role_user, request):
    start = timezone.now() - timedelta(hours=3)
    event = EventFactory(visibility="public", starts_at=start, ends_at=start + timedelta(hours=1))
    services.set_questions(event, services.parse_questions("Q?\n* a\n- b"), by=role_user("tta_staff"))
    member = role_user("member")
    row = registered(event, member)
    row.attended = True
    row.save(update_fields=["attended"])
    question = event.evaluation_questions.get()
    path = request.getfixturevalue("shared_database")
    gate = Barrier(TABS)

    def submit(reaction):
        gate.wait()
        try:
            return services.submit(event, member, reaction, {question.pk: (1, 0)}).reaction
        except Conflict as error:
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=TABS) as pool:
        outcomes = list(pool.map(submit, range(1, TABS + 1)))
    kept = [o for o in outcomes if isinstance(o, int)]
    assert len(kept) == 1 and all(isinstance(o, Conflict) for o in outcomes if o not in kept), outcomes
    if path is None:
        assert EvaluationResponse.objects.filter(event=event).count() == 1
    else:
        with sqlite3.connect(path) as db:
            (count,) = db.execute(
                "SELECT COUNT(*) FROM trainings_evaluationresponse WHERE event_id = ?", [event.pk]
            ).fetchone()
            (answers,) = db.execute("SELECT COUNT(*) FROM trainings_evaluationanswer").fetchone()
        assert count == 1 and answers == 1

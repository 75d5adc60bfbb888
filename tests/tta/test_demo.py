"""The TTA demo seed: an open cycle, submitted assessments and a dozen requests, idempotently."""

import io

import pytest

from members import demo as members_demo
from tta import demo
from tta.matching import match_request
from tta.models import Cycle, NeedsAssessment, TTARequest

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_gives_matches():
    members_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    assert Cycle.objects.filter(is_open=True).count() == 1
    assert NeedsAssessment.objects.filter(status="submitted").count() == 5
    assert TTARequest.objects.count() == 12
    assert len(set(TTARequest.objects.values_list("status", flat=True))) == 7
    r = TTARequest.objects.get(description__startswith="Help building financial")
    assert any(c.kind == "peer_task_force" for c in match_request(r))

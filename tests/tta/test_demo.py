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


def test_requests_past_matched_show_accepted_help_to_the_requester(client_for):
    from tta.models import Match

    members_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    stored = Match.objects.count()
    demo.seed(io.StringIO())
    assert Match.objects.count() == stored  # a second seed adds nothing
    shown = 0
    # Without the CMS's demo pages only peers can be found, so a request may have no proposal here.
    for r in TTARequest.objects.filter(status__in=["matched", "scheduled", "delivered", "closed"]):
        accepted = r.matches.filter(state="accepted")
        assert accepted.count() == min(2, r.matches.count()), r.description
        if r.requester is not None and accepted:
            shown += 1
            page = client_for(r.requester).get(f"/tta/requests/{r.pk}/").content.decode()
            assert accepted.first().title.replace("'", "&#x27;") in page
            assert "have not added any yet" not in page
    assert shown >= 3
    for r in TTARequest.objects.filter(status__in=["received", "assigned", "declined"]):
        assert not r.matches.exists()

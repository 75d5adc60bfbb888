"""Fixtures for search tests: a temporary extra kind in the registry, members and applicants."""

import pytest

from search import fulltext, registry
from search import index as search_index


@pytest.fixture
def practice_kind():
    """Register a "practice" kind for one test, as the CMS app will, and take it out afterwards."""
    saved = dict(registry._providers)
    registry.register_provider("practice", lambda: iter(()), label="Practices")
    yield "practice"
    registry._providers.clear()
    registry._providers.update(saved)


@pytest.fixture
def member(role_user):
    return role_user("member", full_name="Searching Member")


@pytest.fixture
def pending(role_user):
    return role_user("pending", full_name="Waiting Applicant")


@pytest.fixture
def rank_window(monkeypatch):
    """Shrink search's ranking window for one test, so windowing shows on small data: rank_window(5)."""

    def shrink(size):
        # search.index reads the constant by name for its counts, fulltext for its SQL.
        monkeypatch.setattr(fulltext, "RANK_WINDOW", size)
        monkeypatch.setattr(search_index, "RANK_WINDOW", size)

    return shrink

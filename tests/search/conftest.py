"""Fixtures for search tests: a temporary extra kind in the registry, members and applicants."""

import pytest

from search import registry


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

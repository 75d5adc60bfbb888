"""Fixtures for the scheduler tests: an empty job registry, and a clock set in the middle of a period."""

from datetime import UTC, datetime

import pytest

from scheduler.registry import jobs


@pytest.fixture
def job_registry(monkeypatch):
    """The process's job registry, emptied for the test and restored after it."""
    monkeypatch.setattr(jobs, "_jobs", {})
    return jobs


@pytest.fixture
def noon():
    """Mid-day, mid-minute: every period in these tests has started and not ended."""
    return datetime(2026, 3, 10, 12, 0, 30, tzinfo=UTC)

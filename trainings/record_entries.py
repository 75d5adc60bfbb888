"""What counts toward a member's training record, gathered from every part of trainings.

Each kind of training (attended events, completed roll-call modules) registers one
*source*: a function ``source(member) -> list[RecordEntry]``. The record page, its CSV
and the certificates read only ``entries_for``, so a new kind of training adds a
source and nothing else. A source must return only what the member really completed:
a certificate is issued for an entry only because a source returned it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

__all__ = ["RecordEntry", "entries_for", "entry_for", "record_source"]


@dataclass(frozen=True)
class RecordEntry:
    """One completed training in a member's record."""

    kind: str  # "event" or "module"
    key: str  # stable across renames: "event:12", "module:3"
    title: str
    hours: Decimal
    completed_at: datetime


Source = Callable[[object], list[RecordEntry]]
_SOURCES: list[Source] = []


def record_source(function: Source) -> Source:
    """Register a source; used as a decorator at import time (see ``TrainingsConfig.ready``)."""
    if function not in _SOURCES:
        _SOURCES.append(function)
    return function


def entries_for(member) -> list[RecordEntry]:
    """Every completed training of ``member``, newest first."""
    entries = [entry for source in _SOURCES for entry in source(member)]
    return sorted(entries, key=lambda entry: (entry.completed_at, entry.key), reverse=True)


def entry_for(member, key: str) -> RecordEntry | None:
    """The member's entry with this key, or None if they have not completed it."""
    return next((entry for entry in entries_for(member) if entry.key == key), None)

"""Checking a report's figures: each problem named, next to its measure.

Three kinds of check, from the issue: a figure is a whole number, zero or more; the parts of a
breakdown add up to at most their total; a figure more than ``change_factor`` times last
quarter's accepted figure (or less than its 1/factor) needs a short explanation. The first two
block submission; the third blocks it only until explained.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

WHOLE_NUMBER = re.compile(r"^\s*\d{1,9}\s*$")
MAX_FIGURE = 10_000_000


@dataclass
class Checked:
    """The outcome of checking: values that parse, and problems per measure code."""

    values: dict[str, int | None] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    needs_explanation: set[str] = field(default_factory=set)

    @property
    def blocking(self) -> bool:
        return any(self.problems.values())


def parse(raw: str) -> tuple[int | None, str | None]:
    """(value, problem): an empty entry is (None, None); anything but a whole number is a problem."""
    text = (raw or "").strip().replace(",", "")
    if text == "":
        return None, None
    if text.startswith("-") and text[1:].strip().isdigit():
        return None, "A count cannot be negative."
    if not WHOLE_NUMBER.match(text):
        return None, "Enter a whole number, such as 0 or 12 (no decimals, letters or formulas)."
    value = int(text)
    if value > MAX_FIGURE:
        return None, f"That is more than {MAX_FIGURE:,}: check the figure."
    return value, None


def check(measures, raws: dict[str, str], explanations: dict[str, str], previous: dict[str, int], factor):
    """Check every measure's entry; ``previous`` holds last quarter's accepted values by code."""
    result = Checked()
    for measure in measures:
        value, problem = parse(raws.get(measure.code, ""))
        result.values[measure.code] = value
        if problem:
            result.problems[measure.code].append(problem)
    _check_breakdowns(measures, result)
    _check_changes(measures, result, explanations, previous, Decimal(factor))
    return result


def _check_breakdowns(measures, result):
    by_pk = {m.pk: m for m in measures}
    groups = defaultdict(list)
    for measure in measures:
        if measure.parent_id in by_pk:
            key = (measure.parent_id, measure.breakdown or f"alone:{measure.code}")
            groups[key].append(measure)
    for (parent_pk, _), parts in groups.items():
        parent = by_pk[parent_pk]
        total = result.values.get(parent.code)
        filled = [result.values.get(p.code) for p in parts]
        if total is None or any(v is None for v in filled):
            continue
        if sum(filled) > total:
            names = " + ".join(p.name.lower() for p in parts)
            message = f"{names.capitalize()} ({sum(filled)}) is more than {parent.name.lower()} ({total})."
            for part in parts:
                result.problems[part.code].append(message)


def _check_changes(measures, result, explanations, previous, factor):
    if factor <= 1:
        return
    for measure in measures:
        now, before = result.values.get(measure.code), previous.get(measure.code)
        if now is None or before is None or (now == 0 and before == 0):
            continue
        low, high = min(now, before), max(now, before)
        # From 0 to a handful is ordinary; the check is for changes of scale.
        changed = (low == 0 and high >= 10) or (low > 0 and Decimal(high) / Decimal(low) > factor)
        if changed:
            result.needs_explanation.add(measure.code)
            if not (explanations.get(measure.code) or "").strip():
                result.problems[measure.code].append(
                    f"Last quarter this was {before}. A change this large needs a short explanation."
                )

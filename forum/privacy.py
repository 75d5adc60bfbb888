"""The privacy guard: spot what looks like victim- or case-identifying data before a post is saved.

It errs towards asking: a false alarm costs the member one confirmation, a miss
can expose a victim. The patterns are U.S.-shaped (SSNs, phone numbers, street
addresses, docket numbers). Only the kinds found are logged, never the text, so
the log does not become a second copy of what it protects.
"""

import re
from dataclasses import dataclass

_STREET_TYPES = (
    "street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|"
    "terrace|ter|circle|cir|highway|hwy|parkway|pkwy|trail|trl"
)
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"

PATTERNS = {
    "social security number": re.compile(r"\b(?!000|666|9\d\d)\d{3}[- ](?!00)\d{2}[- ](?!0000)\d{4}\b"),
    "date of birth": re.compile(
        r"\b(?:dob|d\.o\.b\.|date of birth|born(?: on)?)\b\W{0,3}"
        r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}"
        rf"|(?:{_MONTHS})[a-z]*\.? \d{{1,2}},? \d{{4}})"
        r"|\b(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])/(?:19|20)\d{2}\b",
        re.IGNORECASE,
    ),
    "phone number": re.compile(r"(?<![\w-])(?:\+?1[ .-]?)?\(?[2-9]\d{2}\)?[ .-]?\d{3}[ .-]\d{4}\b"),
    "street address": re.compile(
        rf"\b\d{{1,6}}\s+(?:[NSEW]\.?\s+)?(?:[A-Za-z0-9']+\s+){{1,4}}(?:{_STREET_TYPES})\b\.?", re.IGNORECASE
    ),
    "email address": re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    "case or docket number": re.compile(
        r"\b\d{1,2}:\d{2}-(?:cr|cv|mj|mc|po)-\d{3,6}\b"
        r"|\b(?:case|docket|file|incident|report|cause)\s*(?:no\.?|number|num\.?|#)\s*:?\s*[A-Z0-9][A-Z0-9-]{3,}",
        re.IGNORECASE,
    ),
    "licence plate": re.compile(
        r"\b(?:licen[cs]e plate|plate|tag)\s*(?:no\.?|number|#)?\s*:?\s*"
        r"(?=[A-Z0-9 -]*\d)[A-Z0-9]{2,4}[ -]?[A-Z0-9]{2,4}\b",
        re.IGNORECASE,
    ),
}


@dataclass(frozen=True)
class Finding:
    kind: str
    excerpt: str


def find_identifiers(text: str) -> list[Finding]:
    """What in this text looks identifying, one finding per match, in order of kind."""
    findings = []
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text or ""):
            findings.append(Finding(kind, match.group(0).strip()))
    return findings


def kinds_found(text: str) -> list[str]:
    return list(dict.fromkeys(finding.kind for finding in find_identifiers(text)))

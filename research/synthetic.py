"""Synthetic CTDC-schema victim records, so every analysis runs on a fresh machine.

The project cannot ship CTDC's data. This makes records in the same layout from fixed,
made-up proportions (loosely shaped like CTDC's published global picture: mostly women
and girls, sexual exploitation and forced labour the main types, minors recruited by
family more often). Nothing here describes real people, and nothing should be read as a
finding: the numbers are whatever the seed gives.

Labelled synthetic everywhere: every row has `isSynthetic` = 1, files must be named
`synthetic-ctdc-*.csv`, and notebooks that see either say so on every output.

    python -m research.synthetic --rows 500 --seed 7 --out var/synthetic-ctdc-500.csv
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

from research.schemas import (
    AGE_BANDS,
    CTDC,
    EXPLOITATION_TYPES,
    LABOUR_SECTORS,
    MEANS_OF_CONTROL,
    RECRUITER_RELATIONS,
    SEX_EXPLOITATION_TYPES,
    SYNTHETIC_FLAG,
)

FILE_PREFIX = "synthetic-ctdc-"
MAX_ROWS = 1_000_000
COLUMNS = [c.name for c in CTDC.columns]

_YEARS = range(2005, 2024)
_GENDER = {"Female": 70, "Male": 28, "Transgender/NonConforming": 2}
_AGE = dict(zip(AGE_BANDS, (2, 16, 14, 14, 12, 10, 18, 9, 5), strict=True))
_COUNTRIES = {
    "US": 30,
    "MX": 8,
    "PH": 9,
    "UA": 7,
    "MD": 6,
    "ID": 6,
    "KH": 5,
    "HT": 4,
    "NG": 5,
    "GT": 5,
    "IN": 5,
}
_EXPLOITED_IN = {"US": 45, "MX": 6, "PH": 8, "RU": 7, "SA": 6, "MY": 6, "TH": 6, "AE": 6, "GB": 5, "PL": 5}
_MONTHS = {"0--12 (0-1 yr)": 55, "12--24 (1-2 yrs)": 25, "24+ (>2 yrs)": 20}
_TYPE = {
    "isSexualExploit": 50,
    "isForcedLabour": 38,
    "isSexAndLabour": 3,
    "isOtherExploit": 4,
    "isForcedMarriage": 3,
    "isSlaveryAndPractices": 1.5,
    "isForcedMilitary": 0.4,
    "isOrganRemoval": 0.1,
}
_SECTOR = {
    "typeOfLabourDomesticWork": 28,
    "typeOfLabourAgriculture": 15,
    "typeOfLabourConstruction": 12,
    "typeOfLabourHospitality": 9,
    "typeOfLabourManufacturing": 9,
    "typeOfLabourBegging": 4,
    "typeOfLabourAquafarming": 4,
    "typeOfLabourIllicitActivities": 4,
    "typeOfLabourMiningOrDrilling": 2,
    "typeOfLabourPeddling": 2,
    "typeOfLabourTransportation": 2,
    "typeOfLabourOther": 4,
    "typeOfLabourNotSpecified": 5,
}
_SEX = {
    "typeOfSexProstitution": 80,
    "typeOfSexPornography": 10,
    "typeOfSexRemoteInteractiveServices": 5,
    "typeOfSexPrivateSexualServices": 5,
}
# Chance that a record shows each means of control, by broad type (sexual, labour).
_MEANS = {
    "meansOfControlPsychologicalAbuse": (0.45, 0.30),
    "meansOfControlThreats": (0.35, 0.30),
    "meansOfControlPhysicalAbuse": (0.35, 0.20),
    "meansOfControlSexualAbuse": (0.25, 0.05),
    "meansOfControlTakesEarnings": (0.25, 0.35),
    "meansOfControlRestrictsMovement": (0.25, 0.30),
    "meansOfControlFalsePromises": (0.20, 0.30),
    "meansOfControlDebtBondage": (0.12, 0.30),
    "meansOfControlPsychoactiveSubstances": (0.15, 0.03),
    "meansOfControlWithholdsDocuments": (0.05, 0.25),
    "meansOfControlExcessiveWorkingHours": (0.05, 0.30),
    "meansOfControlWithholdsNecessities": (0.08, 0.12),
    "meansOfControlRestrictsFinancialAccess": (0.08, 0.08),
    "meansOfControlThreatOfLawEnforcement": (0.05, 0.10),
    "meansOfControlRestrictsMedicalCare": (0.03, 0.05),
    "meansOfControlUsesChildren": (0.02, 0.01),
    "meansOfControlOther": (0.05, 0.05),
}
_RECRUITER = {  # weights for adults, then for minors
    "recruiterRelationIntimatePartner": (20, 8),
    "recruiterRelationFriend": (20, 15),
    "recruiterRelationFamily": (10, 45),
    "recruiterRelationOther": (25, 12),
    "recruiterRelationUnknown": (25, 20),
}

assert set(_TYPE) == set(EXPLOITATION_TYPES)
assert set(_SECTOR) == set(LABOUR_SECTORS)
assert set(_SEX) == set(SEX_EXPLOITATION_TYPES)
assert set(_MEANS) | {"meansOfControlNotSpecified"} == set(MEANS_OF_CONTROL)
assert set(_RECRUITER) == set(RECRUITER_RELATIONS)


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _flags(names, chosen) -> dict:
    return {name: "1" if name in chosen else "0" for name in names}


def _record(rng: random.Random) -> dict:
    row = dict.fromkeys(COLUMNS, "")
    # Registrations grow over time, as CTDC's contributing programmes did.
    row["yearOfRegistration"] = str(rng.choices(_YEARS, weights=[i + 3 for i in range(len(_YEARS))])[0])
    row["Datasource"] = "Case Management" if rng.random() < 0.7 else "Hotline"
    kind = _pick(rng, _TYPE)
    sexual = kind in ("isSexualExploit", "isSexAndLabour")
    labour = kind in ("isForcedLabour", "isSexAndLabour")
    gender_weights = dict(_GENDER) if sexual else {"Female": 45, "Male": 54, "Transgender/NonConforming": 1}
    row["gender"] = _pick(rng, gender_weights) if rng.random() > 0.02 else ""
    age = _pick(rng, _AGE) if rng.random() > 0.25 else ""  # age is often not recorded
    minor = age in ("0--8", "9--17")
    row["ageBroad"] = age
    status = "" if not age else ("Minor" if minor else "Adult")
    row["majorityStatus"] = status
    row["majorityStatusAtExploit"] = status if rng.random() > 0.1 else ""
    row["majorityEntry"] = status if rng.random() > 0.3 else ""
    row["citizenship"] = _pick(rng, _COUNTRIES) if rng.random() > 0.1 else ""
    row["CountryOfExploitation"] = _pick(rng, _EXPLOITED_IN) if rng.random() > 0.15 else ""
    row["traffickMonths"] = _pick(rng, _MONTHS) if rng.random() > 0.5 else ""
    both = ("isSexualExploit", "isForcedLabour") if kind == "isSexAndLabour" else ()
    row.update(_flags(EXPLOITATION_TYPES, {kind, *both}))
    row.update(_flags(LABOUR_SECTORS, {_pick(rng, _SECTOR)} if labour else set()))
    row.update(_flags(SEX_EXPLOITATION_TYPES, {_pick(rng, _SEX)} if sexual else set()))
    if rng.random() < 0.3:
        row.update(_flags(MEANS_OF_CONTROL, {"meansOfControlNotSpecified"}))
    else:
        column = 0 if sexual else 1
        chosen = {name for name, chance in _MEANS.items() if rng.random() < chance[column]}
        row.update(_flags(MEANS_OF_CONTROL, chosen or {"meansOfControlOther"}))
    if rng.random() < 0.6:  # recruiter relation is recorded for a minority of cases
        row.update(
            _flags(RECRUITER_RELATIONS, {_pick(rng, {k: w[int(minor)] for k, w in _RECRUITER.items()})})
        )
    row["isAbduction"] = "1" if rng.random() < 0.05 else ("0" if rng.random() < 0.8 else "")
    row[SYNTHETIC_FLAG] = "1"
    return row


def generate(rows: int, seed: int = 0) -> list[dict]:
    """`rows` synthetic records as dicts of strings, the same for the same seed."""
    if not 1 <= rows <= MAX_ROWS:
        raise ValueError(f"rows must be between 1 and {MAX_ROWS:,}; got {rows}.")
    rng = random.Random(seed)
    return [_record(rng) for _ in range(rows)]


def frame(rows: int, seed: int = 0):
    """The records as a text DataFrame, as `schemas.read_frame` would read the CSV."""
    import pandas as pd

    return pd.DataFrame(generate(rows, seed), columns=COLUMNS, dtype=str)


def check_name(path) -> Path:
    path = Path(path)
    if not (path.name.startswith(FILE_PREFIX) and path.name.endswith(".csv")):
        raise ValueError(
            f"Synthetic files must be named {FILE_PREFIX}*.csv so nobody mistakes them for real data."
        )
    return path


def write_csv(path, rows: int, seed: int = 0) -> Path:
    path = check_name(path)
    records = generate(rows, seed)  # before opening the file, so bad input leaves nothing behind
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    return path


def is_synthetic(frame, path=None) -> bool:
    """True when the data say they are synthetic: the flag column on every row, or the file name."""
    if path is not None and Path(str(path)).name.startswith(FILE_PREFIX):
        return True
    if SYNTHETIC_FLAG not in frame.columns:
        return False
    values = frame[SYNTHETIC_FLAG]
    return len(values) > 0 and all(str(v).strip().lower() in ("1", "true", "1.0") for v in values.tolist())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m research.synthetic",
        description="Write SYNTHETIC CTDC-schema victim records to a CSV file.",
    )
    parser.add_argument("--rows", type=int, default=500, help="number of records (1 to 1,000,000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed: the same seed gives the same file")
    parser.add_argument("--out", required=True, help="output path, named synthetic-ctdc-*.csv")
    args = parser.parse_args(argv)
    try:
        path = write_csv(args.out, args.rows, args.seed)
    except (ValueError, OSError) as error:
        parser.exit(2, f"error: {error}\n")
    print(f"Wrote {args.rows:,} SYNTHETIC CTDC-schema records to {path} (seed {args.seed}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())


# --- small synthetic platform exports, so the TTA and forum notebooks also run in `make lab` -------------

_AREAS = {
    "coordination": "Coordination",
    "proactive-investigations": "Proactive investigations",
    "information-sharing": "Information sharing",
    "victim-centered-response": "Victim-centered and trauma-informed response",
    "training": "Training",
    "data-collection": "Data collection and analysis",
    "prosecution": "Prosecution and case review",
    "financial-investigation": "Financial investigation",
    "labor-trafficking-investigation": "Labor trafficking investigation",
}
_STATES = ("CA", "TX", "FL", "NY", "OH", "WA", "GA", "IL", "MN", "AZ", "NV", "OR", "MI", "PA", "CO")
_REGION = {"CA": 9, "TX": 6, "FL": 4, "NY": 2, "OH": 5, "WA": 10, "GA": 4, "IL": 5, "MN": 5, "AZ": 9}
_REGION |= {"NV": 9, "OR": 10, "MI": 5, "PA": 3, "CO": 8}


def _text_frame(rows, columns):
    import pandas as pd

    return pd.DataFrame([{c: str(r[c]) for c in columns} for r in rows], columns=columns, dtype=str)


def tta_frames(task_forces: int = 30, seed: int = 0):
    """SYNTHETIC needs assessments and TTA requests in the export layout: (needs, requests)."""
    rng = random.Random(seed)
    needs, requests = [], []
    for number in range(1, task_forces + 1):
        state = rng.choice(_STATES)
        name = f"Synthetic task force {number}"
        for area, label in _AREAS.items():
            capacity = rng.choices(range(1, 6), weights=(2, 4, 4, 3, 1))[0]
            priority = min(5, max(1, 6 - capacity + rng.choice((-1, 0, 0, 1))))
            needs.append(
                {"cycle": "2025", "task_force": name, "state": state, "region": _REGION[state], "area": area,
                 "area_label": label, "facet": "practice area", "capacity": capacity, "priority": priority}
            )  # fmt: skip
            if priority - capacity >= 2 and rng.random() < 0.5:
                delivered = rng.random() < 0.5
                month = rng.randint(1, 9)
                requests.append(
                    {"request_id": len(requests) + 1, "task_force": name, "region": _REGION[state],
                     "topic": area, "topic_label": label,
                     "status": "delivered" if delivered else rng.choice(("new", "matched")),
                     "created": f"2025-{month:02d}-0{rng.randint(1, 9)}",
                     "closed": f"2025-{month + 2:02d}-15" if delivered else "", "delivered": delivered}
                )  # fmt: skip
    from research.schemas import TTA_NEEDS, TTA_REQUESTS

    return (
        _text_frame(needs, [c.name for c in TTA_NEEDS.columns]),
        _text_frame(requests, [c.name for c in TTA_REQUESTS.columns]),
    )


def forum_frames(topics: int = 120, seed: int = 0):
    """SYNTHETIC forum topics and posts in the export layout: (topics, posts)."""
    from datetime import datetime, timedelta

    from research.schemas import FORUM_POSTS, FORUM_TOPICS

    rng = random.Random(seed)
    roles = {"member": 60, "task force coordinator": 15, "researcher": 10, "tta staff": 10, "moderator": 5}
    tags = list(_AREAS)
    start = datetime(2025, 1, 6, 9, 0)
    topic_rows, post_rows = [], []
    for number in range(1, topics + 1):
        created = start + timedelta(hours=rng.randint(0, 24 * 300))
        kind = "question" if rng.random() < 0.6 else "discussion"
        replies = rng.choices(range(0, 8), weights=(15, 20, 20, 15, 10, 8, 7, 5))[0]
        waits = sorted(rng.expovariate(1 / 20) for _ in range(replies))
        author = _pick(rng, roles)
        post_rows.append({"post_id": len(post_rows) + 1, "topic_id": number, "created": created.isoformat(),
                          "author_role": author})  # fmt: skip
        for wait in waits:
            post_rows.append({"post_id": len(post_rows) + 1, "topic_id": number,
                              "created": (created + timedelta(hours=wait)).isoformat(),
                              "author_role": _pick(rng, roles)})  # fmt: skip
        topic_rows.append(
            {"topic_id": number, "category": rng.choice(("General", "Investigations", "Victim services")),
             "kind": kind, "created": created.isoformat(),
             "first_reply_at": (created + timedelta(hours=waits[0])).isoformat() if waits else "",
             "answered": kind == "question" and replies > 0 and rng.random() < 0.7, "replies": replies,
             "tags": ";".join(rng.sample(tags, rng.randint(0, 2))), "author_role": author}
        )  # fmt: skip
    return (
        _text_frame(topic_rows, [c.name for c in FORUM_TOPICS.columns]),
        _text_frame(post_rows, [c.name for c in FORUM_POSTS.columns]),
    )


def training_evaluations_frame(people: int = 150, seed: int = 0):
    """SYNTHETIC training attendance and evaluations in the export layout (research.training_evaluations).

    Made-up effects: in-person trainings raise knowledge a little more than webinars, and each
    topic has its own difficulty. Nothing here is a finding.
    """
    import hashlib

    from research.schemas import TRAINING_EVALUATIONS

    rng = random.Random(seed)
    formats = {
        "virtual": (0.15, "webinar"),
        "in_person": (0.30, "in_person_training"),
        "hybrid": (0.2, "peer_exchange"),
    }
    topics = list(_AREAS)[:5]
    rows = []
    for month in range(1, 7):
        for fmt, (gain, kind) in formats.items():
            topic = topics[(month + len(fmt)) % len(topics)]
            for _ in range(rng.randint(6, max(7, people // 18))):
                member = (
                    "P-"
                    + hashlib.sha256(f"synthetic-{seed}-{rng.randint(1, people)}".encode()).hexdigest()[:16]
                )
                attended = rng.random() < 0.85
                evaluated = attended and rng.random() < 0.7
                questions = 3
                before = sum(rng.random() < 0.45 for _ in range(questions)) if evaluated else ""
                after = (
                    min(questions, before + sum(rng.random() < gain * 2 for _ in range(questions)))
                    if evaluated
                    else ""
                )
                reaction = rng.choice((3, 4, 4, 5, 5)) if evaluated else ""
                rows.append(
                    {"member": member, "month": f"2025-{month:02d}", "format": fmt, "kind": kind,
                     "topics": topic, "hours": 1.5 if fmt == "virtual" else 6.0,
                     "attended": str(attended).lower(), "evaluated": str(evaluated).lower(),
                     "reaction": reaction, "questions": questions if evaluated else "",
                     "correct_before": before, "correct_after": after}
                )  # fmt: skip
    return _text_frame(rows, [c.name for c in TRAINING_EVALUATIONS.columns])


# (code, parent, breakdown, share of the parent or, for a total, a typical quarter's figure)
_PERFORMANCE = [
    ("investigations", "", "", 9),
    ("investigations-sex", "investigations", "type", 0.75),
    ("investigations-labor", "investigations", "type", 0.2),
    ("victims", "", "", 12),
    ("victims-sex", "victims", "type", 0.7),
    ("victims-labor", "victims", "type", 0.25),
    ("victims-minor", "victims", "age", 0.35),
    ("victims-adult", "victims", "age", 0.6),
    ("referrals", "", "", 10),
    ("arrests", "", "", 5),
    ("charges", "", "", 3),
    ("convictions", "", "", 1),
    ("trainings", "", "", 2),
    ("people-trained", "", "", 45),
]


def performance_measures_frame(task_forces: int = 24, quarters: int = 8, seed: int = 0):
    """SYNTHETIC accepted quarterly figures in the export layout (research.performance_measures).

    Made-up effects: each task force has its own size, figures drift up about 3% a quarter, and
    labor trafficking investigations are rare (a third of task forces report none). Nothing here
    is a finding.
    """
    import hashlib

    from research.schemas import PERFORMANCE_MEASURES

    rng = random.Random(seed)
    rows = []
    for n in range(task_forces):
        name = "TF-" + hashlib.sha256(f"synthetic-tf-{seed}-{n}".encode()).hexdigest()[:12]
        region = 1 + n % max(1, task_forces // 5)  # every region has 5 or more task forces
        size = rng.uniform(0.4, 2.5)
        no_labor = rng.random() < 0.33
        for q in range(quarters):
            year, quarter = 2024 + q // 4, 1 + q % 4
            trend = 1.03**q
            totals = {}
            for code, parent, breakdown, typical in _PERFORMANCE:
                if not parent:
                    value = max(0, round(rng.gauss(typical * size * trend, typical * size * 0.3)))
                elif code == "investigations-labor" and no_labor:
                    value = 0
                else:
                    value = min(totals[parent], round(totals[parent] * typical * rng.uniform(0.8, 1.0)))
                totals[code] = value
                rows.append(
                    {"task_force": name, "region": region if task_forces >= 5 else "",
                     "quarter": f"{year}-Q{quarter}", "measure_set": 1, "measure": code, "parent": parent,
                     "breakdown": breakdown, "value": value, "revision": 1}
                )  # fmt: skip
    return _text_frame(rows, [c.name for c in PERFORMANCE_MEASURES.columns])

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

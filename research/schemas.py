"""Dataset schemas the research notebooks read, and the validation of a file against one.

Importable without Django: the pipeline validates uploads with it, and notebooks
running in a bare kernel use `load` to read their CSV the same way.

Every dataset reaches a notebook as CSV. `validate` checks a frame read with every
cell as text (`read_frame`), so a number typed as "twelve" is reported, not guessed.
Row numbers in messages are 1-based data rows: the header is not counted.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported lazily so `SCHEMAS` is cheap to import.
    import pandas

KINDS = ("int", "float", "str", "date", "bool")
MAX_ROWS_NAMED = 10
TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y"})
FALSE_WORDS = frozenset({"0", "false", "f", "no", "n"})


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "int" | "float" | "str" | "date" | "bool"
    required: bool = True
    help: str = ""
    # Optional checks beyond the contract's four fields; defaults keep them off.
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Column {self.name!r}: kind must be one of {', '.join(KINDS)}")


@dataclass(frozen=True)
class Schema:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    # Cell values that mean "unknown" in this schema (CTDC uses -99 and NULL as well as blanks).
    missing_values: tuple[str, ...] = ("",)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    usable: list[str] = field(default_factory=list)  # schema columns present and readable
    unusable: list[str] = field(
        default_factory=list
    )  # file columns that cannot be used, as named in the file
    missing: list[str] = field(default_factory=list)  # optional schema columns the file lacks
    reasons: dict[str, str] = field(default_factory=dict)  # why each unusable or missing column is not used

    @property
    def ok(self) -> bool:
        return not self.errors


def _c(name, kind, help="", required=False, **checks):
    """CTDC columns are optional unless said otherwise: real files carry different subsets."""
    return Column(name, kind, required=required, help=help, **checks)


_MEANS = (
    ("DebtBondage", "debt bondage"),
    ("TakesEarnings", "takes earnings"),
    ("RestrictsFinancialAccess", "restricts financial access"),
    ("Threats", "threats"),
    ("PsychologicalAbuse", "psychological abuse"),
    ("PhysicalAbuse", "physical abuse"),
    ("SexualAbuse", "sexual abuse"),
    ("FalsePromises", "false promises"),
    ("PsychoactiveSubstances", "psychoactive substances"),
    ("RestrictsMovement", "restricts movement"),
    ("RestrictsMedicalCare", "restricts medical care"),
    ("ExcessiveWorkingHours", "excessive working hours"),
    ("UsesChildren", "uses children"),
    ("ThreatOfLawEnforcement", "threat of law enforcement"),
    ("WithholdsNecessities", "withholds necessities"),
    ("WithholdsDocuments", "withholds documents"),
    ("Other", "other"),
    ("NotSpecified", "not specified"),
)
_EXPLOITATION = (
    ("isForcedLabour", "forced labour"),
    ("isSexualExploit", "sexual exploitation"),
    ("isOtherExploit", "other exploitation"),
    ("isSexAndLabour", "sexual exploitation and forced labour"),
    ("isForcedMarriage", "forced marriage"),
    ("isForcedMilitary", "forced military service"),
    ("isOrganRemoval", "organ removal"),
    ("isSlaveryAndPractices", "slavery and similar practices"),
)
_LABOUR = (
    ("Agriculture", "agriculture"),
    ("Aquafarming", "aquafarming"),
    ("Begging", "begging"),
    ("Construction", "construction"),
    ("DomesticWork", "domestic work"),
    ("Hospitality", "hospitality"),
    ("IllicitActivities", "illicit activities"),
    ("Manufacturing", "manufacturing"),
    ("MiningOrDrilling", "mining or drilling"),
    ("Peddling", "peddling"),
    ("Transportation", "transportation"),
    ("Other", "other"),
    ("NotSpecified", "not specified"),
)
_SEX = (
    ("Prostitution", "prostitution"),
    ("Pornography", "pornography"),
    ("RemoteInteractiveServices", "remote interactive services"),
    ("PrivateSexualServices", "private sexual services"),
)
_RECRUITER = (
    ("IntimatePartner", "intimate partner"),
    ("Friend", "friend"),
    ("Family", "family"),
    ("Other", "other"),
    ("Unknown", "unknown"),
)

# Column groups by topic, with the plain label each flag stands for; the notebooks use these.
MEANS_OF_CONTROL = {f"meansOfControl{suffix}": label for suffix, label in _MEANS}
EXPLOITATION_TYPES = dict(_EXPLOITATION)
LABOUR_SECTORS = {f"typeOfLabour{suffix}": label for suffix, label in _LABOUR}
SEX_EXPLOITATION_TYPES = {f"typeOfSex{suffix}": label for suffix, label in _SEX}
RECRUITER_RELATIONS = {f"recruiterRelation{suffix}": label for suffix, label in _RECRUITER}
AGE_BANDS = ("0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+")
SYNTHETIC_FLAG = "isSynthetic"

_FLAG = "1 yes, 0 no; blank, -99 or NULL unknown."

CTDC = Schema(
    name="ctdc",
    title="CTDC victim records",
    description=(
        "Victim-level case data in the Counter Trafficking Data Collaborative's published layout: "
        "one row per victim. Only the year of registration is required; any other CTDC column "
        "the file has is used, and the analysis says which it could not use."
    ),
    columns=(
        _c(
            "yearOfRegistration",
            "int",
            "Year the case was registered.",
            required=True,
            minimum=1990,
            maximum=2100,
        ),
        _c("Datasource", "str", "Where the record came from, e.g. case management or hotline."),
        _c("gender", "str", "Gender of the victim as recorded."),
        _c("ageBroad", "str", "Age band, e.g. 9--17 or 30--38."),
        _c("majorityStatus", "str", "Adult or minor when registered."),
        _c("majorityStatusAtExploit", "str", "Adult or minor when exploited."),
        _c("majorityEntry", "str", "Adult or minor when entering exploitation."),
        _c("citizenship", "str", "Citizenship, as a country code."),
        _c("CountryOfExploitation", "str", "Country of exploitation, as a country code."),
        _c("traffickMonths", "str", "Duration of exploitation, as a band."),
        *(
            _c(name, "bool", f"Means of control: {label}. {_FLAG}")
            for name, label in MEANS_OF_CONTROL.items()
        ),
        *(_c(name, "bool", f"Type of exploitation: {label}. {_FLAG}") for name, label in _EXPLOITATION),
        *(_c(name, "bool", f"Labour sector: {label}. {_FLAG}") for name, label in LABOUR_SECTORS.items()),
        *(
            _c(name, "bool", f"Sexual exploitation: {label}. {_FLAG}")
            for name, label in SEX_EXPLOITATION_TYPES.items()
        ),
        _c("isAbduction", "bool", f"Abducted. {_FLAG}"),
        *(
            _c(name, "bool", f"Recruiter was: {label}. {_FLAG}")
            for name, label in RECRUITER_RELATIONS.items()
        ),
        _c(
            SYNTHETIC_FLAG,
            "bool",
            "Not a CTDC column: 1 on every row made by research.synthetic, so analyses can say the "
            "data are synthetic.",
        ),
    ),
    missing_values=("", "-99", "NULL", "null", "NA", "N/A", "nan"),
)

TTA_NEEDS = Schema(
    name="tta_needs",
    title="TTA needs assessments",
    description=(
        "One row per task force and rated practice area, from submitted needs assessments: "
        "how much capacity the task force has in the area and how high a priority it is."
    ),
    columns=(
        Column("cycle", "str", help="Assessment cycle, e.g. 2025."),
        Column("task_force", "str", help="Task force code (TF-0012 in platform exports; never its name)."),
        Column("state", "str", help="Two-letter state code."),
        Column("region", "int", help="Federal region, 1 to 10.", minimum=1, maximum=10),
        Column("area", "str", help="Taxonomy slug of the practice area."),
        Column("area_label", "str", help="Name of the practice area."),
        Column("facet", "str", help="Taxonomy facet of the area."),
        Column("capacity", "int", help="Current capacity, 1 (none) to 5 (strong).", minimum=1, maximum=5),
        Column("priority", "int", help="Priority, 1 (low) to 5 (urgent).", minimum=1, maximum=5),
    ),
)

TTA_REQUESTS = Schema(
    name="tta_requests",
    title="TTA requests",
    description="One row per request for training or technical assistance.",
    columns=(
        Column("request_id", "int", help="Request number."),
        Column("task_force", "str", help="Task force code (TF-0012 in platform exports; never its name)."),
        Column("region", "int", help="Federal region, 1 to 10.", minimum=1, maximum=10),
        Column("topic", "str", help="Taxonomy slug of the topic."),
        Column("topic_label", "str", help="Name of the topic."),
        Column("status", "str", help="Workflow status of the request."),
        Column("created", "date", help="Date the request was filed."),
        Column("closed", "date", help="Date the request was closed; blank while open."),
        Column("delivered", "bool", help="True if the assistance was delivered."),
    ),
)

FORUM_TOPICS = Schema(
    name="forum_topics",
    title="Forum topics",
    description="One row per peer forum topic, without titles, text or author names.",
    columns=(
        Column("topic_id", "int", help="Topic number."),
        Column("category", "str", help="Forum category."),
        Column("kind", "str", help="question or discussion.", choices=("question", "discussion")),
        Column("created", "date", help="When the topic was started (ISO date-time)."),
        Column("first_reply_at", "date", help="When the first reply came; blank if none."),
        Column("answered", "bool", help="True if a reply was accepted as the answer."),
        Column("replies", "int", help="Number of replies.", minimum=0),
        Column("tags", "str", help="Tag slugs separated by ';'."),
        Column("author_role", "str", help="Role group of the author, never a name."),
    ),
)

FORUM_POSTS = Schema(
    name="forum_posts",
    title="Forum posts",
    description="One row per forum post (topic starts and replies), without text or author names.",
    columns=(
        Column("post_id", "int", help="Post number."),
        Column("topic_id", "int", help="Topic the post belongs to."),
        Column("created", "date", help="When the post was written (ISO date-time)."),
        Column("author_role", "str", help="Role group of the author, never a name."),
    ),
)

TRAINING_EVALUATIONS = Schema(
    name="training_evaluations",
    title="Training attendance and evaluations",
    description=(
        "One row per registered attendee of a finished training event: whether they attended and, if they "
        "evaluated it, their reaction (1 to 5) and how many knowledge questions they answered correctly "
        "before (as recalled) and after. Members are keyed pseudonyms, never names; events are described "
        "only by month, format, kind and topics. Groups of fewer than 5 people are left out."
    ),
    columns=(
        Column("member", "str", help="Keyed pseudonym of the member (P-...): the same person in every row."),
        Column("month", "str", help="Month the event started, YYYY-MM (UTC)."),
        Column(
            "format", "str", help="virtual, in_person or hybrid.", choices=("virtual", "in_person", "hybrid")
        ),
        Column("kind", "str", help="webinar, in_person_training, peer_exchange or conference_session."),
        Column("topics", "str", help="Taxonomy slugs of the event's topics, separated by ';'."),
        Column("hours", "float", help="Length of the event in hours.", minimum=0),
        Column("attended", "bool", help="True if staff marked the member present."),
        Column("evaluated", "bool", help="True if they answered the evaluation; blank where withheld."),
        Column(
            "reaction", "int", required=False, help="Rating 1 (poor) to 5 (excellent).", minimum=1, maximum=5
        ),
        Column("questions", "int", required=False, help="Knowledge questions answered.", minimum=0),
        Column(
            "correct_before", "int", required=False, help="Answered correctly before (recalled).", minimum=0
        ),
        Column("correct_after", "int", required=False, help="Answered correctly after.", minimum=0),
    ),
)

PERFORMANCE_MEASURES = Schema(
    name="performance_measures",
    title="Task force quarterly performance measures",
    description=(
        "One row per figure of an accepted quarterly report: the task force as a keyed pseudonym (TF-...), "
        "its federal region only where at least 5 task forces of that region reported, the quarter, the "
        "measure-set version, the measure's code, the total it breaks down and the breakdown, the value "
        "(an aggregate count) and the report's revision. Never a task force's name."
    ),
    columns=(
        Column(
            "task_force", "str", help="Keyed pseudonym of the task force (TF-...): the same in every row."
        ),
        Column(
            "region",
            "int",
            required=False,
            help="Federal region 1 to 10; blank where withheld.",
            minimum=1,
            maximum=10,
        ),
        Column("quarter", "str", help="The reporting quarter, YYYY-Qn."),
        Column(
            "measure_set", "int", help="Version of the measure set the quarter was reported on.", minimum=1
        ),
        Column("measure", "str", help="Measure code, such as investigations or victims-labor."),
        Column(
            "parent",
            "str",
            required=False,
            help="Code of the total this measure breaks down; blank for a total.",
        ),
        Column("breakdown", "str", required=False, help="type, age, nationality, court...; blank if none."),
        Column("value", "int", help="The accepted figure: a whole number, zero or more.", minimum=0),
        Column("revision", "int", help="Revision of the report (2 or more after a correction).", minimum=1),
    ),
)

SCHEMAS: dict[str, Schema] = {
    s.name: s
    for s in (
        CTDC,
        TTA_NEEDS,
        TTA_REQUESTS,
        FORUM_TOPICS,
        FORUM_POSTS,
        TRAINING_EVALUATIONS,
        PERFORMANCE_MEASURES,
    )
}


# --- validation -------------------------------------------------------------------------------------------


def _key(name) -> str:
    """Header match key: real files add spaces, change case or use underscores."""
    return re.sub(r"[\s_\ufeff\u200b]+", "", str(name)).lower()


def _is_missing(value, schema: Schema) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return True
    except ImportError:  # pragma: no cover - pandas is a runtime dependency
        pass
    return str(value).strip() in schema.missing_values


def _as_number(text: str) -> float | None:
    try:
        number = (
            float(text.replace(",", "")) if re.fullmatch(r"[+-]?[\d,]*\.?\d+([eE][+-]?\d+)?", text) else None
        )
    except ValueError:
        return None
    if number is None or math.isinf(number) or math.isnan(number):
        return None
    return number


def parse_cell(column: Column, value) -> object:
    """The cell as a Python value of the column's kind; raises ValueError when it is not one."""
    if isinstance(value, bool) and column.kind == "bool":
        return value
    text = str(value).strip()
    if column.kind == "str":
        if column.choices and text not in column.choices:
            raise ValueError(text)
        return text
    if column.kind == "bool":
        word = text.lower()
        if word in TRUE_WORDS or word in ("1.0",):
            return True
        if word in FALSE_WORDS or word in ("0.0",):
            return False
        raise ValueError(text)
    if column.kind == "date":
        from datetime import date, datetime

        try:
            if "T" in text or " " in text or len(text) > 10:
                return datetime.fromisoformat(text.replace("Z", "+00:00"))
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(text) from None
    number = _as_number(text)
    if number is None:
        raise ValueError(text)
    if column.kind == "int":
        if number != int(number):
            raise ValueError(text)
        number = int(number)
    if (column.minimum is not None and number < column.minimum) or (
        column.maximum is not None and number > column.maximum
    ):
        raise ValueError(text)
    return number


def _expectation(column: Column) -> str:
    what = {
        "int": "whole numbers",
        "float": "numbers",
        "str": "text",
        "bool": "yes/no values (1 or 0, true or false)",
        "date": "dates (YYYY-MM-DD, or ISO date-times)",
    }[column.kind]
    if column.choices:
        what = "one of " + ", ".join(repr(c) for c in column.choices)
    if column.minimum is not None and column.maximum is not None:
        what += f" from {column.minimum:g} to {column.maximum:g}"
    elif column.minimum is not None:
        what += f" of at least {column.minimum:g}"
    return what


def _rows_phrase(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:MAX_ROWS_NAMED])
    if len(rows) > MAX_ROWS_NAMED:
        return f"rows {shown} and {len(rows) - MAX_ROWS_NAMED} more are not"
    return f"row {shown} is not" if len(rows) == 1 else f"rows {shown} are not"


def _parsed_values(schema: Schema, column: Column, series) -> dict:
    """Each distinct cell value parsed once (files repeat a handful of values millions of times):
    value -> parsed, None for unknown, or the ValueError class for a bad value."""
    parsed = {}
    for value in series.unique().tolist():
        if _is_missing(value, schema):
            parsed[value] = None
            continue
        try:
            parsed[value] = parse_cell(column, value)
        except ValueError:
            parsed[value] = ValueError
    return parsed


def _series(values):
    import pandas as pd

    return values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)


def bad_rows(schema: Schema, column: Column, values) -> list[int]:
    """1-based row numbers whose non-blank value is not of the column's kind."""
    series = _series(values).reset_index(drop=True)
    parsed = _parsed_values(schema, column, series)
    bad = [value for value, result in parsed.items() if result is ValueError]
    if not bad:
        return []
    return [int(i) + 1 for i in series.index[series.isin(bad)]]


def match_columns(schema: Schema, names) -> dict[str, str]:
    """Map each file header that names a schema column to that column's canonical name."""
    wanted = {_key(c.name): c.name for c in schema.columns}
    mapping = {}
    for name in names:
        canonical = wanted.get(_key(name))
        if canonical and canonical not in mapping.values():
            mapping[name] = canonical
    return mapping


def validate(schema: Schema, frame: pandas.DataFrame) -> Report:
    """Check a frame against the schema: present columns, their types, and that there are rows at all."""
    report = Report()
    if len(frame.columns) == 0:
        report.errors.append("The file is empty: it has no header row and no data.")
        return report
    mapping = match_columns(schema, frame.columns)
    found = set(mapping.values())
    absent_required = [c.name for c in schema.columns if c.required and c.name not in found]
    if absent_required:
        names = ", ".join(f"'{n}'" for n in absent_required)
        plural = "columns" if len(absent_required) > 1 else "column"
        report.errors.append(f"Missing required {plural} {names}.")
    # Our own synthetic flag is not expected in real files, so its absence is not worth a mention.
    report.missing = [
        c.name for c in schema.columns if not c.required and c.name not in found and c.name != SYNTHETIC_FLAG
    ]
    report.reasons.update(dict.fromkeys(report.missing, "not in the file"))
    if report.missing:
        report.warnings.append(
            f"{len(report.missing)} optional column(s) absent, so not analysed: "
            + ", ".join(report.missing)
            + "."
        )
    if len(frame) == 0:
        report.errors.append("The file has a header row but no data rows.")
    for name in frame.columns:
        if name not in mapping:
            report.unusable.append(str(name))
            report.reasons[str(name)] = f"not a {schema.title} column"
            report.warnings.append(
                f"Column '{name}' is not part of the {schema.title} schema and was not used."
            )
            continue
        column = schema.column(mapping[name])
        rows = bad_rows(schema, column, frame[name])
        if rows:
            message = f"Column '{name}' must be {_expectation(column)}; {_rows_phrase(rows)}."
            if column.required:
                report.errors.append(message)
            else:
                # An optional column with bad cells is set aside, not fatal: real CTDC files vary.
                report.unusable.append(str(name))
                report.reasons[str(name)] = f"must be {_expectation(column)}; {_rows_phrase(rows)}"
                report.warnings.append(message + " The column was not used.")
            continue
        if column.required and all(_is_missing(v, schema) for v in frame[name].unique()) and len(frame):
            report.warnings.append(f"Column '{name}' is present but every row is blank.")
        report.usable.append(column.name)
    return report


class FileFormatError(ValueError):
    """A file that is not a table: rows longer than its header, or one column named twice.

    ``problems`` says what and where (1-based data rows), one sentence each."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def header_problems(header: list[str]) -> list[str]:
    """Columns named twice, exactly or as the same column spelt differently (case, spaces, underscores).

    pandas would rename the second "gender" to "gender.1" (then unknown to the schema), and two
    spellings of yearOfRegistration would both match it: one of them silently ignored."""
    problems = []
    seen: dict[str, tuple[int, str]] = {}
    for position, name in enumerate(header, start=1):
        key = _key(name)
        if not key:
            continue
        if key in seen:
            first_position, first_name = seen[key]
            if first_name == name:
                problems.append(
                    f"Column '{name}' appears twice (columns {first_position} and {position}). "
                    "Remove one of them and upload the file again."
                )
            else:
                problems.append(
                    f"Columns '{first_name}' (column {first_position}) and '{name}' (column {position}) "
                    "name the same column, spelt differently. Keep one of them and upload the file again."
                )
            continue
        seen[key] = (position, name)
    return problems


def row_problems(rows, width: int) -> list[str]:
    """Data rows with more fields than the header has columns (1-based, blank lines not counted)."""
    longer = []
    number = 0
    for row in rows:
        if not row:  # a blank line: pandas skips it, so it is not a row
            continue
        number += 1
        if len(row) > width:
            longer.append((number, len(row)))
    if not longer:
        return []
    named = ", ".join(f"row {n} has {fields}" for n, fields in longer[:MAX_ROWS_NAMED])
    more = (
        f" and {len(longer) - MAX_ROWS_NAMED} more rows are too long" if len(longer) > MAX_ROWS_NAMED else ""
    )
    return [
        f"The header names {width} columns, but {named} fields{more}. "
        "A value with a comma in it must be in double quotes."
    ]


def check_structure(text: str) -> None:
    """Raise FileFormatError if the CSV text is not one table (see header_problems, row_problems)."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text), skipinitialspace=True)
    try:
        header = next(reader, [])
        problems = header_problems(header) + row_problems(reader, len(header))
    except csv.Error as error:
        problems = [f"The file is not valid CSV near row {max(reader.line_num - 1, 1)}: {error}."]
    if problems:
        raise FileFormatError(problems)


def read_frame(path) -> pandas.DataFrame:
    """Read a CSV with every cell as text, so validation sees exactly what the file says.

    Raises FileFormatError when it is not one table (see check_structure)."""
    import io

    import pandas as pd

    # Read bytes, then decode: UTF-8 (with or without the byte-order mark Excel writes), else
    # Windows-1252, which older case-management exports use; both read every byte somehow.
    if hasattr(path, "read"):
        raw = path.read()
    else:
        with open(path, "rb") as handle:
            raw = handle.read()
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
    else:
        text = raw.removeprefix("\ufeff")
    check_structure(text)
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()


def typed(schema: Schema, frame: pandas.DataFrame, report: Report) -> pandas.DataFrame:
    """The usable columns under their canonical names, typed; unknown cells become missing (NA)."""
    import pandas as pd

    mapping = {k: v for k, v in match_columns(schema, frame.columns).items() if v in report.usable}
    out = pd.DataFrame(index=frame.index)
    for original, canonical in mapping.items():
        column = schema.column(canonical)
        cells = frame[original]
        values = cells.map(_parsed_values(schema, column, cells)).astype(object)
        values = values.where(values.notna(), None)
        if column.kind == "int":
            out[canonical] = values.astype("Int64")
        elif column.kind == "float":
            out[canonical] = values.astype("Float64")
        elif column.kind == "bool":
            out[canonical] = values.astype("boolean")
        elif column.kind == "date":
            out[canonical] = pd.to_datetime(values, utc=True)
        else:
            out[canonical] = values.astype("string")
    return out


def load(schema_name: str, path) -> tuple[pandas.DataFrame, Report]:
    """Read, validate and type a dataset CSV for a notebook. Raises ValueError if the report has errors."""
    schema = SCHEMAS[schema_name]
    frame = read_frame(path)
    report = validate(schema, frame)
    if not report.ok:
        raise ValueError(f"{path}: " + " ".join(report.errors))
    return typed(schema, frame, report), report

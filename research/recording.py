"""The Recorder: how a notebook records its results for the platform to publish.

A notebook makes one `Recorder(results_dir, sensitive=sensitive)` and records named
numbers, tables and figures. Every call rewrites `<results_dir>/results.json` in full,
atomically (a temporary file, then `os.replace`), so a run killed mid-way leaves the last
complete file, never half of one. Figures are saved next to it as `<name>.png`.

When the data are sensitive, counts under 5 show as "<5" and tables get complementary
suppression (research.suppression). Plot `rec.protect(counts)` rather than the raw counts,
so a chart never shows what its table hides.

Importable without Django: notebooks run in a bare kernel.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import re
import tempfile
from pathlib import Path

from research import spreadsheet, suppression

VERSION = 1
NAME = re.compile(r"[a-z0-9_-]+")
SYNTHETIC_LABEL = "SYNTHETIC DATA"
SUPPRESSED_SHARE = "suppressed"


def _plain(value):
    """JSON-safe Python scalar from numpy or pandas scalars."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def _as_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "y", "t")
    return bool(value)


class Recorder:
    def __init__(self, results_dir, sensitive: bool = True, threshold: int = suppression.THRESHOLD):
        self.dir = Path(results_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.sensitive = _as_bool(sensitive)
        self.threshold = threshold
        self.synthetic = False
        self.results = {
            "version": VERSION,
            "sensitive": self.sensitive,
            "numbers": [],
            "tables": [],
            "figures": [],
        }
        self.results["notes"] = []
        # The groups (row or column labels) some table of this run hides: every table hides them
        # (research.suppression: hidden_labels), so none gives a hidden count back.
        self._hidden_labels: set[str] = set()
        self._suppressed: dict = {}  # the same counts get the same answer in a table, its chart and its data
        self._recorded: list[dict] = []  # each table and figure's data as given, to suppress again
        self._grouped: list[dict] = []  # numbers that count one group of a table (number(group=...))
        self._write()

    # --- what notebooks call ------------------------------------------------------------------

    def number(
        self,
        name: str,
        value,
        unit: str = "",
        sentence: str = "",
        count: bool = True,
        decimals: int | None = None,
        based_on: int | None = None,
        group: str | None = None,
    ) -> dict:
        """A named number. `sentence` may hold `{value}`, filled with what is shown ("<5" if hidden).

        A statistic that is not a count (a median, a mean) can say `based_on=n`, the number of
        records behind it: when sensitive and n is under 5 it is hidden ("suppressed"), since the
        median of two reply times tells a lot about each.

        A count of one group that a table also breaks down can name it, `group="forced labour"`
        (the table's row or column label): when any table of the run hides that group, so does
        this sentence."""
        value = _plain(value)
        if value is not None and not isinstance(value, numbers.Real):
            raise ValueError(f"Number {name!r} must be a number, not {type(value).__name__}.")
        if count and value is not None and (value < 0 or value != int(value)):
            raise ValueError(f"Number {name!r} is a count, so it must be a whole number of zero or more.")
        hidden = bool(count and self.sensitive and value is not None and value < self.threshold)
        display = suppression.PRIMARY if hidden else self._format(value, count, decimals)
        if not count and based_on is not None and self.sensitive and based_on < self.threshold:
            hidden, display = True, SUPPRESSED_SHARE
        entry = self._put(
            "numbers",
            {
                "name": self._name(name),
                "value": None if hidden else (int(value) if count and value is not None else value),
                "display": display,
                "unit": unit,
                "sentence": self._label(sentence.replace("{value}", display)),
                "suppressed": hidden,
                # Publishing checks counts again (research.disclosure); it must know which are counts.
                "count": bool(count),
            },
        )
        if group is not None and self.sensitive and not hidden:
            self._grouped.append({"entry": entry, "group": str(group), "sentence": sentence})
            self._reconcile()
        return entry

    def share(self, name: str, part, whole, sentence: str = "", decimals: int = 0) -> dict:
        """A percentage of two counts. Hidden when sensitive and either side of it is under 5
        (3 of 4 answered tells that 3 were answered and 1 was not)."""
        part, whole = int(_plain(part)), int(_plain(whole))
        if whole <= 0 or not 0 <= part <= whole:
            raise ValueError(f"Share {name!r} needs 0 <= part <= whole and whole > 0; got {part} of {whole}.")
        hidden = self.sensitive and (part < self.threshold or whole - part < self.threshold)
        value = 100 * part / whole
        display = SUPPRESSED_SHARE if hidden else f"{value:.{decimals}f}"
        return self._put(
            "numbers",
            {
                "name": self._name(name),
                "value": None if hidden else round(value, max(decimals, 2)),
                "display": display,
                "unit": "%",
                "sentence": self._label(sentence.replace("{value}", display)),
                "suppressed": hidden,
                "count": False,
            },
        )

    def table(self, name: str, frame, caption: str, counts=True, totals: bool = False) -> dict:
        """A table. With `counts=True`, text columns label the rows and every other column is a count.
        `counts` may instead list the count columns; other numeric columns are then statistics of their
        row (a mean, a share) and are hidden wherever a count of the row is hidden."""
        self._frame(frame)
        entry = self._put("tables", {"name": self._name(name)})
        self._record({"entry": entry, "frame": frame, "counts": counts, "totals": totals, "caption": caption})
        return entry

    def _record(self, item) -> None:
        """Add a table or figure's data to the run, suppressed consistently with all the others."""
        self._recorded.append(item)
        try:
            self._reconcile()
        except BaseException:
            # Bad input (say, text in a count column): the run's results stay as they were.
            self._recorded.remove(item)
            for kind in ("tables", "figures"):
                self.results[kind] = [e for e in self.results[kind] if e is not item["entry"]]
            self._reconcile()
            raise

    def _fill_table(self, item) -> None:
        shown, hidden, count_columns = self._shown(item["frame"], item["counts"], item["totals"])
        caption = item["caption"]
        if hidden and suppression.NOTE not in caption:
            caption = f"{caption} {suppression.NOTE}".strip()
        item["entry"].update(
            {
                "caption": self._label(caption),
                "columns": list(shown.columns),
                "rows": shown.to_numpy().tolist(),
                "suppressed_cells": hidden,
                "count_columns": count_columns,
            }
        )

    def _fill_figure_data(self, item) -> None:
        shown, hidden, count_columns = self._shown(item["frame"], item["counts"], totals=False)
        entry = item["entry"]
        rows = shown.to_numpy().tolist()
        if "drawn" not in item:
            item["drawn"] = rows  # what the chart was drawn with (rec.protect at the time)
        elif rows != item["drawn"] and not entry.get("withheld"):
            # A later table hid a group this chart shows: the picture cannot be taken back, so it goes.
            (self.dir / entry["file"]).unlink(missing_ok=True)
            entry["withheld"] = True
            self.results["notes"].append(
                f"The chart \u201c{entry['caption']}\u201d was withheld: it showed a count that another "
                "table of this run hides."
            )
        entry["data"] = {"columns": list(shown.columns), "rows": rows}
        entry["suppressed_cells"] = hidden
        entry["count_columns"] = count_columns

    def _reconcile(self) -> None:
        """Suppress every recorded table again until no table shows a group another one hides.

        A table recorded later can hide a group ("forced labour") that an earlier table showed;
        the earlier one is redone with that group hidden, and so on until nothing changes."""
        seed = set()
        while True:
            self._hidden_labels, self._suppressed = set(seed), {}
            for item in self._recorded:
                if "caption" in item:
                    self._fill_table(item)
                else:
                    self._fill_figure_data(item)
            if self._hidden_labels <= seed:
                break
            seed |= self._hidden_labels
        for item in self._grouped:
            if item["group"] in self._hidden_labels and not item["entry"]["suppressed"]:
                display = SUPPRESSED_SHARE
                item["entry"].update(
                    value=None,
                    display=display,
                    suppressed=True,
                    sentence=self._label(item["sentence"].replace("{value}", display)),
                )
        self._write()

    def figure(self, name: str, fig, caption: str, alt: str, data=None, counts: bool = True) -> dict:
        """A matplotlib figure saved as `<name>.png`, with the table of the data it plots."""
        name = self._name(name)
        if not alt.strip():
            raise ValueError(f"Figure {name!r} needs alt text describing what it shows.")
        if self.synthetic:
            fig.text(
                0.5, 0.5, SYNTHETIC_LABEL, fontsize=28, color="grey", alpha=0.25, ha="center", va="center"
            )
            fig.text(0.01, 0.01, SYNTHETIC_LABEL, fontsize=9, color="black")
        self._atomic(self.dir / f"{name}.png", lambda handle: fig.savefig(handle, format="png", dpi=110))
        entry = {
            "name": name,
            "caption": self._label(caption),
            "alt": self._label(alt),
            "file": f"{name}.png",
        }
        entry["data"] = {"columns": [], "rows": []}
        entry = self._put("figures", entry)
        if data is not None:
            self._record({"entry": entry, "frame": data, "counts": counts})
        return entry

    def note(self, markdown: str) -> None:
        self.results["notes"].append(markdown)
        self._write()

    def mark_synthetic(self, why: str = "") -> None:
        """Label every output of this run as made from synthetic data."""
        self.synthetic = True
        self.results["synthetic"] = True
        text = f"**{SYNTHETIC_LABEL}.** These results come from generated, synthetic records, not real cases."
        self.results["notes"].insert(0, f"{text} {why}".strip())
        self._write()

    def protect(self, counts, totals: bool = False):
        """The counts as numbers with every suppressed cell blank (NaN): plot this, not the raw counts."""
        frame = self._frame(counts)
        _labels, values = self._split(frame)
        if not self.sensitive:
            return values.astype(float)
        result = self._suppress(values, totals=False)
        out = values.astype(float)
        for i, j in result.primary | result.complementary:
            out.iat[i, j] = math.nan
        if result.unprotectable:
            out.loc[:, :] = math.nan
        return out

    # --- internals -----------------------------------------------------------------------------

    def _suppress(self, values, totals: bool):
        """Suppress one table consistently with every table recorded before it in this run."""
        key = (values.to_json(orient="split"), bool(totals))
        if key not in self._suppressed:
            result = suppression.suppress_table(
                values,
                threshold=self.threshold,
                totals=totals,
                hidden_labels=frozenset(self._hidden_labels),
            )
            self._suppressed[key] = result
            self._hidden_labels |= result.hidden_labels
        return self._suppressed[key]

    @staticmethod
    def _frame(data):
        import pandas as pd

        if isinstance(data, pd.Series):
            return data.to_frame(name=data.name or "count")
        if not isinstance(data, pd.DataFrame):
            raise ValueError("Tables and figure data must be pandas DataFrames or Series.")
        return data

    @staticmethod
    def _split(frame):
        """Row labels (the index plus any text columns) and the count columns."""
        import pandas as pd

        text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
        values = frame.set_index(text, append=True) if text else frame
        if text and isinstance(frame.index, pd.RangeIndex):
            values = values.droplevel(0)
        return text, values

    def _shown(self, data, counts: bool, totals: bool):
        """The table as strings, with its row labels as leading columns; how many cells are hidden;
        and which shown columns hold counts (their totals included)."""
        import pandas as pd

        frame = self._frame(data)
        if counts is True:
            _, values = self._split(frame)
            statistics = None
        elif counts:  # a list: these columns are counts, other numeric columns are statistics of the rows
            missing = [c for c in counts if c not in frame.columns]
            if missing:
                raise ValueError(f"Count columns {missing} are not in the table.")
            _, whole = self._split(frame)
            values, statistics = whole[list(counts)], whole.drop(columns=list(counts))
            if totals:
                raise ValueError("Totals are only added to tables that are all counts.")
        if counts:
            if self.sensitive:
                result = self._suppress(values, totals=totals)
                shown, hidden = result.display, result.suppressed_cells
                if result.unprotectable:
                    # Even with every cell hidden its totals give a count away: withhold it all.
                    shown = shown.map(lambda _: suppression.COMPLEMENTARY)
                    hidden = shown.size
            else:
                shown, hidden = suppression.plain_table(values, totals=totals), 0
            if statistics is not None:
                # A mean or a share over a hidden count could give that count away: hide it too.
                stats = suppression.plain_table(statistics)
                rows_hidden = (
                    shown.isin([suppression.PRIMARY, suppression.COMPLEMENTARY]).any(axis=1).to_numpy()
                )
                stats.loc[rows_hidden, :] = suppression.COMPLEMENTARY
                hidden += int(rows_hidden.sum()) * stats.shape[1]
                stats.index = shown.index
                shown = pd.concat([shown, stats], axis=1)
                order = [str(c) for c in frame.columns if str(c) in shown.columns]
                shown = shown[order]
            index = values.index
        else:
            shown, hidden, index = suppression.plain_table(frame), 0, frame.index
        has_labels = not (isinstance(index, pd.RangeIndex) and index.name is None)
        if has_labels:
            names = [n if n is not None else "" for n in index.names]
            labels = [list(k) if isinstance(k, tuple) else [k] for k in shown.index]
            rows = [
                [str(x) for x in lab] + list(r)
                for lab, r in zip(labels, shown.to_numpy().tolist(), strict=True)
            ]
            shown = pd.DataFrame(
                rows, columns=[str(n) for n in names] + [str(c) for c in shown.columns], dtype=object
            )
        # Labels come from the data (a category, a column name): one typed as a formula must stay text
        # wherever the table goes (results, a brief, a reader's spreadsheet). Counts are numbers.
        shown.columns = [spreadsheet.safe_cell(str(c)) for c in shown.columns]
        shown = shown.astype(str).map(spreadsheet.safe_cell)
        count_columns = [spreadsheet.safe_cell(str(c)) for c in values.columns] if counts else []
        if counts and totals and values.shape[1] > 1:
            count_columns.append(suppression.TOTAL)
        return shown.astype(str), int(hidden), count_columns

    def _name(self, name: str) -> str:
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise ValueError(f"Result name {name!r} must be lower-case letters, digits, '-' or '_'.")
        return name

    def _label(self, text: str) -> str:
        if self.synthetic and text and not text.startswith(SYNTHETIC_LABEL):
            return f"{SYNTHETIC_LABEL}: {text}"
        return text

    @staticmethod
    def _format(value, count: bool, decimals: int | None) -> str:
        if value is None:
            return ""
        if count or (decimals is None and float(value).is_integer()):
            return f"{int(value):,}"
        return f"{value:,.{1 if decimals is None else decimals}f}"

    def _put(self, kind: str, entry: dict) -> dict:
        # A name is unique across numbers, tables and figures: a repeat replaces the earlier item.
        for other in ("numbers", "tables", "figures"):
            kept = [item for item in self.results[other] if item["name"] != entry["name"]]
            if other == "figures" and kind != "figures" and len(kept) != len(self.results[other]):
                (self.dir / f"{entry['name']}.png").unlink(missing_ok=True)
            self.results[other] = kept
        self._recorded = [item for item in self._recorded if item["entry"]["name"] != entry["name"]]
        self._grouped = [item for item in self._grouped if item["entry"]["name"] != entry["name"]]
        self.results[kind].append(entry)
        self._write()
        return entry

    def _write(self) -> None:
        text = json.dumps(self.results, indent=2, ensure_ascii=False, allow_nan=False)
        self._atomic(self.dir / "results.json", lambda handle: handle.write(text.encode()))

    def _atomic(self, path: Path, write) -> None:
        # Opened outside `with`: the except clause below needs its name to remove a half-written file.
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115
            dir=self.dir, prefix=f".{path.name}.", suffix=".tmp", delete=False
        )
        try:
            with handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(handle.name, path)
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise

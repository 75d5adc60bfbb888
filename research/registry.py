"""The notebooks researchers can run, discovered from ``notebooks/*.ipynb``.

Each notebook declares its parameters in a cell tagged ``parameters`` (read
with ``papermill.inspect_notebook``) and its title, brief and datasets in the
``tfc`` metadata key. A notebook that cannot be read is listed with the reason,
never a crash, and cannot be run.
"""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill
from django.conf import settings

from config.errors import ServiceError
from research.conf import setting
from research.provenance import sha256_file

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
PARAMETER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
# Types the parameter form can offer; anything else is typed as a Python literal.
FORM_TYPES = {"int", "float", "str", "bool"}


class NotebookNotFound(LookupError):
    pass


class ParameterError(ServiceError, ValueError):
    """Parameters a researcher gave that the notebook does not accept; the message says which."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type_name: str
    default: str
    help: str

    @property
    def initial(self):
        try:
            return ast.literal_eval(self.default)
        except (ValueError, SyntaxError):
            return None


@dataclass
class Notebook:
    slug: str
    path: Path
    title: str = ""
    brief: str = ""
    datasets: list = field(default_factory=list)
    summary: str = ""
    parameters: list = field(default_factory=list)
    reserved: list = field(default_factory=list)
    error: str = ""
    sha256: str = ""

    @property
    def relative_path(self):
        return f"notebooks/{self.path.name}"

    @property
    def linkable(self):
        return bool(SLUG.match(self.slug))

    @property
    def runnable(self):
        return not self.error

    def reserved_names(self):
        return reserved_names(self.datasets)


def project_root():
    return Path(settings.BASE_DIR)


def notebooks_dir():
    return Path(setting("RESEARCH_NOTEBOOKS_DIR"))


def reserved_names(datasets):
    return {"results_dir", "sensitive", *(f"{schema}_csv" for schema in datasets)}


def discover():
    """Every ``*.ipynb`` in the notebooks folder, sorted by file name."""
    folder = notebooks_dir()
    if not folder.is_dir():
        return []
    return [load(path) for path in sorted(folder.glob("*.ipynb")) if not path.name.startswith(".")]


def get(slug):
    if not SLUG.match(slug or ""):
        raise NotebookNotFound(slug)
    path = notebooks_dir() / f"{slug}.ipynb"
    if not path.is_file():
        raise NotebookNotFound(slug)
    return load(path)


def load(path):
    notebook = Notebook(slug=path.stem, path=path, title=path.stem.replace("_", " ").capitalize())
    if not SLUG.match(path.stem):
        notebook.error = "The file name must be lower-case letters, digits, - or _ (it becomes the URL)."
        return notebook
    try:
        notebook.sha256 = sha256_file(path)
        node = nbformat.read(str(path), as_version=4)
        nbformat.validate(node)
    except Exception as error:  # noqa: BLE001 - any unreadable file is shown, not raised
        notebook.error = f"This is not a valid Jupyter notebook: {str(error).splitlines()[0][:300]}"
        return notebook
    meta = node.metadata.get("tfc") or {}
    if not isinstance(meta, dict):
        meta = {}
    notebook.title = str(meta.get("title") or notebook.title)
    notebook.brief = str(meta.get("brief") or "")
    notebook.summary = str(meta.get("summary") or "")
    datasets = meta.get("datasets") or []
    notebook.datasets = [str(d) for d in datasets] if isinstance(datasets, list) else []
    if not any("parameters" in (cell.metadata.get("tags") or []) for cell in node.cells):
        notebook.error = (
            "This notebook has no cell tagged \u201cparameters\u201d, so it cannot be run with parameters."
        )
        return notebook
    try:
        inspected = papermill.inspect_notebook(str(path))
    except Exception as error:  # noqa: BLE001
        notebook.error = f"Its parameters cell could not be read: {str(error)[:300]}"
        return notebook
    reserved = notebook.reserved_names()
    for name, info in inspected.items():
        default = str(info.get("default") or "")
        parameter = Parameter(
            name=name,
            type_name=_type_name(info.get("inferred_type_name"), default),
            default=default,
            help=str(info.get("help") or ""),
        )
        (notebook.reserved if name in reserved else notebook.parameters).append(parameter)
    return notebook


def _type_name(annotated, default):
    """The annotation if the cell has one (``n: int = 3``), else the type of the default's literal."""
    if annotated and annotated != "None":
        return str(annotated)
    try:
        value = ast.literal_eval(default)
    except (ValueError, SyntaxError):
        return "None"
    return type(value).__name__ if type(value).__name__ in FORM_TYPES else "None"


def coerce(parameter, value):
    """One parameter's value from text (the CLI) or a form value; ParameterError says why not."""
    kind = parameter.type_name
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"true", "1", "yes"}:
            return True
        if text in {"false", "0", "no"}:
            return False
        raise ParameterError(f"Parameter \u201c{parameter.name}\u201d must be true or false, not {value!r}.")
    if kind == "int":
        try:
            if isinstance(value, (float, bool)):
                raise ValueError
            return int(str(value).strip())
        except ValueError:
            raise ParameterError(
                f"Parameter \u201c{parameter.name}\u201d must be a whole number, not {value!r}."
            )
    if kind == "float":
        try:
            number = float(str(value).strip())
        except ValueError:
            raise ParameterError(f"Parameter \u201c{parameter.name}\u201d must be a number, not {value!r}.")
        if number != number or number in (float("inf"), float("-inf")):
            raise ParameterError(f"Parameter \u201c{parameter.name}\u201d must be a finite number.")
        return number
    if kind == "str":
        text = str(value)
        if len(text) > 1000:
            raise ParameterError(f"Parameter \u201c{parameter.name}\u201d is longer than 1,000 characters.")
        return text
    try:
        return ast.literal_eval(str(value))
    except (ValueError, SyntaxError):
        raise ParameterError(
            f"Parameter \u201c{parameter.name}\u201d must be a Python literal "
            f"(like its default {parameter.default})."
        )


def validate_parameters(notebook, given: dict):
    """Check names and types of the researcher's parameters; returns them typed.

    Reserved parameters (results_dir, sensitive, <schema>_csv) are the
    platform's and are refused, as are names the notebook does not declare.
    """
    known = {p.name: p for p in notebook.parameters}
    reserved = notebook.reserved_names()
    typed, problems = {}, []
    for name, value in given.items():
        if not PARAMETER_NAME.match(str(name)):
            problems.append(f"\u201c{str(name)[:80]}\u201d is not a valid parameter name.")
        elif name in reserved:
            problems.append(f"Parameter \u201c{name}\u201d is set by the platform and cannot be given.")
        elif name not in known:
            choices = ", ".join(known) or "none"
            problems.append(f"This notebook has no parameter \u201c{name}\u201d (it takes: {choices}).")
        else:
            try:
                typed[name] = coerce(known[name], value)
            except ParameterError as error:
                problems.append(str(error))
    if problems:
        raise ParameterError(" ".join(problems))
    # Defaults are filled in so the canonical JSON (and the cache) see every value.
    for name, parameter in known.items():
        if name not in typed:
            typed[name] = parameter.initial
    return typed

"""search imports no app: apps register providers with it, never the other way round.

The project's config is allowed; no app is (taxonomy included: the project names
the topic vocabulary in settings.SEARCH_TOPIC_VOCABULARY), anywhere in the package,
at the top of a module or inside a function. The import-linter contract in
pyproject.toml (``make lint``) says the same for every layer.
"""

import ast
from pathlib import Path

import search
from members.search_provider import KIND
from search import registry

SEARCH_DIR = Path(search.__file__).parent
APPS_SEARCH_MUST_NOT_IMPORT = {
    "taxonomy",
    "members",
    "cms",
    "forum",
    "tta",
    "research",
    "scheduler",
    "trainings",
    "measures",
}


def _imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in {
            "import_module",
            "import_string",
        }:
            # A dotted name handed to importlib would dodge the import statements.
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    yield arg.value


def test_no_module_of_search_imports_another_app():
    offending = {
        f"{path.relative_to(SEARCH_DIR.parent)}: {module}"
        for path in SEARCH_DIR.rglob("*.py")
        for module in _imported_modules(path)
        if module.split(".")[0] in APPS_SEARCH_MUST_NOT_IMPORT
    }
    assert offending == set()


def test_the_finder_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from forum.models import Topic\n    import_module('cms.models')\n")
    assert set(_imported_modules(module)) == {"forum.models", "cms.models"}


def test_the_apps_register_their_kinds_with_search():
    # The registry is filled from the apps' ready(); search itself names none of them.
    assert KIND in registry.providers()

"""The layering contract (``[tool.importlinter]`` in pyproject.toml, run by ``make lint``) covers
every Python package of the project and every app, so a new app cannot slip past it, and holds.
"""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
# The test suite imports everything and nothing imports it.
OUTSIDE_THE_LAYERS = {"tests"}


def _layer_modules():
    contract = next(c for c in CONFIG["contracts"] if c["id"] == "layers")
    return {name.strip("() ") for layer in contract["layers"] for name in re.split(r"[|:]", layer)}


def test_every_python_package_of_the_project_is_a_root_package():
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")} - OUTSIDE_THE_LAYERS
    assert packages == set(CONFIG["root_packages"])


def test_every_root_package_and_every_app_of_ours_has_a_layer():
    ours = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}
    assert ours - _layer_modules() == set()
    assert set(CONFIG["root_packages"]) - _layer_modules() == set()


def test_the_contracts_hold():
    linter = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:]

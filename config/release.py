"""Which release of the code is running: the git commit, else the build-time variable.

Notebook runs record it (research.provenance), and the public page cache keys its
copies by it (cms.public_cache), so a deploy that changes a template or a static
file never serves a page rendered by the release before.
"""

import os
import shutil
import subprocess
from functools import lru_cache

from django.conf import settings

CODE_VERSION_ENV = "TFC_CODE_VERSION"


@lru_cache(maxsize=1)
def code_version() -> str:
    """The git commit of the running code, else the build-time variable, else "unknown"."""
    git = shutil.which("git")
    if git and (settings.BASE_DIR / ".git").exists():
        try:
            out = subprocess.run(  # noqa: S603 - fixed arguments, no user input
                [git, "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],
                capture_output=True,
                text=True,
                timeout=5,
                check=True,
            )
            return out.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    return os.environ.get(CODE_VERSION_ENV, "unknown")

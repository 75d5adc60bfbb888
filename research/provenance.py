"""What makes a run reproducible: canonical parameters, file hashes, code and package versions.

Two runs with the same provenance hash would compute the same results, so the
second reuses the first's (the cache). Exported platform data is hashed like
an upload, which keeps that promise for notebooks fed by the live site.
"""

import hashlib
import json
import platform
from functools import lru_cache
from importlib import metadata

from config.release import CODE_VERSION_ENV, code_version  # noqa: F401 - part of this module's API
from research import suppression

# Set at image build time where the deployed tree has no .git folder.


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_file(path_or_file, chunk=1024 * 1024) -> str:
    digest = hashlib.sha256()
    if hasattr(path_or_file, "read"):
        for block in iter(lambda: path_or_file.read(chunk), b""):
            digest.update(block)
        return digest.hexdigest()
    with open(path_or_file, "rb") as handle:
        for block in iter(lambda: handle.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def packages_sha256() -> str:
    """Hash of every installed distribution and its version, sorted."""
    names = sorted({f"{(d.metadata['Name'] or '').lower()}=={d.version}" for d in metadata.distributions()})
    return sha256_text("\n".join(names))


@lru_cache(maxsize=1)
def kernel_version() -> str:
    # The kernel spec ("python3") runs the worker's own interpreter, so its
    # Python and ipykernel versions are the worker's.
    return f"Python {platform.python_version()}, ipykernel {metadata.version('ipykernel')}"


def disclosure_rules(sensitive: bool) -> dict:
    """What decides which figures a run may show: two runs differing here must never share results."""
    return {"sensitive": bool(sensitive), "threshold": suppression.THRESHOLD}


def provenance_sha256(
    *, notebook_path, notebook_sha256, parameters_sha256, data_versions, kernel_name, disclosure
):
    """The cache key: everything that changes a run's results or what of them may be shown."""
    return sha256_text(
        canonical_json(
            {
                "notebook": notebook_path,
                "notebook_sha256": notebook_sha256,
                "parameters_sha256": parameters_sha256,
                # The same bytes uploaded as sensitive and as not sensitive are two different inputs:
                # only one of them may show counts under the threshold.
                "data": {
                    schema: [entry.get("sha256", "synthetic"), bool(entry.get("sensitive"))]
                    for schema, entry in data_versions.items()
                },
                "disclosure": disclosure,
                "code": code_version(),
                "packages": packages_sha256(),
                "kernel": [kernel_name, kernel_version()],
            }
        )
    )

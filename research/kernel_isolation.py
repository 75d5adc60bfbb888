"""Least privilege for notebook kernels: the account they run as, what they can reach, what they may use.

A notebook is code a researcher wrote, reading data someone uploaded. Its
kernel gets only what the run needs:

- an account of its own. A worker running as root starts the kernel as
  ``RESEARCH_KERNEL_USER`` (default ``nobody``), with no supplementary groups;
  a worker that is not root runs it as itself, with the other limits below;
- one folder it may write, holding its run's input files: the run's
  ``kernel/`` folder. The executed notebook is written beside it, in a folder
  the kernel cannot change, so a notebook cannot swap it for a link to a site file;
- nothing of the site's: the embedded database, media, protected media and
  dataset storage lose their "other" permissions, and the folder above the
  work folders can be passed through but not listed;
- an environment with no secrets (see ``runner.kernel_env``);
- an address-space and a CPU-time limit (``research.kernel_launch`` sets them).

Python itself must be readable by the kernel's account. When the default
account cannot run this interpreter (a Python installed under /root, mode
0700, say) the kernel runs as the worker's user, and a warning says what to
fix. That fallback is for development only: with ``DEBUG`` off
(``RESEARCH_KERNEL_REQUIRE_ISOLATION``), or with an account set explicitly in
``RESEARCH_KERNEL_USER``, the run fails instead of running a kernel as root.
"""

import functools
import logging
import os
import pwd
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections

from research.conf import setting

log = logging.getLogger(__name__)

DEFAULT_ACCOUNT = "nobody"


class KernelAccountUnusable(Exception):
    """The configured kernel account cannot run this Python."""


@dataclass(frozen=True)
class KernelAccount:
    name: str
    uid: int
    gid: int

    def popen_options(self):
        """subprocess.Popen arguments that start a process as this account (the switch needs root)."""
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


def kernel_account():
    """The account kernels run as, or None to run them as the worker's own user."""
    if os.geteuid() != 0:
        return None
    configured = setting("RESEARCH_KERNEL_USER")
    name = configured or DEFAULT_ACCOUNT
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise KernelAccountUnusable(f"RESEARCH_KERNEL_USER names no account on this machine: {name!r}.")
    if entry.pw_uid == 0:
        raise KernelAccountUnusable("RESEARCH_KERNEL_USER must not be root: kernels run unprivileged.")
    account = KernelAccount(name, entry.pw_uid, entry.pw_gid)
    problem = cannot_run_python(account, sys.executable)
    if problem:
        required = setting("RESEARCH_KERNEL_REQUIRE_ISOLATION")
        if required is None:
            required = not settings.DEBUG
        if configured or required:
            raise KernelAccountUnusable(problem)
        log.warning("%s Kernels run as this worker's user until then.", problem)
        return None
    return account


@functools.cache
def cannot_run_python(account, executable):
    """Why ``account`` cannot start this interpreter with ipykernel, or "" if it can (asked once)."""
    try:
        probe = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
            [executable, "-c", "import ipykernel"],
            cwd="/",
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
            capture_output=True,
            timeout=120,
            **account.popen_options(),
        )
    except (OSError, subprocess.SubprocessError) as error:
        detail = str(error)
    else:
        if probe.returncode == 0:
            return ""
        detail = probe.stderr.decode(errors="replace").strip()[-300:]
    return (
        f"The kernel account {account.name!r} cannot run {executable} ({detail}). Make the interpreter "
        "and its folders readable by others (a Python under /root needs `chmod o+x /root`), or set "
        "RESEARCH_KERNEL_USER to an account that can run it."
    )


def launch_prefix():
    """The command the kernel's own command is wrapped in: limits first, then exec the kernel."""
    memory = int(setting("RESEARCH_KERNEL_MEMORY_BYTES") or 0)
    cpu = setting("RESEARCH_KERNEL_CPU_SECONDS")
    if cpu is None:
        # As long as the run may last: a run is stopped by its wall clock, not by the CPU time it used.
        cpu = setting("RESEARCH_WALL_CLOCK_LIMIT")
    return [
        sys.executable,
        "-m",
        "research.kernel_launch",
        "--memory",
        str(memory),
        "--cpu",
        str(int(cpu)),
        "--",
    ]


def site_paths():
    """Site files no kernel may read: the embedded database, the var folder's contents, protected media."""
    paths = {Path(settings.VAR_DIR), Path(settings.PROTECTED_MEDIA_ROOT)}
    for connection in connections.all(initialized_only=False):
        if connection.vendor == "sqlite" and not connection.is_in_memory_db():
            name = Path(str(connection.settings_dict["NAME"]))
            paths |= {name, Path(f"{name}-wal"), Path(f"{name}-shm"), Path(f"{name}-journal")}
    return paths


def _drop_other_access(path, keep_traverse=False):
    """Remove the "other" permission bits of ``path`` (keeping execute on a folder kernels pass through)."""
    try:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
        if stat.S_ISLNK(os.lstat(path).st_mode):
            return
        wanted = (mode & ~0o007) | (0o001 if keep_traverse else 0)
        if wanted != mode:
            os.chmod(path, wanted)
    except FileNotFoundError:
        pass
    except PermissionError:
        log.warning("Could not restrict %s: kernels of other accounts may read it.", path)


def protect_site_files(work_root):
    """Make the site's files unreadable to other accounts, leaving a path through to the work folders.

    Called before every run, so files created since (a new SQLite database, a new
    media folder) are covered too. The work folders themselves are the runner's.
    """
    work_root = Path(work_root).resolve()
    var_dir = Path(settings.VAR_DIR).resolve()
    passages = {work_root, *work_root.parents}
    for path in site_paths():
        path = path.resolve() if path.exists() else path
        _drop_other_access(path, keep_traverse=path in passages)
    if var_dir.is_dir():
        for entry in var_dir.iterdir():
            if entry.resolve() == work_root:
                continue
            _drop_other_access(entry, keep_traverse=entry.resolve() in passages)


def prepare_work_root(work_root, account):
    """The folder of all work folders: the runner's, passable but not listable by kernels."""
    work_root = Path(work_root)
    work_root.mkdir(parents=True, exist_ok=True)
    os.chmod(work_root, 0o711 if account else 0o700)


def hand_over(kernel_dir, account):
    """Give the kernel its folder and the input files in it: its account owns them, no one else reads them."""
    kernel_dir = Path(kernel_dir)
    for path in [kernel_dir, *kernel_dir.rglob("*")]:
        if account:
            os.chown(path, account.uid, account.gid, follow_symlinks=False)
        os.chmod(path, 0o700 if path.is_dir() else 0o600)

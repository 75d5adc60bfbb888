"""Research pipeline settings, each with a default so the embedded site needs none.

Read through ``setting(name)`` at call time so tests can override them.
"""

from django.conf import settings

DEFAULTS = {
    # Where the registry discovers notebooks.
    "RESEARCH_NOTEBOOKS_DIR": settings.BASE_DIR / "notebooks",
    # Scratch folders, one per run, removed when the run ends. Kept short:
    # the kernel's IPC socket paths live here and Unix sockets allow ~100 bytes.
    "RESEARCH_WORK_DIR": settings.VAR_DIR / "research-work",
    # The kernel spec every run uses (ipykernel's default in the virtualenv).
    "RESEARCH_KERNEL_NAME": "python3",
    "RESEARCH_CELL_TIMEOUT": 600,
    "RESEARCH_WALL_CLOCK_LIMIT": 3600,
    "RESEARCH_KERNEL_START_TIMEOUT": 60,
    # Outputs a notebook prints or displays beyond this many bytes are dropped.
    "RESEARCH_OUTPUT_CAP_BYTES": 20 * 1024 * 1024,
    # A running run's lease; its worker renews it every heartbeat. A dead worker is noticed by the
    # reaper (every 10 s) after three missed beats on its own host, or when the lease ends elsewhere:
    # within 30 s either way.
    "RESEARCH_LEASE_SECONDS": 15,
    "RESEARCH_HEARTBEAT_SECONDS": 2,
    # The account notebook kernels run as when the worker is root. None: "nobody", or the worker's
    # own user (with a warning) if that account cannot run this Python; a name set here is required.
    "RESEARCH_KERNEL_USER": None,
    # A root worker whose kernel account cannot run this Python refuses to run kernels as root.
    # Production (DEBUG off) requires it; development and the test suite fall back with a warning.
    # None: required exactly when DEBUG is off (read at call time, as tests change DEBUG).
    "RESEARCH_KERNEL_REQUIRE_ISOLATION": None,
    # Each kernel's address space; an allocation beyond it raises MemoryError in the notebook.
    "RESEARCH_KERNEL_MEMORY_BYTES": 2 * 1024**3,
    # Each kernel's CPU time; None: the wall-clock limit, so only a runaway kernel meets it.
    "RESEARCH_KERNEL_CPU_SECONDS": None,
    # Uploads up to this size are validated in the request; larger ones by a worker.
    "RESEARCH_INLINE_VALIDATION_BYTES": 2 * 1024 * 1024,
    "RESEARCH_MAX_UPLOAD_BYTES": 200 * 1024 * 1024,
    # Figures and results.json above these sizes are not kept.
    "RESEARCH_MAX_FIGURE_BYTES": 5 * 1024 * 1024,
    "RESEARCH_MAX_RESULTS_BYTES": 5 * 1024 * 1024,
    # The key of the members' pseudonyms in platform exports; None: one derived from SECRET_KEY.
    # Changing it changes every pseudonym, so earlier versions no longer join with later ones.
    "RESEARCH_PSEUDONYM_KEY": None,
}


def setting(name):
    return getattr(settings, name, DEFAULTS[name])

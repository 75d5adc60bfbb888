"""Starts a notebook kernel under its run's resource limits, then becomes the kernel.

The runner prefixes the kernel's command with
``python -m research.kernel_launch --memory BYTES --cpu SECONDS --``. This small
process runs already as the kernel's account (the runner's Popen switched the user),
sets the limits, closes every inherited descriptor beyond stdio so no handle
of the worker's (a database file, a socket) reaches the notebook, and execs
the kernel in its place: same pid, same process group, so the watchdog and the
reaper still find and stop it.

It imports nothing from Django or the project: it must start before the limits
leave room for much else.
"""

import os
import resource
import sys

# A soft CPU limit sends SIGXCPU; the hard limit, a little later, SIGKILL for a kernel that ignores it.
CPU_GRACE_SECONDS = 5


def parse(argv):
    """(memory bytes, cpu seconds, command) from ``--memory N --cpu N -- command...``; 0 means no limit."""
    limits = {"--memory": 0, "--cpu": 0}
    args = list(argv)
    while args and args[0] != "--":
        flag = args.pop(0)
        if flag not in limits or not args:
            raise SystemExit(f"kernel_launch: unexpected argument {flag!r}")
        limits[flag] = int(args.pop(0))
    if not args or len(args) < 2:
        raise SystemExit("kernel_launch: no kernel command after --")
    return limits["--memory"], limits["--cpu"], args[1:]


def apply_limits(memory, cpu):
    if memory > 0:
        # Address space, not resident memory: what a 3 GiB numpy array asks for up front, so the
        # allocation fails with MemoryError in the notebook instead of the machine swapping.
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if cpu > 0:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + CPU_GRACE_SECONDS))
    # A crashing kernel's core file would hold its data: none.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv=None):
    memory, cpu, command = parse(sys.argv[1:] if argv is None else argv)
    apply_limits(memory, cpu)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    os.execvp(command[0], command)  # noqa: S606 - the kernel spec's own command, from the runner


if __name__ == "__main__":
    main()

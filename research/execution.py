"""The papermill engine every run uses: its own kernel session, live progress, capped output.

- The kernel starts in a new session (jupyter_client does that on POSIX), so
  its pid is its process group id; the runner kills that whole group.
- Each kernel talks over IPC sockets in the run's own folder with its own
  connection file, so concurrent runs never race for TCP ports.
- After every cell the runner is told how many cells are done.
- The kernel is killed as soon as the last cell has replied (see shutdown_kernel).
- Outputs beyond the run's byte cap are dropped, with one note saying so, so a
  notebook printing hundreds of MB cannot fill the worker's memory or the disk.
- The kernel runs with least privilege (research.kernel_isolation): as the kernel
  account when the worker is root, under research.kernel_launch's limits, with
  its connection file handed to that account.
"""

import json
import os
from pathlib import Path

from jupyter_client import AsyncKernelManager
from nbformat import v4
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args

ENGINE_NAME = "tfc"


class RunHooks:
    """What one run wants told: kernel started (with its process group), cells done."""

    def __init__(
        self,
        work_dir: Path,
        env: dict,
        output_cap: int,
        on_kernel_started,
        on_progress,
        account=None,
        launch_prefix=(),
    ):
        # The kernel's own folder: its cwd, its sockets and connection file, its inputs and results.
        self.work_dir = Path(work_dir)
        self.env = env
        # A research.kernel_isolation.KernelAccount to start the kernel as, or None (the worker's user).
        self.account = account
        self.launch_prefix = list(launch_prefix)
        self.output_cap = output_cap
        self.on_kernel_started = on_kernel_started
        self.on_progress = on_progress


def kernel_manager_for(hooks: RunHooks):
    """A kernel manager class bound to one run (nbclient instantiates the class itself)."""

    class RunKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.transport = "ipc"
            self.ip = str(hooks.work_dir / "k")
            self.connection_file = str(hooks.work_dir / "kernel.json")

        def format_kernel_cmd(self, extra_arguments=None):
            # The launcher sets the limits, then execs the kernel: same pid and process group.
            return [*hooks.launch_prefix, *super().format_kernel_cmd(extra_arguments)]

        def write_connection_file(self, **kwargs):
            super().write_connection_file(**kwargs)
            if hooks.account:
                # jupyter_client writes it 0600 for the worker; the kernel must read its keys.
                os.chown(self.connection_file, hooks.account.uid, hooks.account.gid)

        async def start_kernel(self, **kwargs):
            kwargs["env"] = hooks.env
            # Files the kernel creates (results, figures) are its own alone.
            kwargs["umask"] = 0o077
            if hooks.account:
                kwargs.update(hooks.account.popen_options())
            # The kernel runs in the run's folder; papermill's own cwd= would chdir the
            # whole worker process, which concurrent runs in one process cannot share.
            kwargs["cwd"] = str(hooks.work_dir)
            await super().start_kernel(**kwargs)
            pid = self.provisioner.pid if self.provisioner else None
            hooks.on_kernel_started(pid, os.getpgid(pid) if pid else None)

    return RunKernelManager


class CappedNotebookClient(PapermillNotebookClient):
    """papermill's client, dropping outputs once the run has emitted ``output_cap`` bytes."""

    output_cap = 0
    _output_bytes = 0
    _capped = False

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content["text"]) if "text" in content else len(json.dumps(content.get("data", {})))
        if self._capped:
            return None
        self._output_bytes += size
        if self._output_bytes > self.output_cap:
            self._capped = True
            outs.append(
                v4.new_output(
                    "stream",
                    name="stderr",
                    text=f"[Output capped: this run printed more than {self.output_cap // (1024 * 1024)} MB; "
                    "the rest was dropped.]\n",
                )
            )
            return None
        return super().output(outs, msg, display_id, cell_index)


class RunEngine(NBClientEngine):
    """NBClientEngine with the run's kernel manager, progress reports and output cap."""

    @classmethod
    def execute_managed_notebook(
        cls, nb_man, kernel_name, log_output=False, start_timeout=60, execution_timeout=None, **kwargs
    ):
        hooks: RunHooks = kwargs.pop("tfc_hooks")
        kwargs = remove_args(
            ["input_path", "timeout", "startup_timeout", "stdout_file", "stderr_file"], **kwargs
        )
        total = len(nb_man.nb.cells)
        complete = nb_man.cell_complete

        def cell_complete(cell, cell_index=None, **kw):
            complete(cell, cell_index=cell_index, **kw)
            hooks.on_progress((cell_index or 0) + 1, total)

        nb_man.cell_complete = cell_complete
        final_kwargs = merge_kwargs(
            kwargs,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            kernel_manager_class=kernel_manager_for(hooks),
            log_output=log_output,
            # Every result is in the notebook once the last cell has replied, so the
            # kernel is killed at once. A graceful shutdown interrupts the kernel and
            # then asks it to quit; now and then the interrupt lands while it handles
            # the request, it ignores it, and jupyter_client waits 2.5 s before SIGTERM
            # (a 2.6 s run took 6 s).
            shutdown_kernel="immediate",
        )
        client = CappedNotebookClient(nb_man, **final_kwargs)
        client.output_cap = hooks.output_cap
        return client.execute()


papermill_engines.register(ENGINE_NAME, RunEngine)

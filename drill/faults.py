"""The faults injected while the load runs, each at a share of the load's duration:

- a notebooks worker killed (kill -9, with its work-horse) while it runs a notebook: queued at
  the start, killed once the run is under way, before the database restart can fail it instead;
- kill -9 one app node's gunicorn master, then start the node again;
- restart Redis (SIGTERM: it writes its append-only file; then start it again);
- restart PostgreSQL (pg_ctl restart -m fast).

Each fault is recorded with its start and end (seconds since the load began); the PostgreSQL
restart's window is the only one in which 5xx answers are allowed.
"""

import contextlib
import os
import signal
import threading
import time

import psutil

SCHEDULE = [("kill app node", 0.25), ("restart Redis", 0.45), ("restart PostgreSQL", 0.65)]
PG_GRACE_SECONDS = 2.0


def _wait_until(moment: float, t0: float, stop):
    while time.monotonic() - t0 < moment and not stop.is_set():
        time.sleep(0.1)


def _fault(faults, name, t0, action):
    entry = {"name": name, "start": time.monotonic() - t0}
    try:
        entry["detail"] = action() or ""
        entry["ok"] = True
    except Exception as error:  # noqa: BLE001 - recorded, and the check fails on it
        entry["ok"] = False
        entry["error"] = f"{type(error).__name__}: {error}"
    entry["end"] = time.monotonic() - t0
    faults.append(entry)
    return entry


def notebooks_worker_running(stack, names) -> tuple[str, list] | None:
    """The notebooks worker whose work-horse is running a job: (name, [worker, horse pids])."""
    for name in names:
        try:
            worker = psutil.Process(stack.pid_of(name))
            horses = [c for c in worker.children() if "python" in (c.name() or "")]
        except psutil.Error:
            continue
        if horses:
            return name, [worker.pid, *(h.pid for h in horses)]
    return None


def kill_notebook_worker(stack, run_state, run_id, timeout=60) -> str:
    """Wait until the run is running (and has begun its kernel), then kill -9 its worker and horse."""
    names = [n for n in stack.supervised if n.startswith("worker-notebooks")]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = run_state(run_id)
        if state and state["status"] == "running" and state.get("process_group"):
            break
        if state and state["status"] in {"succeeded", "failed", "cancelled"}:
            raise RuntimeError(f"the run ended ({state['status']}) before its worker could be killed")
        time.sleep(0.3)
    else:
        raise RuntimeError("the run never started running")
    found = notebooks_worker_running(stack, names)
    if not found:
        raise RuntimeError("no notebooks worker is running a job")
    name, pids = found
    for pid in reversed(pids):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return f"({name}, pids {pids}, kernel group {state['process_group']})"


def inject(stack, t0, seconds, faults, stop, *, start_run, run_state):
    """Run in a thread beside the load. ``start_run()`` queues the notebook run, returns its id."""
    _wait_until(1.0, t0, stop)
    killed = {}

    def notebook():
        killed["run"] = start_run()
        return kill_notebook_worker(stack, run_state, killed["run"]) + f" run {killed['run']}"

    # Beside the others: the run takes a few seconds to reach its kernel.
    worker_fault = threading.Thread(
        target=_fault, args=(faults, "kill notebooks worker mid-run", t0, notebook), daemon=True
    )
    worker_fault.start()
    threads = [worker_fault]
    for name, share in SCHEDULE:
        _wait_until(seconds * share, t0, stop)
        if stop.is_set():
            return killed
        if name == "kill app node":
            # Beside the others too: the orphaned workers take a while to finish and exit.
            node_fault = threading.Thread(target=_node_fault, args=(stack, t0, seconds, share, faults, stop))
            node_fault.start()
            threads.append(node_fault)
        elif name == "restart Redis":
            _fault(faults, "restart Redis", t0, stack.restart_redis)
        else:
            _fault(faults, "restart PostgreSQL", t0, stack.restart_postgres)
    for thread in threads:
        thread.join(timeout=120)
    return killed


def _node_fault(stack, t0, seconds, share, faults, stop):
    _fault(
        faults,
        "kill -9 app node 1",
        t0,
        lambda: f"(gunicorn master {stack.kill_node(0)}; its workers TERMed)",
    )
    _wait_until(seconds * (share + 0.1), t0, stop)

    def start_again():
        killed = stack.wait_for_orphans(0)
        stack.start_node(0)
        return f"(orphaned workers killed: {killed})"

    _fault(faults, "start app node 1 again", t0, start_again)


def pg_windows(faults) -> list[tuple[float, float]]:
    return [
        (f["start"], f["end"] + PG_GRACE_SECONDS)
        for f in faults
        if f["name"] == "restart PostgreSQL" and f.get("ok")
    ]

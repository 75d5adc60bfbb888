"""`make drill` (python -m drill): start the stack, run the journeys, load with faults, check,
back up and restore, report. Exit status 1 if any check fails, 0 if all pass or if the drill had
to be skipped (no nginx on this machine: said plainly)."""

import json
import os
import shutil
import socket
import sys
import threading
import time
from datetime import UTC, datetime

import psutil

from drill import checks, faults, load, report
from drill.database import Database
from drill.journeys import Journeys
from drill.restore_drill import backup_destroy_restore
from drill.settings import DRILL_VAR, PROJECT_DIR, from_environment
from drill.stack import SECRET_KEY, Stack


def say(text):
    print(f"[drill {time.strftime('%H:%M:%S')}] {text}", flush=True)


def kernels_left(process_group) -> list[str]:
    if not process_group:
        return []
    left = []
    for proc in psutil.process_iter(["pid", "name"]):
        try:
            if os.getpgid(proc.pid) == process_group:
                left.append(f"{proc.pid} {proc.info['name']}")
        except (ProcessLookupError, PermissionError):
            continue
    return left


def bring_up(stack: Stack, settings) -> dict:
    stack.start_postgres()
    stack.start_redis()
    say(f"PostgreSQL on 127.0.0.1:{settings.pg_port}, Redis on 127.0.0.1:{settings.redis_port}")
    stack.manage("migrate", "--noinput", debug=True)
    stack.manage("seed_demo", debug=True)
    stack.manage("collectstatic", "--noinput")
    fixture = json.loads(stack.python_module("drill.seed", str(settings.load_members), debug=True))
    say(f"migrated and seeded ({len(fixture['sessions'])} load members)")
    for index in range(len(settings.app_ports)):
        stack.start_node(index)
    stack.start_nginx(PROJECT_DIR / "staticfiles")
    stack.start_workers()
    say(f"app nodes on {settings.app_ports}, nginx on {settings.lb_port}, workers and scheduler started")
    return fixture


def drill(stack: Stack, settings) -> tuple[str, bool]:
    started = time.monotonic()
    fixture = bring_up(stack, settings)
    setup_seconds = time.monotonic() - started
    db = Database(settings.pg_port)

    say("journeys")
    journey = Journeys("127.0.0.1", settings.lb_port, SECRET_KEY, fixture, db.run_state)
    journey_marker = load.marker(__import__("random").Random())
    steps = journey.run_all(journey_marker)

    say(f"load: {settings.clients} clients for {settings.seconds} s, with faults")
    t0 = time.monotonic()
    rec = load.Recorder(t0)
    threads = load.run(
        host="127.0.0.1",
        port=settings.lb_port,
        clients=settings.clients,
        seconds=settings.seconds,
        sessions=fixture["sessions"],
        topics=fixture["topics"],
        rec=rec,
    )
    injected, stop = [], threading.Event()
    outcome = {}

    def inject():
        outcome.update(
            faults.inject(
                stack,
                t0,
                settings.seconds,
                injected,
                stop,
                start_run=lambda: journey.start_run(rows=300000, seed=int(time.time()) % 100000 + 1),
                run_state=db.run_state,
            )
        )

    fault_thread = threading.Thread(target=inject, daemon=True)
    fault_thread.start()
    for thread in threads:
        thread.join()
    load_seconds = time.monotonic() - t0
    stop.set()
    fault_thread.join(timeout=120)
    say(f"load done: {len(rec.requests)} requests, {len(rec.successes)} replies answered with success")

    killed = None
    if outcome.get("run"):
        say("waiting for the reaper to fail the killed run")
        state = db.wait_for_run(outcome["run"], {"failed", "succeeded", "timed_out", "cancelled"}, timeout=90)
        killed = dict(state or {"id": outcome["run"], "status": "unknown"})
        killed["retried"] = db.retried(outcome["run"])
        time.sleep(1)
    topics, categories = db.forum()
    windows = faults.pg_windows(injected)
    results = [
        checks.journeys(steps),
        checks.faults_applied(
            injected,
            [
                "kill notebooks worker mid-run",
                "kill -9 app node 1",
                "start app node 1 again",
                "restart Redis",
                "restart PostgreSQL",
            ],
        ),
        checks.replies_once([*rec.successes, journey_marker], db.stored_markers()),
        checks.topic_counters(topics),
        checks.category_counters(categories),
        checks.killed_run(killed, kernels_left(killed and killed.get("process_group"))),
        checks.no_5xx_outside(rec.requests, windows),
        checks.unavailable_pages(rec.requests, windows),
    ]

    say("backup, destroy, restore")
    stack.stop_services()
    try:
        before, after, archive, unstable = backup_destroy_restore(stack)
        results.append(checks.same_fingerprint(before, after))
        archive_note = f"backup archive: {archive}"
        if unstable:
            archive_note += (
                f"; set aside, as they differ between two fingerprints with no write between: "
                f"{', '.join(unstable)} (their tables are still compared by the SQL hash of every row)"
            )
    except Exception as error:  # noqa: BLE001 - a failed restore is a failed check, reported
        results.append(checks.Check("backup, destroy, restore", False, f"{type(error).__name__}: {error}"))
        archive_note = "backup/restore failed; see var/drill/logs/django.log"

    restarts = {k: v for k, v in stack.restarts.items() if v}
    header = [
        f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; host {socket.gethostname()}; {os.cpu_count()} cores; "
        f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"scale: {settings.scale} ({settings.clients} clients, {settings.seconds} s of load, "
        f"{settings.load_members} load members); set-up {setup_seconds:.0f} s",
        f"stack: PostgreSQL :{settings.pg_port}, Redis :{settings.redis_port} (append-only), "
        f"gunicorn x{len(settings.app_ports)} :{','.join(map(str, settings.app_ports))} "
        f"({settings.gunicorn_workers} sync workers each, deploy/gunicorn.conf.py), "
        f"nginx :{settings.lb_port}, "
        f"RQ workers (default, notebooks x{settings.notebook_workers}), scheduler; DEBUG off",
    ]
    refused = len(rec.refused)
    notes = [
        archive_note,
        f"replies refused with a 4xx (e.g. the posting limit): {refused}"
        + (f", first: {rec.refused[0]}" if refused else ""),
        "PostgreSQL restart window(s) counted: "
        + (", ".join(f"+{a:.1f}s..+{b:.1f}s" for a, b in windows) or "none"),
        f"processes restarted by the drill's supervisor: {restarts or 'none'}",
    ]
    text = report.render(
        header=header,
        load=report.load_figures(rec.requests, load_seconds),
        faults=injected,
        checks=results,
        notes=notes,
    )
    return text, all(c.ok for c in results)


def main() -> int:
    settings = from_environment()
    if not shutil.which("nginx") and not os.path.exists("/usr/sbin/nginx"):
        print(
            "drill SKIPPED: nginx is not installed and could not be installed (apt-get install nginx-light)."
        )
        return 0
    stack = Stack(settings, DRILL_VAR / "run", say=say)
    report_path = DRILL_VAR / "report.txt"
    started = time.monotonic()
    text, ok = "", False
    try:
        stack.prepare()
        text, ok = drill(stack, settings)
    except KeyboardInterrupt:
        text = "Drill interrupted; every process it started has been stopped.\n"
    except Exception as error:  # noqa: BLE001 - reported, and the exit status says so
        import traceback

        text = f"Drill FAILED before its checks: {type(error).__name__}: {error}\n{traceback.format_exc()}"
    finally:
        stack.stop()
    left = stack.leftovers()
    text += f"Processes left after the drill: {', '.join(left) if left else 'none'}\n"
    text += f"Total time: {time.monotonic() - started:.0f} s\n"
    ok = ok and not left
    DRILL_VAR.mkdir(parents=True, exist_ok=True)
    report_path.write_text(text)
    print(text)
    say(f"report written to {report_path.relative_to(PROJECT_DIR)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

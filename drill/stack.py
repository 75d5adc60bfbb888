"""The drill's processes: its own PostgreSQL and Redis, two gunicorn app nodes, nginx in front,
RQ workers (default and notebooks queues) and the scheduler, all on loopback.

Every process is a child of the drill (PostgreSQL is started by pg_ctl, which daemonizes it, so
it is stopped by pg_ctl too) and `Stack.stop()` ends them all, in a `finally` and on SIGTERM, so
nothing outlives a failed or interrupted drill. Workers and the scheduler are restarted when
they die, as systemd's Restart=always does in deploy/systemd/, and the restarts are counted.
"""

import contextlib
import glob
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from drill import nginx
from drill.settings import PROJECT_DIR, DrillSettings

PYTHON = str(Path(sys.executable))
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SECRET_KEY = "drill-only-secret-key-not-for-production-0123456789-abcdefghijklmnopqrstuvwxyz"


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    fallback = shutil.which(name) or f"/usr/local/bin/{name}"
    return fallback


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        # As servers bind: a closed connection's TIME_WAIT does not make the port busy.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for_port(port: int, timeout: float, *, process=None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        with socket.socket() as sock:
            sock.settimeout(1)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


def passable(folder: Path) -> None:
    """Let other accounts pass through every folder above ``folder`` inside the project (not list it).

    nginx's workers (www-data) send the protected files and the notebook kernels run as "nobody",
    both from under var/drill/run. A notebook run of the site itself (make run, the tests) takes
    the "other" bits off var/ (research.kernel_isolation), which would leave them outside; each
    entry of var/ keeps its own, closed, permissions.
    """
    for path in [folder, *folder.parents]:
        if path == PROJECT_DIR or PROJECT_DIR not in path.parents:
            break
        mode = stat.S_IMODE(path.stat().st_mode)
        if not mode & 0o001:
            path.chmod(mode | 0o001)


class Stack:
    def __init__(self, settings: DrillSettings, var_dir: Path, say=print):
        self.settings = settings
        self.var_dir = var_dir
        self.say = say
        self.logs = var_dir / "logs"
        self.site_var = var_dir / "site"
        self.media = var_dir / "media"
        self.protected = var_dir / "protected-media"
        self.backups = var_dir / "backups"
        self.pg_dir = Path(tempfile.mkdtemp(prefix="drill-pg-"))
        self.redis_dir = var_dir / "redis"
        self.processes: dict[str, subprocess.Popen] = {}
        self.supervised: dict[str, tuple[list, Path]] = {}
        self.restarts: dict[str, int] = {}
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._supervisor = None
        self.pg_started = False
        self.orphans: dict[int, list] = {}

    # --- environment ---------------------------------------------------------

    def env(self, *, debug: bool = False) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in {"TASKS_IMMEDIATE", "DJANGO_SETTINGS_MODULE"}}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DEBUG="1" if debug else "0",
            SECRET_KEY=SECRET_KEY,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SITE_URL=self.settings.base_url,
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{self.settings.pg_port}/drill",
            REDIS_URL=f"redis://127.0.0.1:{self.settings.redis_port}/0",
            TASKS_BACKEND="rq",
            VAR_DIR=str(self.site_var),
            MEDIA_ROOT=str(self.media),
            PROTECTED_MEDIA_ROOT=str(self.protected),
            PROTECTED_MEDIA_ACCEL_PREFIX="/_protected/",
            BACKUP_DIR=str(self.backups),
            # Plain HTTP on loopback stands for the TLS the load balancer would terminate.
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="0",
            LOG_LEVEL="WARNING",
            CONN_MAX_AGE="60",
            PYTHONUNBUFFERED="1",
        )
        return env

    def manage(
        self, *args, debug=False, check=True, log_name=None, timeout=900
    ) -> subprocess.CompletedProcess:
        """Run one manage.py command to completion in the stack's environment."""
        log_path = self.logs / f"{log_name or args[0]}.log"
        with log_path.open("a") as log:
            done = subprocess.run(
                [PYTHON, "manage.py", *args],
                cwd=PROJECT_DIR,
                env=self.env(debug=debug),
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=timeout,
            )
        if check and done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed ({done.returncode}); see {log_path}")
        return done

    def python_module(self, module: str, *args, debug=False, timeout=900) -> str:
        """Run ``python -m module`` in the stack's environment; returns its stdout."""
        log_path = self.logs / f"{module}.log"
        with log_path.open("a") as log:
            done = subprocess.run(
                [PYTHON, "-m", module, *args],
                cwd=PROJECT_DIR,
                env=self.env(debug=debug),
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                timeout=timeout,
            )
        if done.returncode:
            raise RuntimeError(f"python -m {module} failed ({done.returncode}); see {log_path}")
        return done.stdout

    # --- start-up ------------------------------------------------------------

    def prepare(self):
        busy = [
            p
            for p in (
                self.settings.pg_port,
                self.settings.redis_port,
                self.settings.lb_port,
                *self.settings.app_ports,
            )
            if not port_free(p)
        ]
        if busy:
            raise RuntimeError(f"ports already in use: {busy} (another drill running?)")
        if self.var_dir.exists():
            shutil.rmtree(self.var_dir)
        for folder in (self.logs, self.site_var, self.media, self.protected, self.backups, self.redis_dir):
            folder.mkdir(parents=True, exist_ok=True)
        passable(self.var_dir)
        signal.signal(signal.SIGTERM, self._on_term)

    def _on_term(self, signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    def _as_postgres(self, *command) -> list:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return list(command)

    def start_postgres(self):
        data = self.pg_dir / "data"
        if os.geteuid() == 0:
            shutil.chown(self.pg_dir, "postgres", "postgres")
        subprocess.run(
            self._as_postgres(
                _pg_bin("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"
            ),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=(self.logs / "initdb.log").open("w"),
        )
        options = (
            f"-p {self.settings.pg_port} -c listen_addresses=127.0.0.1 -k {self.pg_dir} "
            "-c max_connections=200 -c shared_buffers=128MB"
        )
        self._pg_ctl("start", "-o", options)
        self.pg_started = True
        subprocess.run(
            [
                _pg_bin("createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.settings.pg_port),
                "-U",
                "postgres",
                "drill",
            ],
            check=True,
        )

    def _pg_ctl(self, *args):
        data = self.pg_dir / "data"
        log = self.pg_dir / "postgres.log"
        subprocess.run(
            self._as_postgres(_pg_bin("pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", *args),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def restart_postgres(self):
        self._pg_ctl("restart", "-m", "fast")

    def start_redis(self):
        command = [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            "--port",
            str(self.settings.redis_port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.redis_dir),
            # Sessions and task queues live here: a restart must keep them (deploy/README.md).
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--save",
            "",
            "--maxmemory-policy",
            "noeviction",
        ]
        self._spawn("redis", command)
        if not wait_for_port(self.settings.redis_port, 20, process=self.processes["redis"]):
            raise RuntimeError("redis-server did not start; see var/drill/logs/redis.log")

    def restart_redis(self):
        """SIGTERM (Redis writes its append-only file and exits), then start it again."""
        self._terminate("redis", timeout=20)
        self.start_redis()

    def start_node(self, index: int):
        port = self.settings.app_ports[index]
        env = self.env()
        env.update(
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS=str(self.settings.gunicorn_workers),
            GUNICORN_TIMEOUT="60",
        )
        command = [GUNICORN, "config.wsgi", "-c", str(PROJECT_DIR / "deploy" / "gunicorn.conf.py")]
        self._spawn(f"node{index + 1}", command, env=env, append=True)
        if not wait_for_port(port, 90, process=self.processes[f"node{index + 1}"]):
            raise RuntimeError(f"app node {index + 1} did not start; see var/drill/logs/node{index + 1}.log")
        self._wait_healthy(port)

    def _wait_healthy(self, port: int, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the app on port {port} is not healthy")

    def kill_node(self, index: int) -> int:
        """kill -9 the node's gunicorn master, then TERM its orphaned workers. Returns the master's pid.

        Orphaned sync workers do not stop by themselves under load: they look for their master
        only when no connection is waiting, so they kept serving until killed -9 and the requests
        in their hands were lost (the first full drill). systemd stops what is left of a unit
        whose main process died; TERM, as KillMode=control-group sends it, lets each worker
        finish the request in hand and exit.
        """
        import psutil

        name = f"node{index + 1}"
        process = self.processes[name]
        workers = []
        with contextlib.suppress(psutil.Error):
            workers = psutil.Process(process.pid).children()
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        for worker in workers:
            with contextlib.suppress(psutil.Error):
                worker.terminate()
        self.orphans[index] = workers
        return process.pid

    def wait_for_orphans(self, index: int, timeout: float = 40) -> int:
        """The orphaned workers exit after the request in hand (kill_node sent them TERM); the port is
        free only then, so a restart can bind it. Returns how many had to be killed."""
        import psutil

        _gone, alive = psutil.wait_procs(self.orphans.pop(index, []), timeout=timeout)
        for worker in alive:
            worker.kill()
        return len(alive)

    def start_nginx(self, static_root: Path):
        run_dir = self.var_dir / "nginx"
        run_dir.mkdir(exist_ok=True)
        conf = run_dir / "nginx.conf"
        (run_dir / "commons-proxy.conf").write_text(nginx.proxy_settings())
        conf.write_text(
            nginx.render(
                self.settings, run_dir=run_dir, static_root=static_root, protected_root=self.protected
            )
        )
        nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
        self._spawn("nginx", [nginx_bin, "-c", str(conf), "-p", str(run_dir), "-g", "daemon off;"])
        if not wait_for_port(self.settings.lb_port, 20, process=self.processes["nginx"]):
            raise RuntimeError("nginx did not start; see var/drill/logs/nginx.log")

    def start_workers(self):
        job_class = ["--job-class", "django_tasks_rq.Job"]
        self._supervise("worker-default", [PYTHON, "manage.py", "rqworker", "default", *job_class])
        for n in range(self.settings.notebook_workers):
            self._supervise(
                f"worker-notebooks{n + 1}", [PYTHON, "manage.py", "rqworker", "notebooks", *job_class]
            )
        self._supervise("scheduler", [PYTHON, "manage.py", "run_scheduler"])
        self._supervisor = threading.Thread(target=self._keep_alive, daemon=True)
        self._supervisor.start()

    # --- processes -----------------------------------------------------------

    def _spawn(self, name, command, *, env=None, append=False):
        log_path = self.logs / f"{name}.log"
        with log_path.open("a" if append else "w") as log:
            process = subprocess.Popen(
                command,
                cwd=PROJECT_DIR,
                env=env or self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        with self._lock:
            self.processes[name] = process
        return process

    def _supervise(self, name, command):
        self.supervised[name] = command
        self.restarts[name] = 0
        self._spawn(name, command, append=True)

    def _keep_alive(self):
        while not self._stopping.wait(0.5):
            for name, command in self.supervised.items():
                process = self.processes.get(name)
                if process is not None and process.poll() is not None and not self._stopping.is_set():
                    time.sleep(1)  # RestartSec: do not spin on a crash
                    if self._stopping.is_set():
                        return
                    self.restarts[name] += 1
                    self._spawn(name, command, append=True)

    def pid_of(self, name: str) -> int:
        return self.processes[name].pid

    def kill(self, name: str, sig=signal.SIGKILL):
        os.kill(self.processes[name].pid, sig)

    def _terminate(self, name, timeout=15):
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_services(self):
        """Stop the app nodes, nginx, workers and scheduler (not PostgreSQL and Redis), for the restore."""
        self._stopping.set()
        if self._supervisor is not None:
            self._supervisor.join(timeout=5)
        for name in reversed(list(self.processes)):
            if name != "redis":
                self._terminate(name)

    def stop(self):
        """End every process the drill started (each in its own session, so its children too)."""
        # A second Ctrl-C or TERM must not interrupt the clean-up half-way.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        self._stopping.set()
        if self._supervisor is not None:
            self._supervisor.join(timeout=5)
        for name in reversed(list(self.processes)):
            try:
                self._terminate(name)
            except Exception as error:  # noqa: BLE001 - keep stopping the others
                self.say(f"  could not stop {name}: {error}")
        if self.pg_started:
            try:
                self._pg_ctl("stop", "-m", "fast")
            except subprocess.CalledProcessError:
                self._pg_ctl("stop", "-m", "immediate")
            self.pg_started = False
        for workers in self.orphans.values():  # a node killed and not restarted (a failed drill)
            for worker in workers:
                with contextlib.suppress(Exception):
                    worker.kill()
        shutil.rmtree(self.pg_dir, ignore_errors=True)

    def leftovers(self) -> list[str]:
        """Processes of ours still alive after stop() (the report lists them; it should be none)."""
        import psutil

        alive = [name for name, process in self.processes.items() if process.poll() is None]
        ports = {
            self.settings.pg_port,
            self.settings.redis_port,
            self.settings.lb_port,
            *self.settings.app_ports,
        }
        for port in sorted(ports):
            if not port_free(port):
                alive.append(f"something still listens on 127.0.0.1:{port}")
        for proc in psutil.process_iter(["pid", "cmdline"]):
            cmdline = " ".join(proc.info.get("cmdline") or [])
            if str(self.pg_dir) in cmdline or str(self.var_dir) in cmdline:
                alive.append(f"{proc.info['pid']}: {cmdline[:80]}")
        return alive

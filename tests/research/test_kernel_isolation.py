"""Least privilege for notebook kernels, proven with real kernels running a hostile notebook.

A notebook is untrusted code. Each test lets one try what an attacker would:
start Django with the site's settings, read the secret key, open the SQLite
database, list the dataset storage, write into the code or notebooks folders,
or take more memory and CPU than a run may. Every attempt must fail or find
nothing, and the run must say why it stopped.
"""

import json
import os
import sqlite3
import stat
import tempfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from research import kernel_isolation, registry, services
from research.models import Run

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
Status = Run.Status
SECRET = "site-secret-key-the-kernel-must-never-see"
MARKER = "alice@example.org:pbkdf2_sha256$marker"


@pytest.fixture
def researcher(role_user):
    return role_user("researcher")


@pytest.fixture
def site_var(settings):
    """A var/ folder laid out like the site's, made as a fresh checkout makes it (umask 022)."""
    var = Path(tempfile.mkdtemp(prefix="tfcvar", dir="/tmp"))
    os.chmod(var, 0o755)  # noqa: S103 - as the site's var/ is made today
    database = var / "db.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("create table members_user (email text, password text)")
        db.execute("insert into members_user values (?, ?)", MARKER.split(":"))
    os.chmod(database, 0o644)
    datasets = var / "protected-media" / "research" / "datasets" / "ctdc-2024"
    datasets.mkdir(parents=True)
    (datasets / "v1-abc.csv").write_text(f"email\n{MARKER}\n")
    for path in (var / "protected-media", var / "protected-media" / "research", datasets.parent, datasets):
        os.chmod(path, 0o755)  # noqa: S103 - as the site's var/ is made today
    os.chmod(datasets / "v1-abc.csv", 0o644)
    settings.VAR_DIR = var
    settings.RESEARCH_WORK_DIR = var / "research-work"  # the default layout: work folders inside var/
    yield var
    import shutil

    shutil.rmtree(var, ignore_errors=True)


def run_notebook(slug, researcher, **params):
    run = services.queue_run(registry.get(slug), params, {}, researcher)
    run.refresh_from_db()
    return run


def printed(run):
    [output] = json.loads(run.executed_notebook.read())["cells"][-1]["outputs"]
    return json.loads("".join(output["text"]))


HOSTILE = """
import json, os, sqlite3
VAR, CODE = {var!r}, {code!r}
seen = {{}}

def attempt(name, action):
    try:
        seen[name] = ["ok", repr(action())[:300]]
    except BaseException as error:  # SystemExit, ImproperlyConfigured, PermissionError...
        seen[name] = ["failed", type(error).__name__]

def django_site():
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["VAR_DIR"] = VAR  # the attacker knows where the site keeps its files
    import django
    django.setup()
    from django.conf import settings
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("select email, password from members_user")
        rows = cursor.fetchall()
    return [settings.SECRET_KEY, rows]

attempt("django", django_site)
attempt("env_secret", lambda: os.environ["SECRET_KEY"])
attempt("worker_environ", lambda: open(f"/proc/{{os.getppid()}}/environ", "rb").read())
attempt("db_sqlite", lambda: sqlite3.connect(f"file:{{VAR}}/db.sqlite3?mode=ro", uri=True)
        .execute("select * from members_user").fetchall())
attempt("db_bytes", lambda: open(f"{{VAR}}/db.sqlite3", "rb").read())
attempt("list_var", lambda: os.listdir(VAR))
attempt("list_datasets", lambda: os.listdir(f"{{VAR}}/protected-media/research/datasets"))
DATASET = f"{{VAR}}/protected-media/research/datasets/ctdc-2024/v1-abc.csv"
attempt("read_dataset", lambda: open(DATASET).read())
attempt("list_work_root", lambda: os.listdir(f"{{VAR}}/research-work"))
attempt("write_code", lambda: open(f"{{CODE}}/research/kernel_was_here.py", "w").write("x"))
attempt("write_notebooks", lambda: open(f"{{CODE}}/notebooks/kernel_was_here.ipynb", "w").write("x"))
attempt("write_own_folder", lambda: open(os.path.join(results_dir, "scratch.txt"), "w").write("mine"))
seen["uid"] = os.getuid()
print(json.dumps(seen))
"""


def test_protecting_the_site_files_takes_other_accounts_access_away(site_var):
    kernel_isolation.protect_site_files(site_var / "research-work")
    assert (
        stat.S_IMODE(site_var.stat().st_mode) & 0o007 == 0o001
    )  # passable to the work folders, not listable
    assert stat.S_IMODE((site_var / "db.sqlite3").stat().st_mode) & 0o007 == 0
    assert stat.S_IMODE((site_var / "protected-media").stat().st_mode) & 0o007 == 0


@pytest.mark.skipif(
    os.geteuid() != 0, reason="the kernel runs as another account only when the worker is root"
)
def test_a_hostile_notebook_finds_no_secret_no_database_no_datasets_and_cannot_write_the_code(
    make_notebook, researcher, site_var, monkeypatch, no_kernels_left
):
    account = kernel_isolation.KernelAccount("nobody", 65534, 65534)
    problem = kernel_isolation.cannot_run_python(account, os.sys.executable)
    if problem:
        if os.environ.get("CI"):
            # CI must prove the isolation, not skip it (.ci/run makes the account able to run Python).
            pytest.fail(problem)
        pytest.skip(problem)
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{site_var}/db.sqlite3")
    make_notebook("hostile", [HOSTILE.format(var=str(site_var), code=str(django_settings.BASE_DIR))])
    run = run_notebook("hostile", researcher)
    assert run.status == Status.SUCCEEDED, run.error_message
    seen = printed(run)
    everything = json.dumps(seen)
    assert SECRET not in everything and MARKER.split(":")[0] not in everything, seen
    assert seen["uid"] == 65534  # nobody
    for attempt in (
        "django",
        "env_secret",
        "worker_environ",
        "db_sqlite",
        "db_bytes",
        "list_var",
        "list_datasets",
        "read_dataset",
        "list_work_root",
        "write_code",
        "write_notebooks",
    ):
        assert seen[attempt][0] == "failed", (attempt, seen[attempt])
    assert seen["write_own_folder"] == ["ok", "4"]
    assert not (Path(django_settings.BASE_DIR) / "research" / "kernel_was_here.py").exists()
    assert not (Path(django_settings.BASE_DIR) / "notebooks" / "kernel_was_here.ipynb").exists()


def test_allocating_3_gib_fails_the_run_with_a_memory_limit_message(
    make_notebook, researcher, settings, no_kernels_left
):
    settings.RESEARCH_KERNEL_MEMORY_BYTES = 2 * 1024**3
    make_notebook("greedy", ["print('before')", "block = bytearray(3 * 1024**3)\nprint('allocated')"])
    run = run_notebook("greedy", researcher)
    assert run.status == Status.FAILED
    assert run.error_class == "MemoryError"
    assert "more memory than a run may use (2 GiB)" in run.error_message
    assert run.failing_cell == 5
    last = json.loads(run.executed_notebook.read())["cells"][-1]
    assert [out["ename"] for out in last["outputs"] if out["output_type"] == "error"] == ["MemoryError"]
    assert not [out for out in last["outputs"] if out["output_type"] == "stream"]


def test_a_kernel_over_its_cpu_time_is_stopped_and_the_run_fails(
    make_notebook, researcher, settings, no_kernels_left
):
    settings.RESEARCH_KERNEL_CPU_SECONDS = 2
    settings.RESEARCH_CELL_TIMEOUT = 120
    make_notebook("spinner", ["while True:\n    pass"])
    run = run_notebook("spinner", researcher)
    assert run.status == Status.FAILED
    assert run.error_class == "DeadKernelError"
    assert "2 s of CPU time" in run.error_message
    assert run.duration_seconds < 60


def test_the_kernel_environment_holds_no_secret_of_the_worker(monkeypatch, tmp_path):
    from research import runner

    for name in (
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "EMAIL_URL",
        "AWS_SECRET_ACCESS_KEY",
        "SENTRY_DSN",
    ):
        monkeypatch.setenv(name, "secret")
    env = runner.kernel_env(tmp_path)
    assert "secret" not in env.values()
    assert env["HOME"] == str(tmp_path) and env["MPLBACKEND"] == "Agg"


@pytest.mark.skipif(os.geteuid() != 0, reason="a worker that is not root runs kernels as itself")
def test_production_never_falls_back_to_running_kernels_as_root(settings, monkeypatch):
    # The probe's answer on a machine whose Python only root can run (pyenv under /root).
    monkeypatch.setattr(kernel_isolation, "cannot_run_python", lambda account, executable: "no access")
    settings.RESEARCH_KERNEL_REQUIRE_ISOLATION = False
    assert kernel_isolation.kernel_account() is None  # development: the worker's user, with a warning
    settings.RESEARCH_KERNEL_REQUIRE_ISOLATION = True
    with pytest.raises(kernel_isolation.KernelAccountUnusable, match="no access"):
        kernel_isolation.kernel_account()

    settings.RESEARCH_KERNEL_REQUIRE_ISOLATION = None  # the default: required when DEBUG is off
    settings.DEBUG = False
    with pytest.raises(kernel_isolation.KernelAccountUnusable):
        kernel_isolation.kernel_account()
    settings.DEBUG = True
    assert kernel_isolation.kernel_account() is None

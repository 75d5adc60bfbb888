"""``make audit``: Lighthouse on the demo site's key pages, scores printed and saved.

It builds a throwaway demo site under var/audit/ (its own SQLite database,
media and mail outbox, through VAR_DIR, so var/ itself is never touched),
serves it with gunicorn on a spare port, runs the pinned Lighthouse from
audit/node_modules against Debian's Chromium on each page, and writes the four
category scores per page to var/audit/scores.json (full reports beside it as
HTML). Exit status 1 if any page misses its target.

Run from the repository root with the project's Python: ``.venv/bin/python audit/run.py``.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDIT_VAR = ROOT / "var" / "audit"
LIGHTHOUSE = ROOT / "audit" / "node_modules" / ".bin" / "lighthouse"
PYTHON = ROOT / ".venv" / "bin" / "python"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {
    "home": "/",
    "practices index": "/practices/",
    "article": "/practices/proactive-investigations/",  # a demo practice (cms.demo.FEATURED)
    "search": "/search/?q=victim+services",
    "report": "/report/",
}
TARGET = 95
ACCESSIBILITY_100 = {"home", "report"}


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_environment(port: int) -> dict:
    env = dict(os.environ)
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "SECRET_KEY",
        "EMAIL_URL",
        "MEDIA_ROOT",
        "PROTECTED_MEDIA_ROOT",
    ):
        env.pop(name, None)  # the embedded defaults, all under VAR_DIR
    env.update(
        {
            "VAR_DIR": str(AUDIT_VAR),
            "DEBUG": "1",  # seed_demo refuses to run without it
            "TASKS_BACKEND": "immediate",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    return env


def build_site(env: dict) -> None:
    if AUDIT_VAR.exists():
        shutil.rmtree(AUDIT_VAR)
    AUDIT_VAR.mkdir(parents=True)
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        print(f"manage.py {' '.join(command)} …", flush=True)
        subprocess.run(  # noqa: S603 - our own fixed command
            [str(PYTHON), "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )


def wait_until_up(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("The site stopped before answering; see var/audit/server.log.")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310 - our own local server
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"The site did not answer on {base} within {timeout:.0f} s.")


def check_page(url: str) -> None:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our own local server
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}; nothing to audit.")


def lighthouse(url: str, name: str) -> dict:
    stem = AUDIT_VAR / name.replace(" ", "-")
    subprocess.run(  # noqa: S603 - the pinned Lighthouse on our own URL
        [
            str(LIGHTHOUSE),
            url,
            f"--chrome-flags={CHROME_FLAGS}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            "--output=html",
            f"--output-path={stem}",
            "--quiet",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
    )
    report = json.loads(Path(f"{stem}.report.json").read_text())
    return {key: round(report["categories"][key]["score"] * 100) for key in CATEGORIES}


def misses(name: str, scores: dict) -> list[str]:
    found = [f"{name}: {key} {scores[key]} < {TARGET}" for key in CATEGORIES if scores[key] < TARGET]
    if name in ACCESSIBILITY_100 and scores["accessibility"] < 100:
        found.append(f"{name}: accessibility {scores['accessibility']} < 100")
    return found


def main() -> int:
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `make audit` (it runs `npm ci` in audit/).")
    port = spare_port()
    base = f"http://127.0.0.1:{port}"
    env = site_environment(port)
    build_site(env)
    log = (AUDIT_VAR / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own fixed command
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    results = {}
    try:
        wait_until_up(base, server)
        for name, path in PAGES.items():
            check_page(base + path)
            print(f"Lighthouse: {name} ({path}) …", flush=True)
            results[name] = {"url": path, **lighthouse(base + path, name)}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()

    (AUDIT_VAR / "scores.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n| page | {' | '.join(CATEGORIES)} |\n| --- |{' ---: |' * len(CATEGORIES)}")
    for name, scores in results.items():
        print(f"| {name} (`{scores['url']}`) | {' | '.join(str(scores[key]) for key in CATEGORIES)} |")
    problems = [problem for name, scores in results.items() for problem in misses(name, scores)]
    print(f"\nScores and full reports: {AUDIT_VAR.relative_to(ROOT)}/")
    if problems:
        print("Below target:\n  " + "\n  ".join(problems))
        return 1
    print(f"Every page meets its target (each score ≥ {TARGET}; accessibility 100 on home and report).")
    return 0


if __name__ == "__main__":
    sys.exit(main())

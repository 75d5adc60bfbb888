# Task Force Commons: everyday commands. `make help` lists them.
# Only Python 3.11+ and make are needed; everything else is installed into .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test test-fast lint format lab bench bench-smoke migrate seed install clean-var audit drill

help: ## Show the commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-12s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the pinned dependencies

migrate: $(STAMP) ## Apply database migrations
	$(PY) manage.py migrate --noinput

seed: migrate ## Load demo content and demo accounts (DEBUG only)
	$(PY) manage.py seed_demo

# Links in emails, the admin and robots.txt name the port being served.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: $(STAMP) ## Set up and serve http://127.0.0.1:8000 (PORT=8101 for another port) with task workers (one per core for notebooks) and the scheduler (Ctrl-C stops all)
	@# Migrates and seeds only what changed, so a second run serves in seconds.
	$(PY) manage.py prepare_site
	@echo "Serving on http://$(HOST):$(PORT)  (worker and scheduler running; Ctrl-C stops all)"
	@# Each worker and the scheduler runs under a small supervising loop (`keep`): one that
	@# dies (a crash, the OOM killer, `kill -9`) is restarted a second later, so the site
	@# never runs on part of its workers; a dead notebook worker's run is failed by the
	@# reaper (research.reap_expired_runs) within 30 s. A clean exit (status 0: the worker
	@# or scheduler was asked to stop, as Ctrl-C asks it) ends the loop instead.
	@# The loop starts its command in the background and waits for it, so the TERM the
	@# trap below sends interrupts the wait; the loop's own trap then stops its command
	@# and exits instead of restarting it.
	@# The outer trap stops exactly the loops started here, once: a bare `kill 0` also
	@# signalled this shell, re-entered the trap until it overflowed ("Segmentation
	@# fault"), and signalled make itself.
	@# Each loop first waits (in the background, so TERM still reaches it) for the server to
	@# answer: the site is served first, and the workers' start-up does not slow it down.
	@keep() { ( child=; trap 'kill $$child 2>/dev/null; wait $$child 2>/dev/null; exit 0' TERM; \
		$(PY) config/wait_for_server.py $(HOST) $(PORT) & child=$$!; wait $$child; \
		while :; do "$$@" & child=$$!; wait $$child && exit 0; \
			echo "[make run] '$$*' died (exit status $$?); restarting it in 1 s" >&2; sleep 1; done ) & \
		pids="$$pids $$!"; }; \
	pids=""; trap 'trap - INT TERM EXIT; kill $$pids 2>/dev/null; wait' INT TERM EXIT; \
	keep $(PY) manage.py db_worker --queue-name default --no-reload --interval 1; \
	for core in $$(seq $$($(PY) -c 'import os; print(os.cpu_count() or 1)')); do \
		keep $(PY) manage.py db_worker --queue-name notebooks --no-reload --interval 0.2; \
	done; \
	keep $(PY) manage.py run_scheduler; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP) ## Run the whole test suite, browser tests included
	$(PY) -m pytest $(PYTEST_ARGS)

# The edit-test loop: every test but the browser ones, spread over one worker per core.
# pytest-django gives each worker its own test database (test_x_gw0, test_x_gw1, ...).
test-fast: $(STAMP) ## Run the suite in parallel (pytest-xdist), browser tests skipped, for the edit-test loop
	$(PY) -m pytest -n auto --ignore=tests/browser $(PYTEST_ARGS)

# The modules mypy checks: every app's access rules and services (a module or a package).
TYPED = $(wildcard */access.py */services.py */services/*.py */*/access.py */*/services.py)

lint: $(STAMP) ## Check formatting and lint (ruff), layering (import-linter), types of access and services (mypy) and templates (djlint)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	@# Which app may import which (docs/architecture.md, "Layers"): [tool.importlinter] in pyproject.toml.
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings $(BIN)/mypy $(TYPED)
	$(BIN)/djlint --lint site/templates $(wildcard */templates)
	$(BIN)/djlint --lint --profile=jinja $(wildcard */jinja2)

format: $(STAMP) ## Format and fix with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lab: $(STAMP) ## Open JupyterLab on notebooks/ with the "Task Force Commons" kernel (see notebooks/README.md)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-lab.txt
	$(PY) -m ipykernel install --sys-prefix --name task-force-commons --display-name "Task Force Commons" \
		--env PYTHONPATH "$(CURDIR)"
	@# Jupyter refuses to start as root (as in many containers) unless told it may.
	cd notebooks && PYTHONPATH="$(CURDIR)" ../$(BIN)/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root)

bench: $(STAMP) ## Run the benchmarks at scale (see bench/README.md)
	$(PY) -m bench $(BENCH_ARGS)

bench-smoke: $(STAMP) ## Run the benchmarks at a tiny scale (the test suite, and so CI, does this too)
	$(PY) -m bench --smoke

audit: $(STAMP) ## Lighthouse scores of home, practices, an article, search and report (audit/README.md)
	@test -d audit/node_modules || (cd audit && npm ci --ignore-scripts --no-audit --no-fund)
	$(PY) audit/run.py

clean-var: ## Delete the embedded database, media and mail outbox
	rm -rf var

# The load and fault drill (issue 18; drill/, deploy/README.md "The drill"): its own PostgreSQL,
# Redis, two gunicorn nodes behind nginx, RQ workers and the scheduler on loopback; report in
# var/drill/report.txt. DRILL_SCALE=small is CI's shorter run; DRILL_SECONDS sets the load's length.
DRILL_SCALE ?= full
drill: $(STAMP) ## Load and fault drill on a production-like loopback stack (DRILL_SCALE=small for CI)
	@if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then \
		echo "Installing Debian's nginx-light for the drill"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null) \
			|| echo "WARNING: nginx could not be installed; the drill will be skipped" >&2; \
	fi
	DRILL_SCALE=$(DRILL_SCALE) $(PY) -m drill

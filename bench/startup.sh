#!/usr/bin/env bash
# How long `make run` takes to answer, the first time and again: the README promises a
# second run serves in seconds. Clones this checkout's HEAD into a temporary folder,
# installs (not timed), then times `make run` from its start to the first 200 from
# /healthz, twice, stopping it in between. Prints the load average beside each figure.
# Usage: bash bench/startup.sh [PORT]   (default 8199)
set -euo pipefail
port=${1:-8199}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$here" "$work/commons"
cd "$work/commons"
make install >/dev/null 2>&1
for attempt in first second; do
  start=$(date +%s.%N)
  setsid make run PORT="$port" >"$work/run-$attempt.log" 2>&1 &
  run=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; do
    kill -0 "$run" 2>/dev/null || { cat "$work/run-$attempt.log"; exit 1; }
    sleep 0.2
  done
  end=$(date +%s.%N)
  printf '%s make run: %.1f s to the first answer (load average %s)\n' \
    "$attempt" "$(echo "$end - $start" | bc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
  sleep 5  # let the workers start, as they would
  kill -- -"$run"
  wait "$run" 2>/dev/null || true
  sleep 2
done

"""The drill's report: the set-up, the load's figures, the faults and every check, as plain text
printed and written to var/drill/report.txt."""

import statistics
from collections import Counter


def _percentile(values, share):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def load_figures(requests: list[dict], seconds: float) -> list[str]:
    reads = [r for r in requests if r["method"] == "GET"]
    posts = [r for r in requests if r["method"] == "POST"]
    lines = []
    for name, group in (("topic reads", reads), ("replies posted", posts)):
        times = [(r["end"] - r["start"]) * 1000 for r in group]
        statuses = Counter(str(r["status"] or r.get("error")) for r in group)
        lines.append(
            f"  {name}: {len(group)} ({len(group) / seconds:.1f}/s), "
            f"median {statistics.median(times) if times else 0:.0f} ms, "
            f"p95 {_percentile(times, 0.95):.0f} ms; answers {dict(sorted(statuses.items()))}"
        )
    return lines


def render(*, header: list[str], load: list[str], faults: list[dict], checks: list, notes: list[str]) -> str:
    lines = [
        "Task Force Commons: load and fault drill",
        *header,
        "",
        "Load:",
        *load,
        "",
        "Faults (seconds since the load began):",
    ]
    for fault in faults:
        state = "ok" if fault.get("ok") else f"FAILED {fault.get('error')}"
        lines.append(
            f"  +{fault['start']:5.1f}s .. +{fault['end']:5.1f}s  {fault['name']} "
            f"{fault.get('detail', '')} {state}"
        )
    lines += ["", "Checks:"]
    for check in checks:
        lines.append(f"  [{'PASS' if check.ok else 'FAIL'}] {check.name}: {check.detail}")
        for problem in check.problems[:10]:
            lines.append(f"         - {problem}")
    if notes:
        lines += ["", "Notes:", *(f"  {note}" for note in notes)]
    failed = [c for c in checks if not c.ok]
    lines += [
        "",
        f"Result: {'FAIL' if failed else 'PASS'} ({len(checks) - len(failed)}/{len(checks)} checks passed)",
    ]
    return "\n".join(lines) + "\n"

"""The drill's verdicts, as pure functions of what it recorded and what it read back (no I/O), so
tests/drill/ can give them fake data.

The counter rules are forum.moderation.services': a topic's reply_count counts replies neither
hidden, deleted nor awaiting approval, its last_post is the last such post and last_post_number
the highest number; a category's topic_count counts topics neither deleted nor awaiting approval,
its post_count their opening posts plus their reply_count, and last_post_at their latest.
"""

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""
    problems: list = field(default_factory=list)


def replies_once(successes: list[str], stored: Counter) -> Check:
    """Every reply that got a success answer is stored exactly once; no marker is stored twice."""
    missing = [m for m in successes if stored.get(m, 0) == 0]
    doubled = sorted(m for m, n in stored.items() if n > 1)
    extra = len([m for m in stored if m not in set(successes)])
    problems = [f"missing {m}" for m in missing[:10]] + [
        f"stored {stored[m]} times: {m}" for m in doubled[:10]
    ]
    return Check(
        "every reply answered with success is stored exactly once",
        not missing and not doubled,
        f"{len(successes)} answered with success, {len(missing)} missing, {len(doubled)} doubled; "
        f"{extra} stored although the client saw no success (answer lost in a fault: allowed)",
        problems,
    )


def _counted(post: dict) -> bool:
    return not (post["is_hidden"] or post["is_deleted"] or post["awaiting_approval"])


def expected_topic(posts: list[dict]) -> dict:
    counted = [p for p in posts if _counted(p)]
    last = max(counted, key=lambda p: p["number"], default=None)
    return {
        "reply_count": sum(1 for p in counted if p["number"] > 1),
        "last_post_number": max((p["number"] for p in posts), default=0),
        "last_post_id": last["id"] if last else None,
        "last_post_at": last["created_at"] if last else None,
    }


def topic_counters(topics: list[dict]) -> Check:
    """Each topic's stored counters and pointers against its posts (topic dicts carry "posts")."""
    problems = []
    for topic in topics:
        want = expected_topic(topic["posts"])
        for key, value in want.items():
            if topic[key] != value:
                problems.append(f"topic {topic['id']} {key}: stored {topic[key]!r}, rows say {value!r}")
        numbers = sorted(p["number"] for p in topic["posts"])
        if len(numbers) != len(set(numbers)):
            problems.append(f"topic {topic['id']}: two posts share a number")
    return Check(
        "topic counters and pointers are exact",
        not problems,
        f"{len(topics)} topics checked",
        problems,
    )


def category_counters(categories: list[dict]) -> Check:
    """Each category's stored counts against its topics (category dicts carry "topics")."""
    problems = []
    for category in categories:
        listed = [t for t in category["topics"] if not (t["is_deleted"] or t["awaiting_approval"])]
        want = {
            "topic_count": len(listed),
            "post_count": len(listed) + sum(t["reply_count"] for t in listed),
            "last_post_at": max((t["last_post_at"] for t in listed), default=None),
        }
        for key, value in want.items():
            if category[key] != value:
                problems.append(
                    f"category {category['slug']} {key}: stored {category[key]!r}, rows say {value!r}"
                )
    return Check(
        "category counters are exact", not problems, f"{len(categories)} categories checked", problems
    )


def killed_run(run: dict | None, kernels_left: list) -> Check:
    """The run whose worker was killed is failed (the reaper) or retried, and no kernel is left."""
    if run is None:
        return Check(
            "the killed notebook run is failed or retried, no kernel left", False, "no run was killed"
        )
    status = run["status"]
    ok_status = status == "failed" or bool(run.get("retried"))
    detail = f"run {run['id']}: {status}"
    if run.get("error_class"):
        detail += f" ({run['error_class']})"
    if run.get("retried"):
        detail += f"; retried as run {run['retried']}"
    detail += f"; kernel processes left: {len(kernels_left)}"
    return Check(
        "the killed notebook run is failed or retried, no kernel left",
        ok_status and not kernels_left,
        detail,
        [f"kernel process still running: {k}" for k in kernels_left],
    )


def in_windows(moment: float, windows: list[tuple[float, float]]) -> bool:
    return any(start <= moment <= end for start, end in windows)


def no_5xx_outside(requests: list[dict], windows: list[tuple[float, float]]) -> Check:
    """No 5xx (nor a connection failure) outside the PostgreSQL restart's windows.

    A request counts as inside a window if it was in flight during it (started before its end
    and finished after its start).
    """
    bad = []
    for r in requests:
        failed = r["status"] is None or r["status"] >= 500
        overlaps = any(r["start"] <= end and r["end"] >= start for start, end in windows)
        if failed and not overlaps:
            bad.append(r)
    statuses = Counter(str(r["status"] or r.get("error", "error")) for r in bad)
    return Check(
        "no 5xx outside the PostgreSQL restart",
        not bad,
        f"{len(requests)} requests, {len(bad)} failed outside it"
        + (f" ({', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))})" if bad else ""),
        [
            f"{r['method']} {r['path']} -> {r['status'] or r.get('error')} at +{r['start']:.1f}s"
            for r in bad[:10]
        ],
    )


def unavailable_pages(requests: list[dict], windows: list[tuple[float, float]]) -> Check:
    """During the PostgreSQL restart a 5xx must be a 503 with Retry-After and the site page, no traceback."""
    inside = [
        r
        for r in requests
        if any(r["start"] <= end and r["end"] >= start for start, end in windows)
        and (r["status"] is None or r["status"] >= 500)
    ]
    bad = [
        r
        for r in inside
        if r["status"] != 503 or not r.get("retry_after") or r.get("traceback") or not r.get("site_page")
    ]
    return Check(
        "during the PostgreSQL restart: 503 pages with Retry-After, no traceback",
        bool(windows) and not bad,
        f"{len(inside)} failed requests during the restart, {len(inside) - len(bad)} of them a proper 503"
        if windows
        else "no PostgreSQL restart was recorded",
        [
            f"{r['method']} {r['path']} -> {r['status'] or r.get('error')}"
            f"{' (traceback in body)' if r.get('traceback') else ''}"
            f"{'' if r.get('retry_after') else ' (no Retry-After)'}"
            for r in bad[:10]
        ],
    )


def same_fingerprint(before: dict, after: dict) -> Check:
    """Row counts and sample hashes before the backup equal those after the restore."""
    problems = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            problems.append(f"{key}: before {before.get(key)!r}, after {after.get(key)!r}")
    return Check(
        "backup, destroy, restore: row counts and content/file hashes identical",
        bool(before) and not problems,
        f"{len(before)} figures compared, {len(problems)} differ",
        problems,
    )


def journeys(steps: list[tuple[str, bool, str]]) -> Check:
    failed = [f"{name}: {detail}" for name, ok, detail in steps if not ok]
    return Check(
        "main journeys through the load balancer", bool(steps) and not failed, f"{len(steps)} steps", failed
    )


def faults_applied(faults: list[dict], expected: list[str]) -> Check:
    done = {f["name"] for f in faults if f.get("ok")}
    missing = [name for name in expected if name not in done]
    return Check(
        "every fault was injected",
        not missing,
        "; ".join(
            f"{f['name']} +{f['start']:.1f}s..+{f['end']:.1f}s {f.get('detail', '')}".strip() for f in faults
        ),
        [f"not applied: {name}" for name in missing]
        + [f"{f['name']}: {f.get('error')}" for f in faults if not f.get("ok")],
    )

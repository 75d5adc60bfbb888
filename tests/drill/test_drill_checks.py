"""The drill's pure parts: its verdicts given fake data (drill.checks), its TOTP codes, the
nginx configuration it writes and how it reads an answer. No stack is started here."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from drill import checks, faults, load, nginx, restore_drill, web
from drill.settings import DrillSettings

T0 = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)


def post(pk, number, minutes, **flags):
    return {
        "id": pk,
        "number": number,
        "created_at": T0 + timedelta(minutes=minutes),
        "is_hidden": flags.get("hidden", False),
        "is_deleted": flags.get("deleted", False),
        "awaiting_approval": flags.get("held", False),
    }


def topic(pk, posts, **stored):
    want = checks.expected_topic(posts)
    return {"id": pk, "is_deleted": False, "awaiting_approval": False, "posts": posts, **want, **stored}


# --- replies -----------------------------------------------------------------------------------


def test_every_successful_reply_stored_once_passes_and_unanswered_extras_are_allowed():
    result = checks.replies_once(["a", "b"], Counter({"a": 1, "b": 1, "c": 1}))
    assert result.ok
    assert "1 stored although the client saw no success" in result.detail


def test_a_lost_reply_fails():
    result = checks.replies_once(["a", "b"], Counter({"a": 1}))
    assert not result.ok and result.problems == ["missing b"]


def test_a_doubled_reply_fails_even_if_the_client_saw_no_success():
    result = checks.replies_once(["a"], Counter({"a": 1, "z": 2}))
    assert not result.ok and "stored 2 times: z" in result.problems


def test_no_replies_at_all_is_vacuously_exact():
    assert checks.replies_once([], Counter()).ok


# --- counters ----------------------------------------------------------------------------------


def test_exact_topic_counters_pass_and_hidden_held_and_deleted_replies_are_not_counted():
    posts = [
        post(1, 1, 0),
        post(2, 2, 1),
        post(3, 3, 2, hidden=True),
        post(4, 4, 3, held=True),
        post(5, 5, 4),
    ]
    want = checks.expected_topic(posts)
    assert want == {
        "reply_count": 2,
        "last_post_number": 5,
        "last_post_id": 5,
        "last_post_at": T0 + timedelta(minutes=4),
    }
    assert checks.topic_counters([topic(10, posts)]).ok


def test_the_last_post_pointer_skips_a_held_last_reply():
    posts = [post(1, 1, 0), post(2, 2, 1), post(3, 3, 2, held=True)]
    assert checks.expected_topic(posts)["last_post_id"] == 2
    assert checks.expected_topic(posts)["last_post_number"] == 3


@pytest.mark.parametrize(
    "field, wrong",
    [("reply_count", 7), ("last_post_number", 2), ("last_post_id", 1), ("last_post_at", T0)],
)
def test_a_miscounted_topic_fails_naming_the_field(field, wrong):
    posts = [post(1, 1, 0), post(2, 2, 1), post(3, 3, 2)]
    result = checks.topic_counters([topic(10, posts, **{field: wrong})])
    assert not result.ok
    assert result.problems[0].startswith(f"topic 10 {field}: stored")


def test_two_posts_with_one_number_fail():
    posts = [post(1, 1, 0), post(2, 2, 1), post(3, 2, 2)]
    result = checks.topic_counters([topic(10, posts, last_post_number=2)])
    assert "topic 10: two posts share a number" in result.problems


def category(slug, topics, **stored):
    listed = [t for t in topics if not (t["is_deleted"] or t["awaiting_approval"])]
    base = {
        "slug": slug,
        "topics": topics,
        "topic_count": len(listed),
        "post_count": len(listed) + sum(t["reply_count"] for t in listed),
        "last_post_at": max((t["last_post_at"] for t in listed), default=None),
    }
    return {**base, **stored}


def test_category_counts_leave_out_deleted_and_held_topics():
    shown = topic(1, [post(1, 1, 0), post(2, 2, 5)])
    deleted = topic(2, [post(3, 1, 9), post(4, 2, 10)], is_deleted=True)
    held = topic(3, [post(5, 1, 11)], awaiting_approval=True)
    good = category("drill", [shown, deleted, held])
    assert good["topic_count"] == 1 and good["post_count"] == 2
    assert checks.category_counters([good]).ok
    assert not checks.category_counters([category("drill", [shown, deleted, held], post_count=4)]).ok


def test_an_empty_category_has_no_last_post():
    assert checks.category_counters([category("empty", [])]).ok
    assert not checks.category_counters([category("empty", [], last_post_at=T0)]).ok


# --- the killed run ----------------------------------------------------------------------------


def test_a_killed_run_failed_by_the_reaper_with_no_kernel_left_passes():
    result = checks.killed_run({"id": 4, "status": "failed", "error_class": "WorkerLost"}, [])
    assert result.ok and "WorkerLost" in result.detail


def test_a_retried_run_passes():
    assert checks.killed_run({"id": 4, "status": "queued", "retried": 5}, []).ok


@pytest.mark.parametrize("status", ["running", "succeeded", "unknown"])
def test_a_run_still_running_or_finished_as_if_nothing_happened_fails(status):
    assert not checks.killed_run({"id": 4, "status": status}, []).ok


def test_a_kernel_left_behind_fails_even_if_the_run_failed():
    result = checks.killed_run({"id": 4, "status": "failed"}, ["4242 python3"])
    assert not result.ok and result.problems == ["kernel process still running: 4242 python3"]


def test_no_killed_run_fails():
    assert not checks.killed_run(None, []).ok


# --- 5xx and the PostgreSQL window --------------------------------------------------------------


def req(start, end, status, **extra):
    return {"method": "GET", "path": "/forum/t/1/", "start": start, "end": end, "status": status, **extra}


PROPER_503 = {"retry_after": "10", "traceback": False, "site_page": True}


def test_5xx_only_inside_the_restart_window_passes():
    requests = [req(1, 2, 200), req(10.5, 11, 503, **PROPER_503), req(20, 21, 302)]
    windows = [(10.0, 12.0)]
    assert checks.no_5xx_outside(requests, windows).ok
    assert checks.unavailable_pages(requests, windows).ok


def test_a_request_in_flight_when_the_restart_began_counts_as_inside():
    assert checks.no_5xx_outside([req(9.0, 10.2, 503, **PROPER_503)], [(10.0, 12.0)]).ok


def test_a_5xx_or_a_dropped_connection_outside_the_window_fails():
    requests = [req(3, 4, 502), req(30, 31, None, error="ConnectionResetError")]
    result = checks.no_5xx_outside(requests, [(10.0, 12.0)])
    assert not result.ok
    assert "502: 1" in result.detail and "ConnectionResetError: 1" in result.detail


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 500, **PROPER_503},
        {"status": 503, "retry_after": None, "traceback": False, "site_page": True},
        {"status": 503, "retry_after": "10", "traceback": True, "site_page": True},
        {"status": 503, "retry_after": "10", "traceback": False, "site_page": False},
    ],
    ids=["a-500", "no-retry-after", "traceback", "not-the-site-page"],
)
def test_inside_the_window_only_a_proper_503_is_allowed(answer):
    request = {"method": "POST", "path": "/forum/t/1/reply/", "start": 10.5, "end": 11.0, **answer}
    assert not checks.unavailable_pages([request], [(10.0, 12.0)]).ok


def test_without_a_recorded_restart_the_503_check_fails():
    assert not checks.unavailable_pages([req(1, 2, 200)], []).ok


def test_the_window_is_the_restart_plus_a_grace():
    recorded = [{"name": "restart PostgreSQL", "start": 40.0, "end": 42.5, "ok": True}]
    assert faults.pg_windows(recorded) == [(40.0, 42.5 + faults.PG_GRACE_SECONDS)]
    assert faults.pg_windows([{**recorded[0], "ok": False}]) == []


# --- faults, journeys, restore ------------------------------------------------------------------


def test_every_fault_must_have_been_applied():
    done = [{"name": "restart Redis", "start": 1, "end": 2, "ok": True}]
    assert checks.faults_applied(done, ["restart Redis"]).ok
    failed = [{"name": "restart Redis", "start": 1, "end": 2, "ok": False, "error": "boom"}]
    result = checks.faults_applied(failed, ["restart Redis", "restart PostgreSQL"])
    assert not result.ok
    assert "not applied: restart PostgreSQL" in result.problems and "restart Redis: boom" in result.problems


def test_journeys_fail_on_any_failed_step_and_on_none():
    assert checks.journeys([("sign in", True, "")]).ok
    assert not checks.journeys([("sign in", True, ""), ("post", False, "403")]).ok
    assert not checks.journeys([]).ok


def test_fingerprints_compare_every_figure():
    before = restore_drill.flatten(
        {"tables": {"forum_post": {"rows": 3, "sample_sha256": "ab"}}, "files": {}}
    )
    assert before == {"tables.forum_post.rows": 3, "tables.forum_post.sample_sha256": "ab"}
    assert checks.same_fingerprint(before, dict(before)).ok
    changed = {**before, "tables.forum_post.rows": 2}
    result = checks.same_fingerprint(before, changed)
    assert not result.ok and result.problems == ["tables.forum_post.rows: before 3, after 2"]
    assert not checks.same_fingerprint({}, {}).ok


# --- the client and the configuration -----------------------------------------------------------


def test_totp_matches_rfc_6238_and_allauth():
    # RFC 6238, appendix B: SHA-1 secret "12345678901234567890", T = 59 s.
    assert web.totp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", at=59, digits=8) == "94287082"
    from config.compat.allauth import format_hotp_value, hotp_value

    secret = web.demo_secret("k", "member@demo.taskforcecommons.test")
    assert web.totp(secret, at=30 * 1000) == format_hotp_value(hotp_value(secret, 1000))


def test_the_demo_secret_is_the_one_the_demo_seed_enrols(settings):
    from members.demo import demo_secret

    assert web.demo_secret(settings.SECRET_KEY, "a@b.test") == demo_secret("a@b.test")


def test_markers_are_letters_only_and_distinct():
    import random

    rng = random.Random(1)
    marks = {load.marker(rng) for _ in range(1000)}
    assert len(marks) == 1000
    assert all(m.isalpha() and m.islower() for m in marks)


def test_a_503_is_read_for_retry_after_traceback_and_the_site_page():
    answer = web.Answer(503, {"retry-after": "10"}, b"<h1>The site is briefly unavailable</h1>", 0.01)
    assert load.describe(answer) == {
        "status": 503,
        "retry_after": "10",
        "traceback": False,
        "site_page": True,
    }
    crash = web.Answer(500, {}, b"Traceback (most recent call last):", 0.01)
    assert load.describe(crash)["traceback"] is True


def test_the_nginx_configuration_balances_both_nodes_and_keeps_protected_files_internal(tmp_path):
    settings = DrillSettings(scale="small", seconds=15, clients=2, load_members=6)
    text = nginx.render(settings, run_dir=tmp_path, static_root=tmp_path / "s", protected_root=tmp_path / "p")
    assert "server 127.0.0.1:18001 max_fails=3" in text and "server 127.0.0.1:18002 max_fails=3" in text
    assert "listen 127.0.0.1:18080;" in text
    assert f"location /_protected/ {{\n            internal;\n            alias {tmp_path / 'p'}/;" in text
    assert f"include {tmp_path}/commons-proxy.conf;" in text
    assert "error_page 502 504 =503 /50x.html;" in text and "add_header Retry-After 30 always;" in text


def test_the_proxy_settings_are_the_deployed_ones_resending_unread_posts_but_not_the_apps_503():
    deployed = (nginx.PROJECT_DIR / "deploy" / "nginx" / "commons-proxy.conf").read_text()
    drilled = nginx.proxy_settings()
    assert drilled == deployed
    assert "proxy_next_upstream error timeout http_502 non_idempotent;" in drilled
    assert "http_503" not in drilled.split("proxy_next_upstream ")[1].split(";")[0]
    assert (
        "proxy_next_upstream_tries 2;" in drilled and "proxy_set_header X-Request-ID $request_id;" in drilled
    )


def test_the_run_folder_is_made_passable_for_nginx_and_kernels_without_opening_var(tmp_path, monkeypatch):
    """A notebook run of the site takes the "other" bits off var/: the drill gives back only the
    right to pass through, up to the project and no further, and lists nothing."""
    from drill import stack

    project = tmp_path / "project"
    run = project / "var" / "drill" / "run"
    run.mkdir(parents=True)
    (project / "var").chmod(0o750)
    tmp_path.chmod(0o700)
    monkeypatch.setattr(stack, "PROJECT_DIR", project)
    stack.passable(run)
    assert (project / "var").stat().st_mode & 0o777 == 0o751
    assert tmp_path.stat().st_mode & 0o777 == 0o700, "nothing above the project is touched"

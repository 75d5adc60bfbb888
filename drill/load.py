"""The drill's load: many concurrent clients through the load balancer, each signed in as a few
load members in turn, reading topics and posting replies. Every request is recorded (when, what,
the answer); every reply carries a unique marker, and the markers answered with success (a
redirect to the new post) are kept, so the checks can find each one in the database."""

import http.client
import random
import string
import threading
import time

from drill.web import Browser

READ_SHARE = 0.7
SUCCESS_POST = "/p/"


def marker(rng: random.Random) -> str:
    # Letters only: digits could look like a phone or case number to the forum's privacy guard.
    return "drillmark" + "".join(rng.choice(string.ascii_lowercase) for _ in range(14))


def describe(answer) -> dict:
    text = answer.text if answer.status >= 500 else ""
    return {
        "status": answer.status,
        "retry_after": answer.headers.get("retry-after"),
        "traceback": "Traceback" in text or "Internal Server Error" in text[:300],
        "site_page": "briefly unavailable" in text,
    }


class Recorder:
    def __init__(self, t0: float):
        self.t0 = t0
        self.requests: list[dict] = []
        self.successes: list[str] = []
        self.refused: list[str] = []
        self._lock = threading.Lock()

    def timed(self, browser: Browser, method: str, path: str, form=None):
        start = time.monotonic() - self.t0
        entry = {"method": method, "path": path, "start": start}
        answer = None
        try:
            answer = browser.request(method, path, form)
            entry.update(describe(answer))
        except (OSError, http.client.HTTPException) as error:
            entry.update(status=None, error=type(error).__name__)
        entry["end"] = time.monotonic() - self.t0
        with self._lock:
            self.requests.append(entry)
        return answer


def _client(index, sessions, topics, rec: Recorder, host, port, deadline, seed):
    rng = random.Random(seed)
    browser = Browser(host, port)
    turn = 0
    while time.monotonic() < deadline:
        browser.cookies["sessionid"] = sessions[turn % len(sessions)]
        turn += 1
        topic = rng.choice(topics)
        if rng.random() < READ_SHARE or "csrftoken" not in browser.cookies:
            rec.timed(browser, "GET", f"/forum/t/{topic}/")
            continue
        mark = marker(rng)
        body = f"Drill reply {mark}: we followed up on the shelter referral and will report back next week."
        form = {"csrfmiddlewaretoken": browser.cookies["csrftoken"], "body": body}
        answer = rec.timed(browser, "POST", f"/forum/t/{topic}/reply/", form)
        if answer is not None and answer.status == 302 and SUCCESS_POST in answer.location:
            with rec._lock:
                rec.successes.append(mark)
        elif answer is not None and answer.status < 500:
            with rec._lock:
                rec.refused.append(f"{answer.status} {answer.location or answer.text[:80]!r}")
    browser.close()


def run(*, host, port, clients, seconds, sessions, topics, rec: Recorder) -> list[threading.Thread]:
    """Start the clients (each with its share of the sessions); returns the threads to join."""
    deadline = time.monotonic() + seconds
    threads = []
    for index in range(clients):
        mine = sessions[index::clients] or sessions[:1]
        thread = threading.Thread(
            target=_client,
            args=(index, mine, topics, rec, host, port, deadline, 1000 + index),
            daemon=True,
        )
        thread.start()
        threads.append(thread)
    return threads

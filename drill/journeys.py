"""The main journeys, through the load balancer as a person would take them: sign in with TOTP,
read and post in the forum, open a members-only document (sent by nginx through X-Accel-Redirect),
and run a notebook to completion. Each step is recorded as (name, ok, detail)."""

import re
import time
from urllib.parse import urlsplit

from drill.web import Browser, demo_secret, totp

RUN_PATH = re.compile(r"/research/runs/(\d+)/")
NOTEBOOK = "case_characteristics"


class Journeys:
    def __init__(self, host, port, secret_key, fixture, run_state):
        self.host, self.port = host, port
        self.secret_key = secret_key
        self.fixture = fixture
        self.run_state = run_state
        self.steps: list[tuple[str, bool, str]] = []
        self.researcher: Browser | None = None

    def step(self, name, ok, detail=""):
        self.steps.append((name, bool(ok), detail))
        return ok

    def sign_in(self, email) -> Browser:
        browser = Browser(self.host, self.port)
        page = browser.get("/accounts/login/")
        first = browser.post(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": browser.csrf_from(page),
                "login": email,
                "password": self.fixture["password"],
            },
        )
        if not self.step(
            f"sign in {email}: password", first.location.startswith("/accounts/2fa/"), first.location
        ):
            return browser
        code_page = browser.get("/accounts/2fa/authenticate/")
        code = totp(demo_secret(self.secret_key, email))
        done = browser.post(
            "/accounts/2fa/authenticate/", {"csrfmiddlewaretoken": browser.csrf_from(code_page), "code": code}
        )
        self.step(
            f"sign in {email}: TOTP code",
            done.status == 302 and "/accounts/" not in done.location,
            done.location,
        )
        return browser

    def forum(self, member: Browser, marker: str):
        topic = self.fixture["topics"][0]
        for path in ("/forum/", f"/forum/c/{self.fixture['category']}/", f"/forum/t/{topic}/"):
            answer = member.get(path)
            self.step(f"read {path}", answer.status == 200, str(answer.status))
        form = member.get(f"/forum/t/{topic}/reply/")
        posted = member.post(
            f"/forum/t/{topic}/reply/",
            {
                "csrfmiddlewaretoken": member.csrf_from(form),
                "body": f"Journey reply {marker} about shelter referrals.",
            },
        )
        if self.step("post a reply", posted.status == 302 and "/p/" in posted.location, posted.location):
            shown = member.follow(posted)
            self.step("the reply is shown", shown.status == 200 and marker in shown.text, str(shown.status))

    def document(self, member: Browser):
        url, size = self.fixture["document"], self.fixture["document_size"]
        if not self.step("a members-only document exists", bool(url)):
            return
        answer = member.get(url)
        self.step(
            "member opens the members-only document (through nginx)",
            answer.status == 200 and answer.body.startswith(b"%PDF") and len(answer.body) == size,
            f"{answer.status}, {len(answer.body)} bytes",
        )
        # Asked directly, the app node answers with the X-Accel-Redirect header and no file.
        node = Browser(self.host, 18001 if self.port != 18001 else 18002)
        node.cookies = dict(member.cookies)
        direct = node.get(url)
        accel = direct.headers.get("x-accel-redirect", "")
        self.step(
            "the app node hands the file to nginx (X-Accel-Redirect)", accel.startswith("/_protected/"), accel
        )
        anonymous = Browser(self.host, self.port).get(url)
        self.step(
            "an anonymous visitor cannot open it", anonymous.status in (302, 403, 404), str(anonymous.status)
        )
        guessed = Browser(self.host, self.port).get(accel or "/_protected/documents/x.pdf")
        self.step("a guessed /_protected/ address is a 404", guessed.status == 404, str(guessed.status))

    def start_run(self, rows: int, seed: int) -> int:
        """Queue a run of the notebook as the researcher; returns the run's id."""
        browser = self.researcher
        page = browser.get(f"/research/notebooks/{NOTEBOOK}/")
        form = {
            "csrfmiddlewaretoken": browser.csrf_from(page),
            "p_year_from": "2005",
            "p_year_to": "2030",
            "p_sensitive": "on",
            "p_synthetic_rows": str(rows),
            "p_synthetic_seed": str(seed),
            "d_ctdc": "",
        }
        answer = browser.post(f"/research/notebooks/{NOTEBOOK}/", form)
        found = RUN_PATH.search(urlsplit(answer.location).path)
        if answer.status != 302 or not found:
            raise RuntimeError(
                f"the run was not queued: {answer.status} {answer.location or answer.text[:200]!r}"
            )
        return int(found.group(1))

    def notebook(self, timeout=180):
        try:
            run_id = self.start_run(rows=2000, seed=int(time.time()) % 100000)
        except RuntimeError as error:
            self.step("queue a notebook run", False, str(error))
            return
        self.step("queue a notebook run", True, f"run {run_id}")
        deadline = time.monotonic() + timeout
        state = None
        while time.monotonic() < deadline:
            state = self.run_state(run_id)
            if state and state["status"] in {"succeeded", "failed", "cancelled"}:
                break
            time.sleep(0.5)
        status = state["status"] if state else "unknown"
        self.step(
            "the notebook run succeeds",
            status == "succeeded",
            f"{status} {state and state.get('error_class')}",
        )
        page = self.researcher.get(f"/research/runs/{run_id}/")
        self.step("the run's page shows", page.status == 200, str(page.status))

    def run_all(self, marker: str):
        member = self.sign_in(self.fixture["member"])
        self.forum(member, marker)
        self.document(member)
        self.researcher = self.sign_in(self.fixture["researcher"])
        self.notebook()
        return self.steps

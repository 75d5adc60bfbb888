"""A small HTTP client for the drill: one keep-alive connection, a cookie jar, the CSRF token,
and TOTP codes (RFC 6238) for the demo accounts, whose secrets members.demo derives from the
SECRET_KEY and the email. Pure Python (http.client), like bench/forum_load.py."""

import base64
import hashlib
import hmac
import http.client
import re
import struct
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def demo_secret(secret_key: str, email: str) -> str:
    """The base32 TOTP secret members.demo.demo_secret gives this account."""
    digest = hashlib.sha256(f"{secret_key}:totp:{email}".encode()).digest()
    return base64.b32encode(digest[:20]).decode("ascii")


def totp(secret_b32: str, at: float | None = None, *, period: int = 30, digits: int = 6) -> str:
    key = base64.b32decode(secret_b32)
    counter = int((time.time() if at is None else at) // period)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Browser:
    host: str
    port: int
    timeout: float = 30
    cookies: dict = field(default_factory=dict)
    _conn: http.client.HTTPConnection | None = None

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(self, method: str, path: str, form: dict | None = None) -> Answer:
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        started = time.perf_counter()
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self._conn.request(method, path, body=body, headers=headers)
            response = self._conn.getresponse()
            try:
                data = response.read()
            except http.client.IncompleteRead as short:
                # An app node answering X-Accel-Redirect declares the file's length and sends no
                # body (nginx sends the file); asked directly, that is what the drill checks.
                data = short.partial
                response.will_close = True
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.will_close:
            self.close()
        answer_headers = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                self._remember(value)
            answer_headers[name.lower()] = value
        return Answer(response.status, answer_headers, data, time.perf_counter() - started)

    def _remember(self, header: str):
        pair = header.split(";", 1)[0]
        if "=" in pair:
            name, value = pair.split("=", 1)
            name = name.strip()
            if value.strip('"') == "" or "max-age=0" in header.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value.strip()

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> Answer:
        return self.request("POST", path, form)

    def csrf_from(self, answer: Answer) -> str:
        found = CSRF_INPUT.search(answer.text)
        return found.group(1) if found else self.cookies.get("csrftoken", "")

    def follow(self, answer: Answer, limit: int = 5) -> Answer:
        while answer.status in (301, 302, 303) and limit:
            location = answer.location
            path = urlsplit(location).path + (
                ("?" + urlsplit(location).query) if urlsplit(location).query else ""
            )
            answer = self.get(path or "/")
            limit -= 1
        return answer

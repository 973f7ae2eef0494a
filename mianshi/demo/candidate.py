"""A demo candidate who takes the interview over HTTP, as the recorder page does.

It speaks to the running server only through what a browser uses: the candidate page, the
candidate JSON API (consent, device check, start, record, finish, next) and tus 1.0 for
the recordings (creation with a deferred length, then chunks with a SHA-1 checksum, the
last one declaring the length — how the recorder streams MediaRecorder's chunks). Plain
urllib: the demo needs no test-only client library.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mianshi.demo.media import duration_ms

CHUNK = 256 * 1024  # about one second of MediaRecorder output at demo quality
TIMEOUT = 60
Headers = dict[str, str]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class DemoClientError(RuntimeError):
    """The server refused a step of the demo interview (the message says which)."""


@dataclass(frozen=True)
class Answer:
    """One question's recordings, in order (two when a reload cut the answer)."""

    position: int
    files: list[Path]


def wait_for_server(server: str, timeout: float) -> None:
    """Block until the server's /healthz answers 200 (it may still be starting)."""
    url = server.rstrip("/") + "/healthz"
    if not url.startswith(("http://", "https://")):
        raise DemoClientError(f"not an HTTP URL: {url}")
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (http only)
                if response.status == 200:
                    return
        except OSError:
            pass  # not listening yet
        if time.monotonic() > deadline:
            raise DemoClientError(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(1)


class DemoCandidate:
    """The candidate's side of one invitation link."""

    def __init__(self, server: str, token: str) -> None:
        self.server = server.rstrip("/")
        self.page = f"{self.server}/i/{token}/"
        self.api = f"{self.server}/i/api/{token}/"
        self.tus = f"{self.server}/i/{token}/tus/"

    def _send(
        self, method: str, url: str, body: bytes | None = None, headers: Headers | None = None
    ) -> tuple[int, Headers, bytes]:
        if not url.startswith(("http://", "https://")):
            raise DemoClientError(f"not an HTTP URL: {url}")
        # Only http(s) URLs of the demo server get here (checked above), never file: ones.
        request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:300]
            raise DemoClientError(f"{method} {url} → {exc.code}: {detail}") from exc

    def post(self, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        body = json.dumps(payload or {}).encode()
        headers = {"Content-Type": "application/json"}
        _status, _headers, data = self._send("POST", self.api + path, body, headers)
        return dict(json.loads(data))

    def state(self) -> dict[str, Any]:
        return dict(json.loads(self._send("GET", self.api + "state")[2]))

    # --- tus -------------------------------------------------------------------------------

    def upload(self, path: Path, *, position: int, attempt: int, segment: int) -> str:
        """Stream one recording over tus; returns the recording's id."""
        meta = {"position": position, "attempt": attempt, "segment": segment,
                "mode": "stream", "filetype": "video/webm;codecs=vp8,opus"}  # fmt: skip
        encoded = ",".join(f"{k} {_b64(str(v).encode())}" for k, v in meta.items())
        headers = {"Tus-Resumable": "1.0.0", "Upload-Defer-Length": "1", "Upload-Metadata": encoded}
        _status, answer, _ = self._send("POST", self.tus, b"", headers)
        location = answer.get("Location") or answer.get("location") or ""
        url = location if location.startswith("http") else self.server + location
        data = path.read_bytes()
        for offset in range(0, len(data), CHUNK):
            chunk = data[offset : offset + CHUNK]
            last = offset + len(chunk) == len(data)
            self._patch(url, offset, chunk, size=len(data) if last else None)
        return url.rstrip("/").rsplit("/", 1)[-1]

    def _patch(self, url: str, offset: int, chunk: bytes, *, size: int | None) -> None:
        """One chunk; the last one declares the upload's length (`size`)."""
        digest = _b64(hashlib.sha1(chunk, usedforsecurity=False).digest())
        headers = {
            "Tus-Resumable": "1.0.0",
            "Content-Type": "application/offset+octet-stream",
            "Upload-Offset": str(offset),
            "Upload-Checksum": f"sha1 {digest}",
        }
        if size is not None:
            headers["Upload-Length"] = str(size)
        self._send("PATCH", url, chunk, headers)

    # --- the interview -----------------------------------------------------------------------

    def take_interview(self, answers: list[Answer]) -> None:
        """Open the link, consent to everything, answer each question, finish."""
        self._send("GET", self.page)  # opening the page opens the session
        version = self.state()["consent"]["notice_version"]
        consent = {"recording": True, "ai_analysis": True, "biometric": True,
                   "notice_version": version}  # fmt: skip
        self.post("consent", consent)
        self.post("device-check", {"camera": True, "microphone": True, "level_db": -18.0})
        for answer in answers:
            self._answer(answer)
            # Past the last question too: the interview finishes once none is left.
            self.post(f"questions/{answer.position}/next")
        self.post("finish")

    def _answer(self, answer: Answer) -> None:
        question = f"questions/{answer.position}/"
        step = self.post(question + "start")
        if step["session"]["phase"] != "answer":  # skip the preparation time
            step = self.post(question + "record")
        attempt = int(step["question"]["attempt"])
        reports = [
            {"id": self.upload(path, position=answer.position, attempt=attempt, segment=n),
             "duration_ms": duration_ms(path), "interrupted": n < len(answer.files) - 1}
            for n, path in enumerate(answer.files)
        ]  # fmt: skip
        self.post(question + "finish", {"attempt": attempt, "recordings": reports})

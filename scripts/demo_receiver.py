"""The demo's stand-in for the customer's EHR: a webhook receiver and an HR-JSON endpoint.

`make demo` starts it on 127.0.0.1 (port $DEMO_RECEIVER_PORT, default 8077) so the demo
shows integrations working end to end without a partner system:

- POST /webhooks verifies each Standard Webhooks message (webhook-id, webhook-timestamp,
  webhook-signature) with the endpoint's secret, as a real receiver must, and appends the
  verified event to <data dir>/demo-receiver.jsonl; a webhook-id seen before is answered
  200 and not logged twice (receivers dedupe: delivery is at least once).
- PUT/POST/PATCH /ehr/... takes HR-JSON or generic REST pushes with the connector's Bearer
  token, logs them to the same file and answers {"id": …}; GET /ehr/ping checks the token
  (the connector's "test connection").
- GET /health answers 200, so demo.sh can wait for it.

The secrets come from $DEMO_WEBHOOK_SECRET / $DEMO_EHR_TOKEN or from the file load_demo
writes (<data dir>/demo-receiver-secrets.json, 0600), read again at every request so a
later load_demo is picked up. Plain Python with no Django: it only borrows Mianshi's
stdlib-only `common/stdwebhooks.py`, which is tested against the `standardwebhooks` package.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mianshi.common.stdwebhooks import SignatureError, verify

DATA_DIR = Path(os.environ.get("MIANSHI_DATA_DIR") or "var")
LOG = DATA_DIR / "demo-receiver.jsonl"
SECRETS = DATA_DIR / "demo-receiver-secrets.json"
MAX_BODY = 1 << 20
_lock = threading.Lock()
_seen: set[str] = set()


def _secrets() -> dict[str, str]:
    """The webhook secret and the EHR token: the environment first, else load_demo's file."""
    try:
        stored = json.loads(SECRETS.read_text())
    except (OSError, ValueError):
        stored = {}
    return {
        "webhook_secret": os.environ.get("DEMO_WEBHOOK_SECRET") or stored.get("webhook_secret", ""),
        "ehr_token": os.environ.get("DEMO_EHR_TOKEN") or stored.get("ehr_token", ""),
    }


def _load_seen() -> None:
    """The webhook-ids already logged, so a restart still processes each only once."""
    if not LOG.exists():
        return
    for line in LOG.read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("channel") == "webhook":
            _seen.add(str(entry.get("webhook_id")))


def _append(entry: dict[str, Any]) -> None:
    entry = {"received_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **entry}
    with LOG.open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")


class Handler(BaseHTTPRequestHandler):
    server_version = "DemoEHR/1.0"

    def _answer(self, status: int, body: dict[str, Any], **headers: str) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self._answer(413 if length > 0 else 400, {"error": "bad Content-Length"})
            return None
        return self.rfile.read(length)

    def do_GET(self) -> None:
        if self.path == "/health":
            self._answer(200, {"ok": True})
        elif self.path == "/ehr/ping":
            if self._token_ok():
                self._answer(200, {"ok": True})
        else:
            self._answer(404, {"error": "not found"})

    def do_POST(self) -> None:
        if self.path == "/webhooks":
            self._webhook()
        elif self.path.startswith("/ehr/"):
            self._ehr()
        else:
            self._answer(404, {"error": "not found"})

    do_PUT = do_PATCH = do_POST

    def _webhook(self) -> None:
        body = self._body()
        if body is None:
            return
        secret = _secrets()["webhook_secret"]
        try:
            msg_id = verify([secret] if secret else [], body, dict(self.headers.items()))
            envelope = json.loads(body)
        except (SignatureError, ValueError) as exc:
            self._answer(401 if isinstance(exc, SignatureError) else 400, {"error": str(exc)})
            return
        with _lock:
            if msg_id not in _seen:
                _seen.add(msg_id)
                _append({"channel": "webhook", "webhook_id": msg_id, "verified": True,
                         "type": envelope.get("type"), "timestamp": envelope.get("timestamp"),
                         "data": envelope.get("data")})  # fmt: skip
        self._answer(200, {"received": msg_id})

    def _token_ok(self) -> bool:
        """RFC 6750: a missing or wrong Bearer token is 401 with WWW-Authenticate."""
        token = _secrets()["ehr_token"]
        if token and self.headers.get("Authorization", "") == f"Bearer {token}":
            return True
        challenge = 'Bearer realm="demo-ehr", error="invalid_token"'
        self._answer(401, {"error": "invalid_token"}, WWW_Authenticate=challenge)
        return False

    def _ehr(self) -> None:
        body = self._body()
        if body is None or not self._token_ok():
            return
        try:
            document = json.loads(body)
        except ValueError:
            self._answer(400, {"error": "the body is not JSON"})
            return
        record_id = "EHR-" + self.path.rstrip("/").rsplit("/", 1)[-1]
        with _lock:
            _append({"channel": "ehr", "method": self.command, "path": self.path,
                     "id": record_id, "body": document})  # fmt: skip
        self._answer(200, {"id": record_id, "status": "stored"})

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"{self.log_date_time_string()} {format % args}\n")


def main() -> None:
    port = int(os.environ.get("DEMO_RECEIVER_PORT") or 8077)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _load_seen()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    sys.stderr.write(f"demo receiver on http://127.0.0.1:{port}/ logging to {LOG}\n")
    server.serve_forever()


if __name__ == "__main__":
    main()

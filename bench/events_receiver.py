"""The webhook receiver of bench/events.py: its own process, so it can be killed and restarted.

An integrator's receiver written from the Standard Webhooks docs: every request is verified
with the independent `standardwebhooks` package (never Mianshi's signing code); a bad
signature is answered 401. It is idempotent as the spec asks: a `webhook-id` is processed
once (a row in `processed`, committed before the 204 goes out), and every arrival is
logged in `arrivals` with its wall-clock time, so the bench counts redeliveries apart from
processing and measures commit-to-first-attempt latency. Rows live in a SQLite file that
survives a SIGKILL (the OS keeps what was written), like a real receiver's database.

    python bench/events_receiver.py --port 8123 --secret whsec_… --db receiver.sqlite3
"""

from __future__ import annotations

import argparse
import atexit
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

SCHEMA = """
CREATE TABLE IF NOT EXISTS arrivals (
    id INTEGER PRIMARY KEY, msg_id TEXT NOT NULL, at REAL NOT NULL, status INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS processed (msg_id TEXT PRIMARY KEY, at REAL NOT NULL, ref TEXT);
"""


class Store:
    """The receiver's database: one connection behind a lock (the handler threads share it)."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=OFF")  # survives a process kill, not a power cut
        self.db.executescript(SCHEMA)
        self.lock = threading.Lock()

    def record(self, msg_id: str, at: float, status: int, ref: str = "") -> None:
        """Log the arrival; on a verified one, process the id unless it was before (`ref`:
        what the message is about, so the same change under two ids would show)."""
        with self.lock:
            self.db.execute("BEGIN")
            self.db.execute(
                "INSERT INTO arrivals (msg_id, at, status) VALUES (?, ?, ?)", (msg_id, at, status)
            )
            if status == 204:
                self.db.execute(
                    "INSERT OR IGNORE INTO processed (msg_id, at, ref) VALUES (?, ?, ?)",
                    (msg_id, at, ref),
                )
            self.db.execute("COMMIT")


def handler(store: Store, hook: Webhook) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # Keep-alive, as a real receiver behind any web server offers (every answer has a
        # Content-Length), so the sender's per-endpoint session is measured too.
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            at = time.time()
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                payload = hook.verify(body, headers)
                status, ref = 204, str(payload["data"].get("candidate_id", ""))
            except WebhookVerificationError:
                status, ref = 401, ""
            store.record(headers.get("webhook-id", ""), at, status, ref)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the burst of new connections after an outage


def main() -> None:
    if len(sys.argv) == 1:  # `make bench` runs every bench/*.py: this one is only a helper
        print("bench/events_receiver.py is started by bench/events.py; run that.")
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--db", required=True)
    args = parser.parse_args()
    store = Store(args.db)
    server = Server(("127.0.0.1", args.port), handler(store, Webhook(args.secret)))
    print("ready", flush=True)
    sys.stdout.close()
    server.serve_forever()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ReceiverProcess:
    """The bench's handle on a receiver process: start, SIGKILL, start again on its port."""

    secret: str
    db: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/mianshi"

    def start(self) -> ReceiverProcess:
        """Start it and return once it listens (it prints "ready" then)."""
        command = [sys.executable, __file__, "--port", str(self.port)]
        command += ["--secret", self.secret, "--db", str(self.db)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE)
        atexit.register(self.kill)  # never outlives the bench, even one that failed
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != b"ready":
            raise RuntimeError(f"receiver on port {self.port} did not start")
        return self

    def kill(self) -> None:
        """SIGKILL: open connections are reset, new ones refused (a crashed receiver)."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db, timeout=20) as db:
            return list(db.execute(sql))

    def processed_count(self) -> int:
        return int(self.query("SELECT count(*) FROM processed")[0][0])

    def first_arrivals(self) -> dict[str, float]:
        """webhook-id → when it first arrived (any answer): the latency's end."""
        rows = self.query("SELECT msg_id, min(at) FROM arrivals GROUP BY msg_id")
        return {msg_id: float(at) for msg_id, at in rows}

    def processed(self) -> dict[str, float]:
        return {m: float(at) for m, at in self.query("SELECT msg_id, at FROM processed")}

    def refs_twice(self) -> int:
        """Changes processed under more than one webhook-id (an event sent as two)."""
        sql = "SELECT count(*) FROM (SELECT ref FROM processed GROUP BY ref HAVING count(*) > 1)"
        return int(self.query(sql)[0][0])

    def answered(self) -> dict[int, int]:
        """HTTP status → how many arrivals got it."""
        rows = self.query("SELECT status, count(*) FROM arrivals GROUP BY status")
        return {int(status): int(n) for status, n in rows}


if __name__ == "__main__":
    main()

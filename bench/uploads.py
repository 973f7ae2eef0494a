"""Benchmark: N candidates recording at once, each streaming its answer over tus (F-44).

    python bench/uploads.py --concurrency 200 --duration 60 --url http://127.0.0.1:8100 --setup

Each simulated recorder does what the browser's uploader does: one creation with
Upload-Defer-Length, then one PATCH per MediaRecorder chunk on a keep-alive connection,
in order, each with an Upload-Checksum, and a final PATCH carrying Upload-Length. A chunk
is "acknowledged" on its 204; a 409 or a dropped connection is resolved with HEAD as the
browser does (the server's offset says whether the chunk arrived). A chunk never
acknowledged by the end of the drain period is "lost".

Chunk sizes: the recorder asks MediaRecorder for 1.2 Mbit/s video + 96 kbit/s audio
(media.js), i.e. about 162 KB per second of answer. The issue's cadence is one PATCH every
2 s, so a chunk is ~325 KB on average; VP8 varies with motion and keyframes, so sizes are
drawn uniformly from ±25 % (245–405 KB). `--interval 1` gives the browser's real cadence
(start(1000): ~162 KB per PATCH); the bytes per second are the same.

--setup runs `manage.py bench_invitations N` with this process's environment (so point
MIANSHI_DATA_DIR / MIANSHI_DATABASE_URL at the server's database) to create N candidates
whose first answer is being recorded. Server CPU is read from /proc/<pid>/stat of the
processes given by --server-pid, or of those holding the listening socket of the URL's
port; --db-cpu adds PostgreSQL's processes. Prints one JSON object.

A server for it (keep-alive longer than the interval, or every PATCH reconnects):

    MIANSHI_DATA_DIR=/tmp/bench gunicorn config.wsgi --bind 127.0.0.1:8100 --workers 4 \
        --threads 2 --keep-alive 10 --worker-connections 2000

(add MIANSHI_DATABASE_URL / MIANSHI_BROKER_URL for the scaled setup; MIANSHI_MEDIA_ROOT on
a tmpfs separates the application's cost from the disk's). Other work on the machine
shows in `machine_cpu_cores`, beside the server's, the database's and the client's own.

The bench only talks to the loopback address it is given and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BYTES_PER_SECOND = (1_200_000 + 96_000) // 8  # the recorder's configured bitrates
POOL = 48  # distinct chunk bodies, prepared once: the client should not burn the CPU it measures
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Stats:
    """What all recorders saw."""

    sent: int = 0
    acked: int = 0
    resolved_by_head: int = 0
    reconnects: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    ack_ms: list[float] = field(default_factory=list)  # chunk produced → acknowledged
    request_ms: list[float] = field(default_factory=list)  # PATCH sent → 204
    create_ms: list[float] = field(default_factory=list)
    finish_ms: list[float] = field(default_factory=list)
    bytes_acked: int = 0
    created: int = 0
    completed: int = 0
    failures: list[str] = field(default_factory=list)

    def count(self, status: int) -> None:
        self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1


@dataclass(frozen=True)
class Body:
    data: bytes
    checksum: str


def bodies(mean: int, seed: int = 7) -> list[Body]:
    rng = random.Random(seed)
    out = []
    for _ in range(POOL):
        size = int(mean * rng.uniform(0.75, 1.25))
        data = rng.randbytes(size)  # video is incompressible: random bytes are fair
        digest = base64.b64encode(hashlib.sha1(data).digest()).decode()
        out.append(Body(data, f"sha1 {digest}"))
    return out


class Connection:
    """One keep-alive HTTP/1.1 connection with a minimal request/response cycle."""

    def __init__(self, host: str, port: int, stats: Stats) -> None:
        self.host, self.port, self.stats = host, port, stats
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.reader is None or self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self.reader, self.writer

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, dict[str, str]]:
        """Send one request; a connection the server closed meanwhile is reopened once."""
        for attempt in (1, 2):
            try:
                return await self._exchange(method, path, headers, body)
            except (ConnectionError, asyncio.IncompleteReadError, OSError):
                await self.close()
                self.stats.reconnects += 1
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str]]:
        reader, writer = await self._open()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        status_line = await reader.readuntil(b"\r\n")
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        got: dict[str, str] = {}
        while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            got[name.strip().lower()] = value.strip()
        length = int(got.get("content-length", "0"))
        if length and method != "HEAD":
            await reader.readexactly(length)
        if got.get("connection", "").lower() == "close":
            await self.close()
        return status, got


TUS = {"Tus-Resumable": "1.0.0"}


def _metadata(position: int, attempt: int, segment: int) -> str:
    pairs = {"position": str(position), "attempt": str(attempt), "segment": str(segment),
             "filetype": "video/webm"}  # fmt: skip
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in pairs.items())


class Recorder:
    """One candidate: creation, then a chunk every `interval` seconds, in order."""

    def __init__(
        self, token: str, conn: Connection, stats: Stats, pool: list[Body], segment: int = 0
    ) -> None:
        self.token, self.conn, self.stats, self.pool = token, conn, stats, pool
        self.segment = segment
        self.url = ""
        self.offset = 0

    async def create(self) -> None:
        started = time.perf_counter()
        meta = _metadata(1, 1, self.segment)
        headers = {**TUS, "Upload-Defer-Length": "1", "Upload-Metadata": meta}
        try:
            status, got = await self.conn.request("POST", f"/i/{self.token}/tus/", headers)
        except (ConnectionError, OSError, asyncio.IncompleteReadError) as exc:
            self.stats.failures.append(f"{self.token[:8]}: creation {exc!r}")
            return
        if status != 201:
            self.stats.failures.append(f"{self.token[:8]}: creation answered {status}")
            return
        self.stats.create_ms.append((time.perf_counter() - started) * 1000)
        self.url = urlsplit(got["location"]).path
        self.stats.created += 1

    async def _server_offset(self) -> int:
        status, got = await self.conn.request("HEAD", self.url, dict(TUS))
        if status != 200:
            raise RuntimeError(f"HEAD answered {status}")
        return int(got["upload-offset"])

    async def send(self, body: Body, produced: float) -> None:
        """PATCH until the server holds this chunk (acknowledged) or gives up on it."""
        self.stats.sent += 1
        headers = {**TUS, "Upload-Offset": str(self.offset),
                   "Content-Type": "application/offset+octet-stream",
                   "Upload-Checksum": body.checksum}  # fmt: skip
        for _try in range(3):
            sent = time.monotonic()
            try:
                status, _got = await self.conn.request("PATCH", self.url, headers, body.data)
            except (ConnectionError, OSError, asyncio.IncompleteReadError):
                status = 0
            self.stats.count(status)
            if status == 204:
                self.stats.request_ms.append((time.monotonic() - sent) * 1000)
                return self._acked(body, produced)
            server = await self._server_offset()  # 409, 5xx or a broken connection
            if server == self.offset + len(body.data):
                self.stats.resolved_by_head += 1
                return self._acked(body, produced)
        self.stats.failures.append(f"{self.url}@{self.offset}: gave up")

    def _acked(self, body: Body, produced: float) -> None:
        # From the moment MediaRecorder handed the chunk over: queueing behind a slow
        # previous chunk counts, since until the 204 the chunk lives only in the browser.
        self.stats.ack_ms.append((time.monotonic() - produced) * 1000)
        self.stats.acked += 1
        self.stats.bytes_acked += len(body.data)
        self.offset += len(body.data)

    async def stream(self, start_at: float, interval: float, stop_at: float) -> None:
        """One chunk produced every `interval` from `start_at`, sent in order."""
        if not self.url:
            return
        rng = random.Random(self.token)
        produced = start_at
        try:
            while produced < stop_at:
                await asyncio.sleep(max(0.0, produced - time.monotonic()))
                await self.send(rng.choice(self.pool), produced)
                produced += interval
        except Exception as exc:  # a bench counts failures, it does not stop
            self.stats.failures.append(f"{self.token[:8]}: {exc!r}")

    async def finish(self) -> None:
        """The final PATCH: Upload-Length closes the upload (verification is queued)."""
        if not self.url:
            return
        started = time.perf_counter()
        headers = {**TUS, "Upload-Offset": str(self.offset), "Upload-Length": str(self.offset),
                   "Content-Type": "application/offset+octet-stream"}  # fmt: skip
        try:
            status, _ = await self.conn.request("PATCH", self.url, headers)
        except (ConnectionError, OSError, asyncio.IncompleteReadError) as exc:
            self.stats.failures.append(f"{self.token[:8]}: finish {exc!r}")
            return
        if status == 204:
            self.stats.completed += 1
            self.stats.finish_ms.append((time.perf_counter() - started) * 1000)
        await self.conn.close()


# --- server CPU ------------------------------------------------------------------------------


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            parts = line.split()
            if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(parts[9])
    return inodes


def pids_on_port(port: int) -> list[int]:
    """Processes holding the listening socket (a gunicorn master and its workers)."""
    wanted = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            links = {os.readlink(fd) for fd in (proc / "fd").iterdir()}
        except OSError:
            continue
        if links & wanted:
            found.append(int(proc.name))
    return sorted(found)


def postgres_pids() -> list[int]:
    out = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if (proc / "comm").read_text().startswith("postgres"):
                    out.append(int(proc.name))
            except OSError:
                continue
    return out


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """utime + stime in seconds per live process."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    return out


def machine_busy() -> float:
    """CPU seconds the whole machine spent not idle since boot (from /proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICKS


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two readings; processes born meanwhile count from zero."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


# --- main --------------------------------------------------------------------------------------


def setup_tokens(count: int) -> list[str]:
    command = [sys.executable, str(ROOT / "manage.py"), "bench_invitations", str(count)]
    output = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return list(json.loads(output.strip().splitlines()[-1])["tokens"])


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


async def _limited(jobs: list[Any], limit: int) -> None:
    gate = asyncio.Semaphore(limit)

    async def one(job: Any) -> None:
        async with gate:
            await job

    await asyncio.gather(*(one(j) for j in jobs))


async def drive(args: argparse.Namespace, tokens: list[str], measure: Any) -> tuple[Stats, float]:
    """Create every upload (warm-up), then stream for `duration` (measured), then finish."""
    parts = urlsplit(args.url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    stats, pool = Stats(), bodies(int(BYTES_PER_SECOND * args.interval))
    recorders = [
        Recorder(t, Connection(host, port, stats), stats, pool, args.segment) for t in tokens
    ]
    # A candidate creates an upload when an answer starts, i.e. every few minutes: at the
    # start of a bench all N would arrive at once, which no real campaign does.
    await _limited([r.create() for r in recorders], limit=16)
    measure()
    now = time.monotonic()
    stop_at = now + args.duration
    # Candidates record independently: their chunk clocks are spread over one interval.
    runs = [
        r.stream(now + args.interval * i / len(recorders), args.interval, stop_at)
        for i, r in enumerate(recorders)
    ]
    try:
        await asyncio.wait_for(asyncio.gather(*runs), timeout=args.duration + args.drain)
    except TimeoutError:
        stats.failures.append("drain period over: chunks still unacknowledged count as lost")
    wall = time.monotonic() - now
    measure()
    await _limited([r.finish() for r in recorders], limit=64)
    return stats, wall


def _summary(values: list[float]) -> dict[str, float]:
    return {"p50": percentile(values, 0.5), "p90": percentile(values, 0.9),
            "p99": percentile(values, 0.99), "max": round(max(values, default=0), 1),
            "mean": round(statistics.fmean(values), 1) if values else 0.0}  # fmt: skip


def report(
    args: argparse.Namespace, stats: Stats, wall: float, cpu: dict[str, float]
) -> dict[str, Any]:
    expected = len(args.tokens_list) * math.ceil(args.duration / args.interval)
    return {
        "concurrency": len(args.tokens_list), "duration_s": args.duration,
        "interval_s": args.interval,
        "mean_chunk_kb": round(BYTES_PER_SECOND * args.interval / 1000),
        "uploads_created": stats.created, "uploads_completed": stats.completed,
        "chunks_sent": stats.sent, "chunks_acknowledged": stats.acked,
        "chunks_lost": stats.sent - stats.acked, "chunks_expected": expected,
        "resolved_by_head": stats.resolved_by_head, "reconnects": stats.reconnects,
        "statuses": stats.statuses,
        "ack_latency_ms": _summary(stats.ack_ms),
        "request_latency_ms": _summary(stats.request_ms),
        "create_latency_ms": _summary(stats.create_ms),
        "finish_latency_ms": _summary(stats.finish_ms),
        "throughput_mb_s": round(stats.bytes_acked / wall / 1e6, 2), "wall_s": round(wall, 1),
        **cpu, "failures": stats.failures[:10], "failure_count": len(stats.failures),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", "-n", type=int, required=True)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of recording")
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between PATCHes")
    parser.add_argument("--drain", type=float, default=30.0, help="seconds to wait at the end")
    parser.add_argument("--setup", action="store_true", help="create the candidates first")
    parser.add_argument("--tokens", help="a JSON file from manage.py bench_invitations")
    parser.add_argument(
        "--segment", type=int, default=0,
        help="segment number of the uploads: another one reuses candidates of an earlier run",
    )  # fmt: skip
    parser.add_argument("--server-pid", type=int, action="append", default=[])
    parser.add_argument("--db-cpu", action="store_true", help="also count PostgreSQL's CPU")
    args = parser.parse_args()
    if urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the bench only targets this machine's loopback address")
    if args.setup:
        args.tokens_list = setup_tokens(args.concurrency)
    elif args.tokens:
        args.tokens_list = json.loads(Path(args.tokens).read_text())["tokens"][: args.concurrency]
    else:
        parser.error("give --setup or --tokens")
    port = urlsplit(args.url).port or 80
    server = args.server_pid or pids_on_port(port)
    readings: list[tuple[dict[int, float], dict[int, float], float, float]] = []

    def measure() -> None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        db = cpu_by_pid(postgres_pids()) if args.db_cpu else {}
        # Workers and database backends may be born meanwhile: read the pids each time.
        pids = sorted({*server, *(args.server_pid or pids_on_port(port))})
        readings.append((cpu_by_pid(pids), db, usage.ru_utime + usage.ru_stime, machine_busy()))

    stats, wall = asyncio.run(drive(args, args.tokens_list, measure))
    (server0, db0, own0, busy0), (server1, db1, own1, busy1) = readings
    cpu: dict[str, Any] = {
        "server_pids": sorted(server1),
        "server_cpu_cores": round(cpu_used(server0, server1) / wall, 2),
        "client_cpu_cores": round((own1 - own0) / wall, 2),
        # Everything that ran meanwhile, other people's work on a shared machine included.
        "machine_cpu_cores": round((busy1 - busy0) / wall, 2),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    if args.db_cpu:
        cpu["db_cpu_cores"] = round(cpu_used(db0, db1) / wall, 2)
    print(json.dumps(report(args, stats, wall, cpu), ensure_ascii=False))


if __name__ == "__main__":
    main()

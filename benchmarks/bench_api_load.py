"""HTTP API under load: concurrent clients re-weighting the CETI. Prints JSON figures.

Target (issue #8): 50 concurrent clients, each sending ``POST /api/indices/ceti/compute`` with
random sector weights back to back for 30 s on loopback: p95 latency under 100 ms, no errors.
The server runs in a subprocess (uvicorn on a free loopback port, ``--workers`` processes, as
``powerscope serve --workers N`` runs it). Each client holds one keep-alive connection; by default the
clients speak plain HTTP/1.1 over asyncio streams (light, so that on a small machine the
measurement is of the server, not of the client library); ``--client httpx`` uses one
``httpx.AsyncClient`` instead. Every response is checked (status 200, a JSON ranking).

    python benchmarks/bench_api_load.py [--seconds 30] [--clients 50] [--workers 1]
        [--heavy-workers N] [--client raw|httpx] [--hostile]

``--hostile`` (issue #14) adds, while the clients re-weight, a hostile client sending 100 MB
bodies (declared, and streamed without a length), dynamics runs at the cap (20,000 runs with
noise to 2100, two at a time) and random malformed requests. Targets: the well-behaved clients'
p95 under 100 ms and no errors, no 5xx to anyone, the server's memory (RSS) back within 20% of
its start a few seconds after the run. The hostile requests' statuses are counted.

``--heavy-workers N`` sets the server's worker processes for heavy computations
(``POWERSCOPE_HEAVY_WORKERS``; 0: in the server's threads, as before they existed; default: the
server's own default). The memory figures include the server's child processes (the workers).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time

import httpx

SECTORS = ("Semiconductors", "AI", "Biotechnology", "Space", "Quantum")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    port: int, workers: int = 1, heavy_workers: int | None = None
) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    if heavy_workers is not None:
        env["POWERSCOPE_HEAVY_WORKERS"] = str(heavy_workers)
    command = [
        sys.executable, "-m", "uvicorn", "powerscope.web.api:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log",
        "--workers", str(workers),
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process and its children (Linux /proc), or None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            children = [int(c) for c in handle.read().split()]
    except OSError:
        return None
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total + sum(cpu_seconds(child) or 0.0 for child in children)


def wait_ready(base: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                # the first computation loads and compiles the index
                httpx.post(f"{base}/api/indices/ceti/compute", json={}, timeout=30)
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


async def client(
    http: httpx.AsyncClient, url: str, stop: float, seed: int, latencies: list[float]
) -> int:
    rng = random.Random(seed)
    errors = 0
    while time.perf_counter() < stop:
        body = {
            "weights": {s: round(rng.uniform(0.01, 1.0), 4) for s in SECTORS},
            "renormalise": True,
        }
        start = time.perf_counter()
        try:
            response = await http.post(url, json=body)
            ok = _checked(response.status_code, response.content)
        except httpx.HTTPError:
            ok = False
        latencies.append(time.perf_counter() - start)
        errors += not ok
    return errors


def _checked(status: int, body: bytes) -> bool:
    if status != 200:
        return False
    try:
        return bool(json.loads(body)["ranking"][0]["rank"] == 1)
    except (ValueError, KeyError, IndexError):
        return False


async def raw_client(port: int, stop: float, seed: int, latencies: list[float]) -> int:
    """One keep-alive HTTP/1.1 connection sending compute requests back to back."""
    rng = random.Random(seed)
    errors = 0
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < stop:
            body = json.dumps(
                {
                    "weights": {s: round(rng.uniform(0.01, 1.0), 4) for s in SECTORS},
                    "renormalise": True,
                }
            ).encode()
            head = (
                "POST /api/indices/ceti/compute HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode()
            start = time.perf_counter()
            try:
                writer.write(head + body)
                header = await reader.readuntil(b"\r\n\r\n")
                lines = header.decode("latin-1").split("\r\n")
                status = int(lines[0].split()[1])
                length = next(
                    int(line.split(":", 1)[1])
                    for line in lines
                    if line.lower().startswith("content-length:")
                )
                ok = _checked(status, await reader.readexactly(length))
            except (OSError, ValueError, StopIteration, asyncio.IncompleteReadError):
                ok = False
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            latencies.append(time.perf_counter() - start)
            errors += not ok
    finally:
        writer.close()
    return errors


async def load(base: str, clients: int, seconds: float, kind: str) -> dict[str, float | int]:
    url = f"{base}/api/indices/ceti/compute"
    port = int(base.rsplit(":", 1)[1])
    latencies: list[float] = []
    start = time.perf_counter()
    stop = start + seconds
    if kind == "raw":
        errors = await asyncio.gather(
            *(raw_client(port, stop, seed, latencies) for seed in range(clients))
        )
    else:
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(limits=limits, timeout=30) as http:
            errors = await asyncio.gather(
                *(client(http, url, stop, seed, latencies) for seed in range(clients))
            )
    elapsed = time.perf_counter() - start
    ms = sorted(x * 1000 for x in latencies)
    quantiles = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "clients": clients,
        "client": kind,
        "seconds": round(elapsed, 2),
        "requests": len(ms),
        "errors": int(sum(errors)),
        "rps": round(len(ms) / elapsed, 1),
        "p50_ms": round(quantiles[49], 2),
        "p95_ms": round(quantiles[94], 2),
        "p99_ms": round(quantiles[98], 2),
        "max_ms": round(ms[-1], 2),
        "target_p95_ms": 100,
    }


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process and its children in MB (Linux /proc), or None."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            kb = next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            children = [int(c) for c in handle.read().split()]
    except (OSError, StopIteration):
        return None
    return kb / 1024 + sum(rss_mb(child) or 0.0 for child in children)


async def _response_status(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1])


async def big_body(port: int, stop: float, statuses: dict[str, int], chunked: bool) -> None:
    """100 MB bodies, back to back: declared with Content-Length, or streamed in chunks."""
    size, piece = 100 * 1024 * 1024, b"x" * (1024 * 1024)
    while time.perf_counter() < stop:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
        writer.write(
            ("POST /api/indices/ceti/compute HTTP/1.1\r\nHost: 127.0.0.1\r\n"
             f"Content-Type: application/json\r\n{framing}\r\n\r\n").encode()
        )  # fmt: skip

        async def pour(writer: asyncio.StreamWriter = writer) -> None:
            for _ in range(size // len(piece)):
                if chunked:
                    writer.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                else:
                    writer.write(piece)
                await writer.drain()

        sender = asyncio.create_task(pour())
        try:
            status = await asyncio.wait_for(_response_status(reader), timeout=30)
            key = str(status)
        except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError) as exc:
            # a connection the server closed on a body it refused (reset before the answer)
            key = type(exc).__name__
        sender.cancel()
        await asyncio.gather(sender, return_exceptions=True)
        writer.close()
        statuses[f"big_body {key}"] = statuses.get(f"big_body {key}", 0) + 1


async def heavy_runs(base: str, stop: float, seed: int, statuses: dict[str, int]) -> None:
    """Dynamics runs at the cap, each with a new seed (nothing cached)."""
    rng = random.Random(seed)
    async with httpx.AsyncClient(timeout=300) as http:
        while time.perf_counter() < stop:
            body = {"runs": 20_000, "years": "2025-2100", "noise": True,
                    "seed": rng.randrange(2**31)}  # fmt: skip
            try:
                response = await http.post(f"{base}/api/dynamics/KOR/run", json=body)
                key = str(response.status_code)
                if response.status_code == 429:
                    key += " retry-after" if "retry-after" in response.headers else ""
                    await asyncio.sleep(float(response.headers.get("retry-after", 1)) / 5)
            except httpx.HTTPError as exc:
                key = type(exc).__name__
            statuses[f"dynamics {key}"] = statuses.get(f"dynamics {key}", 0) + 1


MALFORMED: list[tuple[str, str, bytes | str]] = [
    ("POST", "/api/indices/ceti/compute", b"{not json"),
    ("POST", "/api/indices/ceti/compute", b"[" * 100_000 + b"]" * 100_000),
    ("POST", "/api/indices/ceti/compute", '{"weights": "AI=banana"}'),
    ("POST", "/api/indices/ceti/compute", '{"weights": {"NoSuchNode": 1}}'),
    ("POST", "/api/indices/ceti/compute", '{"aggregation": "nonsense"}'),
    ("POST", "/api/indices/ceti/compute", '{"rescale": [100, 1]}'),
    ("POST", "/api/dynamics/KOR/run", '{"scenario": {"set": {"no-such-lever": 1}}}'),
    ("POST", "/api/dynamics/KOR/run", '{"years": "2025-9999"}'),
    ("POST", "/api/uploads/specs", "name: x\nchildren: [" + "{id: a}," * 20_000 + "]"),
    ("GET", "/api/indices/../../etc/passwd", b""),
    ("GET", "/api/indices/ceti/uncertainty?runs=99999999", b""),
]


async def malformed(base: str, stop: float, seed: int, statuses: dict[str, int]) -> None:
    """Random malformed requests: bad JSON, deep nesting, impossible weights, bad scenarios,
    unauthenticated spec uploads."""
    rng = random.Random(seed)
    async with httpx.AsyncClient(timeout=60) as http:
        while time.perf_counter() < stop:
            method, path, body = rng.choice(MALFORMED)
            headers = {"Content-Type": "application/json"}
            try:
                response = await http.request(method, base + path, content=body or None,
                                              headers=headers)  # fmt: skip
                key = str(response.status_code)
            except httpx.HTTPError as exc:
                key = type(exc).__name__
            statuses[f"malformed {key}"] = statuses.get(f"malformed {key}", 0) + 1
            await asyncio.sleep(0.05)


async def hostile_load(
    base: str, clients: int, seconds: float, kind: str, pid: int
) -> dict[str, object]:
    """The well-behaved load with the hostile client's requests alongside; memory sampled."""
    port = int(base.rsplit(":", 1)[1])
    stop = time.perf_counter() + seconds
    statuses: dict[str, int] = {}
    peak = [rss_mb(pid) or 0.0]

    async def sample() -> None:
        while time.perf_counter() < stop:
            peak[0] = max(peak[0], rss_mb(pid) or 0.0)
            await asyncio.sleep(0.25)

    hostile = [
        big_body(port, stop, statuses, chunked=False),
        big_body(port, stop, statuses, chunked=True),
        heavy_runs(base, stop, 1, statuses),
        heavy_runs(base, stop, 2, statuses),
        heavy_runs(base, stop, 3, statuses),
        malformed(base, stop, 4, statuses),
        sample(),
    ]
    figures, *_ = await asyncio.gather(load(base, clients, seconds, kind), *hostile)
    hostile_5xx = sum(n for k, n in statuses.items() if k.split()[-1].startswith("5"))
    return {**figures, "hostile_statuses": dict(sorted(statuses.items())),
            "hostile_5xx": hostile_5xx, "rss_peak_mb": round(peak[0], 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--hostile", action="store_true", help="add the hostile client")
    parser.add_argument("--heavy-workers", type=int, default=None,
                        help="worker processes for heavy computations (0: server threads)")  # fmt: skip
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port, args.workers, args.heavy_workers)
    try:
        wait_ready(base)
        cpu_before = cpu_seconds(server.pid)
        if args.hostile:
            # loaded once before the start figure: the data a dynamics run reads
            httpx.post(f"{base}/api/dynamics/KOR/run", json={"runs": 10}, timeout=120)
            rss_start = rss_mb(server.pid)
            figures = asyncio.run(
                hostile_load(base, args.clients, args.seconds, args.client, server.pid)
            )
        else:
            figures = asyncio.run(load(base, args.clients, args.seconds, args.client))
        cpu_after = cpu_seconds(server.pid)
        if args.hostile:
            time.sleep(5)  # the last refused and finished requests let go of their memory
            rss_end = rss_mb(server.pid)
            if rss_start and rss_end:
                figures["rss_start_mb"] = round(rss_start, 1)
                figures["rss_end_mb"] = round(rss_end, 1)
                figures["rss_end_vs_start"] = round(rss_end / rss_start, 3)
                figures["target_rss_end_vs_start"] = 1.2
        if cpu_before is not None and cpu_after is not None:
            # the server's own CPU time per request: what the machine's load cannot inflate
            per_request = (cpu_after - cpu_before) / max(int(figures["requests"]), 1) * 1000
            figures["server_cpu_ms_per_request"] = round(per_request, 3)
        figures["cpus"] = os.cpu_count() or 0
        figures["workers"] = args.workers
        figures["heavy_workers"] = "default" if args.heavy_workers is None else args.heavy_workers
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()

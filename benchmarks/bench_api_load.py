"""HTTP API under load: concurrent clients re-weighting the CETI. Prints JSON figures.

Target (issue #8): 50 concurrent clients, each sending ``POST /api/indices/ceti/compute`` with
random sector weights back to back for 30 s on loopback: p95 latency under 100 ms, no errors.
The server runs in a subprocess (uvicorn on a free loopback port, ``--workers`` processes, as
``powerscope serve --workers N`` runs it). Each client holds one keep-alive connection; by default the
clients speak plain HTTP/1.1 over asyncio streams (light, so that on a small machine the
measurement is of the server, not of the client library); ``--client httpx`` uses one
``httpx.AsyncClient`` instead. Every response is checked (status 200, a JSON ranking).

    python benchmarks/bench_api_load.py [--seconds 30] [--clients 50] [--workers 1]
        [--client raw|httpx]
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


def start_server(port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "uvicorn", "powerscope.web.api:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log",
        "--workers", str(workers),
    ]  # fmt: skip
    return subprocess.Popen(command, env=dict(os.environ), stdout=subprocess.DEVNULL)


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
        body = {"weights": {s: round(rng.uniform(0.01, 1.0), 4) for s in SECTORS}}
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
                {"weights": {s: round(rng.uniform(0.01, 1.0), 4) for s in SECTORS}}
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port, args.workers)
    try:
        wait_ready(base)
        cpu_before = cpu_seconds(server.pid)
        figures = asyncio.run(load(base, args.clients, args.seconds, args.client))
        cpu_after = cpu_seconds(server.pid)
        if cpu_before is not None and cpu_after is not None:
            # the server's own CPU time per request: what the machine's load cannot inflate
            per_request = (cpu_after - cpu_before) / max(int(figures["requests"]), 1) * 1000
            figures["server_cpu_ms_per_request"] = round(per_request, 3)
        figures["cpus"] = os.cpu_count() or 0
        figures["workers"] = args.workers
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()

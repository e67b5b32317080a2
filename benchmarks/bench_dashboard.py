"""The dashboard's first view in headless Chromium: the index explorer (``#/index/ceti``). Prints JSON.

Target: the first usable view in under 1 s: from the start of navigation until the ranking
table is filled (``data-state="ready"``) and the first chart is drawn (a plotly ``.main-svg``
in the page). Each load uses a fresh browser context (an empty cache: a first visit), against
the app served by uvicorn in a subprocess on a free loopback port. Also printed: the bytes of
JavaScript the page loaded (decoded, as the browser parses them) and how long the browser spent
on them.

    python benchmarks/bench_dashboard.py [--loads 7] [--route '#/index/ceti']

Needs Debian's ``/usr/bin/chromium`` and the ``playwright`` Python package.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from typing import Any

import httpx

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

#: ranking filled and a plotly chart drawn: the first usable view
READY = """() => {
  const table = document.querySelector('[data-testid="ranking-table"][data-state="ready"]');
  return Boolean(table && document.querySelector('.chart .main-svg'));
}"""

JS_FIGURES = """() => {
  const scripts = performance.getEntriesByType('resource')
    .filter((e) => e.name.endsWith('.js'));
  return {
    js_bytes: scripts.reduce((s, e) => s + (e.decodedBodySize || 0), 0),
    js_files: scripts.map((e) => [new URL(e.name).pathname, e.decodedBodySize]),
  };
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "uvicorn", "powerscope.web.api:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    return subprocess.Popen(command, env=dict(os.environ), stdout=subprocess.DEVNULL)


def wait_healthy(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the app did not answer {base}/api/health")


def one_load(browser: Any, url: str) -> dict[str, Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        page.goto(url, wait_until="commit")
        page.wait_for_function(READY, polling="raf", timeout=60_000)
        # ms since navigation start, read in the page itself
        ready_ms = float(page.evaluate("() => performance.now()"))
        figures = dict(page.evaluate(JS_FIGURES))
        figures["ready_ms"] = ready_ms
        return figures
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=7)
    parser.add_argument("--route", default="#/index/ceti")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    try:
        wait_healthy(base)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            one_load(browser, f"{base}/{args.route}")  # warm the server (first computes)
            loads = [one_load(browser, f"{base}/{args.route}") for _ in range(args.loads)]
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    times = sorted(load["ready_ms"] for load in loads)
    print(
        json.dumps(
            {
                "route": args.route,
                "loads": args.loads,
                "first_view_ms_median": round(statistics.median(times), 1),
                "first_view_ms_min": round(times[0], 1),
                "first_view_ms_max": round(times[-1], 1),
                "first_view_ms_all": [round(t, 1) for t in times],
                "target_ms": 1000,
                "js_bytes": loads[-1]["js_bytes"],
                "js_files": loads[-1]["js_files"],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()

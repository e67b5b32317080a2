"""Fixtures of the dashboard tests: the real app served on loopback, and headless Chromium.

The server is started once per session with uvicorn in a background thread; the embedded data
snapshot it reads is read-only, so the tests cannot change what it serves.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from powerscope.brief.pdf import HEADLESS_FLAGS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = list(HEADLESS_FLAGS)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:<port>``) of the real app, served by uvicorn in a thread."""
    import uvicorn

    from powerscope.data.store import SnapshotStore
    from powerscope.web.api import create_app

    # The session starts before the per-test POWERSCOPE_HOME isolation: serve the embedded
    # snapshot explicitly, and keep uploads in a scratch directory.
    app = create_app(store=SnapshotStore(), upload_dir=tmp_path_factory.mktemp("uploads"))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app=app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="powerscope-test-server", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            pytest.fail(f"the powerscope app did not answer {base}/api/health within 30 s")
        time.sleep(0.1)
    yield base
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (skipped when absent, failed in CI)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: the dashboard tests need Debian's chromium"
        if os.environ.get("POWERSCOPE_REQUIRE_BROWSER") == "1":
            pytest.fail(message + "; POWERSCOPE_REQUIRE_BROWSER=1 forbids skipping")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The git-ignored ``test-artifacts/`` directory at the repository root."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS

"""Fixtures of the dashboard tests: the real app served on loopback, and headless Chromium.

The server is started once per session with uvicorn in a background thread; the embedded data
snapshot it reads is read-only, so the tests cannot change what it serves.

Heavy computations run in the server's threads here (``POWERSCOPE_HEAVY_WORKERS=0`` unless
set): starting worker processes for every app would make the tests slow.
``tests/web/test_heavy_pool.py`` runs the real worker pool end to end, and
``POWERSCOPE_HEAVY_WORKERS=1 pytest tests/web`` runs every web test through it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from web_server import serve

from powerscope.brief.pdf import HEADLESS_FLAGS
from powerscope.web.limits import HEAVY_WORKERS_ENV

os.environ.setdefault(HEAVY_WORKERS_ENV, "0")

if TYPE_CHECKING:
    pass

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = list(HEADLESS_FLAGS)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the real app over the embedded snapshot."""
    from powerscope.data.store import SnapshotStore

    # The session starts before the per-test POWERSCOPE_HOME isolation: serve the embedded
    # snapshot explicitly, and keep uploads in a scratch directory.
    with serve(SnapshotStore(), tmp_path_factory.mktemp("uploads")) as base:
        yield base


@pytest.fixture(scope="session")
def next_edition_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the real app over a store whose catalog describes later editions
    (``support.next_edition_store``: Global Firepower 2027, CETI 2026)."""
    from support import next_edition_store

    with serve(next_edition_store(), tmp_path_factory.mktemp("uploads-next")) as base:
        yield base


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

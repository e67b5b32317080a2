"""Shared fixtures: the real public datasets beside the project, when present."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import require_shared


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public datasets directory (``../shared/data``)."""
    return require_shared()


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own POWERSCOPE_HOME so no test touches a user's warehouse."""
    monkeypatch.setenv("POWERSCOPE_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture(scope="session")
def arms():  # type: ignore[no-untyped-def]
    """SIPRI data from the embedded snapshot: annual deliveries, the register, the TIV tables."""
    from powerscope.arms.service import load
    from powerscope.data.store import SnapshotStore

    data = load(SnapshotStore())
    return data.deliveries, data.register, data.tiv_table

"""Helpers the tests import by name (``from support import ...``): the real public datasets
beside the project, and small test inputs. Fixtures live in the conftest files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(
    os.environ.get(
        "POWERSCOPE_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
    )
).resolve()


def require_shared(*relative: str) -> Path:
    """Path to ``../shared/data`` (or a file in it); skip when absent, fail in CI.

    CI sets ``POWERSCOPE_REQUIRE_SHARED=1`` so that a missing file fails instead of skipping.
    """
    path = SHARED_DATA.joinpath(*relative)
    if not path.exists():
        message = (
            f"shared dataset not found: {path} (tests on the real public data need ../shared/data)"
        )
        if os.environ.get("POWERSCOPE_REQUIRE_SHARED") == "1":
            pytest.fail(message + "; POWERSCOPE_REQUIRE_SHARED=1 forbids skipping")
        pytest.skip(message)
    return path


def write_file(path: Path, text: str) -> Path:
    """Write a small test input, gzip-compressed when the name ends in ``.gz``."""
    import gzip

    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path

"""Helpers the tests import by name (``from support import ...``): the real public datasets
beside the project, and small test inputs. Fixtures live in the conftest files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from powerscope.data.store import Store

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


#: A later edition of two datasets, as a rebuilt warehouse would describe them.
NEXT_EDITIONS: dict[str, dict[str, Any]] = {
    "gfp": {"edition": "2027", "short": "Global Firepower 2027", "years": [2027, 2027]},
    "belfer_ceti": {"edition": "2026 (released June 2026)", "short": "Belfer CETI 2026",
                    "years": [2026, 2026]},
}  # fmt: skip


def next_edition_store() -> Store:
    """The embedded snapshot whose catalog describes the editions of :data:`NEXT_EDITIONS`
    (same tables): what a library result, the CLI or a brief cites must follow it."""
    from powerscope.data.store import SnapshotStore

    class NextEdition(SnapshotStore):
        def dataset(self, dataset_id: str) -> dict[str, Any] | None:
            record = super().dataset(dataset_id)
            if record is None or dataset_id not in NEXT_EDITIONS:
                return record
            return {**record, **NEXT_EDITIONS[dataset_id]}

    return NextEdition()

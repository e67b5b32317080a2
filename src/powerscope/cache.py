"""Results powerscope can recompute, kept between runs so a brief or a backtest does not redo
work whose inputs have not changed.

Each entry is a JSON file under :func:`cache_dir`, named by a SHA-256 digest of everything the
result depends on (its inputs, the code that computes it and the versions of the libraries it
calls), so a changed input or a new release computes afresh and nothing is ever invalidated by
hand. Files are written atomically; a file that cannot be read, or a cache folder that cannot be
written (read-only home), only means the result is computed again. Deleting the folder is always
safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def cache_dir() -> Path:
    """Where powerscope keeps results it can recompute: ``$POWERSCOPE_HOME/cache`` when
    ``POWERSCOPE_HOME`` is set, else the platform's user cache dir (``platformdirs``)."""
    env = os.environ.get("POWERSCOPE_HOME")
    if env:
        return Path(env).expanduser() / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("powerscope", appauthor=False))


def code_digest(files: Iterable[Path], packages: Iterable[str] = ()) -> str:
    """A digest of source files and the installed versions of ``packages`` (and powerscope's
    own): part of every key, so that changed code never reads an old result."""
    from importlib import metadata

    from powerscope import __version__

    digest = hashlib.sha256(f"powerscope {__version__}".encode())
    for package in packages:
        digest.update(f"; {package} {metadata.version(package)}".encode())
    for file in files:
        digest.update(file.read_bytes())
    return digest.hexdigest()


def key_of(*parts: str | bytes) -> str:
    """The SHA-256 of ``parts`` (each length-prefixed, so ``("ab", "c")`` and ``("a", "bc")``
    differ)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def read(namespace: str, key: str) -> Any | None:
    """The cached JSON value of ``key`` in ``namespace``, or None when absent or unreadable."""
    try:
        return json.loads((cache_dir() / namespace / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write(namespace: str, key: str, value: Any) -> None:
    """Keep ``value`` (JSON-ready) under ``key``; silently skipped when the cache folder cannot
    be written."""
    from powerscope.files import write_atomic

    with contextlib.suppress(OSError):
        write_atomic(cache_dir() / namespace / f"{key}.json", json.dumps(value))


def read_frame(namespace: str, key: str) -> pd.DataFrame | None:
    """The cached table of ``key`` in ``namespace`` (Parquet), or None when absent or
    unreadable."""
    import pandas as pd

    try:
        return pd.read_parquet(cache_dir() / namespace / f"{key}.parquet")
    except (OSError, ValueError, ImportError):
        return None
    except Exception:  # a damaged file: pyarrow raises its own errors
        return None


def write_frame(namespace: str, key: str, frame: pd.DataFrame) -> None:
    """Keep ``frame`` (Parquet) under ``key``; silently skipped when the cache folder cannot be
    written."""
    import io

    from powerscope.files import write_atomic

    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    with contextlib.suppress(OSError):
        write_atomic(cache_dir() / namespace / f"{key}.parquet", buffer.getvalue())


def read_pickle(namespace: str, key: str) -> Any | None:
    """The cached Python object of ``key`` in ``namespace``, or None when absent or unreadable.

    For powerscope's own objects only (e.g. a brief's sections), from the user's own cache
    folder: a pickle runs code when read, so never point ``POWERSCOPE_HOME`` at a folder others
    can write to.
    """
    import pickle

    try:
        return pickle.loads((cache_dir() / namespace / f"{key}.pickle").read_bytes())
    except Exception:  # absent, damaged, or of another version's classes
        return None


def write_pickle(namespace: str, key: str, value: Any) -> None:
    """Keep ``value`` (pickled) under ``key``; silently skipped when the cache folder cannot be
    written."""
    import pickle

    from powerscope.files import write_atomic

    data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    with contextlib.suppress(OSError):
        write_atomic(cache_dir() / namespace / f"{key}.pickle", data)


def package_digest(packages: Iterable[str] = ()) -> str:
    """A digest of every source and data file shipped in powerscope's package (``.py``,
    ``.yaml``, ``.csv``, ``.json``, templates; not the embedded snapshot's tables, which a
    store's own digests cover) and of the installed versions of ``packages``: a key part for
    results that depend on any of powerscope's code."""
    root = Path(__file__).resolve().parent
    kinds = {".py", ".yaml", ".yml", ".csv", ".j2", ".css"}
    files = sorted(
        p
        for p in root.rglob("*")
        if p.suffix in kinds and "__pycache__" not in p.parts and "static" not in p.parts
    )
    return code_digest(files, packages)


def frame_digest(frame: pd.DataFrame) -> bytes:
    """A digest of a table's contents: its columns and dtypes and every row's values and index
    (``pandas.util.hash_pandas_object``), as a cache key's part for results computed from it."""
    import pandas as pd

    columns = list(zip(frame.columns, map(str, frame.dtypes), strict=True))
    digest = hashlib.sha256(repr(columns).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return digest.digest()


__all__ = [
    "cache_dir",
    "code_digest",
    "frame_digest",
    "key_of",
    "package_digest",
    "read",
    "read_frame",
    "read_pickle",
    "write",
    "write_frame",
    "write_pickle",
]

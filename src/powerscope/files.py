"""Writing files so that a failure never leaves a half-written one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _usual_mode() -> int:
    """The mode a plainly created file gets here (0o666 less the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(
    path: Path, data: str | bytes, *, mode: int | None = None, durable: bool = False
) -> int:
    """Write ``data`` (text as UTF-8) to ``path`` through a temporary file in the same folder,
    renamed into place: readers see the old file or the new one, never a part; on failure no
    file is left behind. ``mode`` defaults to a plain file's (mkstemp's would be private);
    ``durable`` syncs the data to disk before the rename. Returns the size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, _usual_mode() if mode is None else mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(payload)

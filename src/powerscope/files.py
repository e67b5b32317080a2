"""Reading and writing files safely.

Writing: :func:`write_atomic` writes through a temporary file renamed into place, so that a
failure never leaves a half-written file; :func:`remove_stale_temporaries` removes the temporary
files of runs that were killed part-way (the next start calls it).

Reading: every file a user hands powerscope (a spec, a weights file, a scenario, a claims file,
a COINr table, a data file) is read by :func:`read_text_file` (or checked by
:func:`check_regular_file`): only a regular file is read (a folder, a device such as
``/dev/zero``, a FIFO or a socket is refused before it is opened, so nothing hangs), at most
:data:`MAX_TEXT_BYTES`, not empty, UTF-8 and without NUL bytes (not binary). CSV tables go through
:func:`read_csv_rows` (every row has as many cells as the header: a ragged or truncated row is
refused, naming its line) and YAML through :func:`load_yaml` (safe tags only, a bounded depth, and
aliases limited: :data:`MAX_YAML_ALIASES` uses adding at most :data:`MAX_YAML_EXPANSION` nodes,
never recursive, so a "billion laughs" file is refused instead of filling the memory).

Messages name a file as :func:`shown_path` does: relative to ``$POWERSCOPE_HOME`` or to the data
folder when it lies there, else as the user gave it; never the server's absolute path of a file
powerscope keeps itself.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from powerscope.errors import DataFormatError, PowerscopeError

#: the largest text file read (YAML, CSV tables, weights, ...), in bytes: 64 MB
MAX_TEXT_BYTES = 64 * 1024 * 1024
#: the most alias uses (``*name``) a YAML document may hold
MAX_YAML_ALIASES = 100
#: the most nodes all aliases of a YAML document may add once expanded
MAX_YAML_EXPANSION = 10_000
#: the deepest nesting of a YAML document (mappings and lists in one another)
MAX_YAML_DEPTH = 100
#: a temporary file whose process is gone is removed when untouched for this long (seconds)
STALE_AFTER = 60.0
#: a temporary file is removed when untouched for this long, whatever its process (one day)
ABANDONED_AFTER = 24 * 3600.0

#: temporary files of :func:`write_atomic` (``.NAME.PID-RANDOM.tmp``) and of the warehouse build
#: (``.NAME.PID.tmp`` and DuckDB's ``.NAME.PID.tmp.wal`` beside it)
_TEMPORARY = re.compile(r"\.(?P<target>.+)\.(?P<pid>\d+)(?:-[A-Za-z0-9_]+)?\.tmp(?:\.wal)?")
#: temporary files of :func:`write_atomic` before it named its process (``.NAME.RANDOM.tmp``)
_UNNAMED_TEMPORARY = re.compile(r"\.(?P<target>.+)\.[A-Za-z0-9_]{8}\.tmp")


def home() -> Path:
    """powerscope's data directory: ``$POWERSCOPE_HOME`` or the platform's user data dir."""
    env = os.environ.get("POWERSCOPE_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("powerscope", appauthor=False))


def shown_path(path: str | Path, base: str | Path | None = None) -> str:
    """A file as messages name it: ``$POWERSCOPE_HOME/...`` under powerscope's data directory,
    relative to ``base`` (the data folder of a build) under it, else as given."""
    path = Path(path)
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):
        return str(path)
    if base is not None:
        try:
            return resolved.relative_to(Path(base).resolve()).as_posix()
        except (ValueError, OSError, RuntimeError):
            pass
    try:
        return f"$POWERSCOPE_HOME/{resolved.relative_to(home().resolve()).as_posix()}"
    except (ValueError, OSError, RuntimeError):
        return str(path)


# -- reading ------------------------------------------------------------------------------


def _refuse(
    error: type[PowerscopeError], what: str, where: str, fix: str, parameter: str | None
) -> PowerscopeError:
    return error(what, where=where, fix=fix, parameter=parameter)


def check_regular_file(
    path: str | Path,
    what: str = "file",
    *,
    error: type[PowerscopeError] = DataFormatError,
    parameter: str | None = None,
    where: str | None = None,
    empty_ok: bool = False,
) -> os.stat_result:
    """Check that ``path`` is a regular, non-empty file (symbolic links followed); return its
    status. Nothing is opened, so a FIFO or a device cannot make the check hang.

    Raises
    ------
    PowerscopeError
        Of class ``error``: not found, a folder, not a regular file (a device, a FIFO, a
        socket), or empty (unless ``empty_ok``).
    """
    where = where or shown_path(path)
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise _refuse(error, f"{what} not found", where, "check the path", parameter) from None
    except OSError as exc:
        raise _refuse(
            error, f"cannot read the {what}: {exc.strerror}", where, "check the path", parameter
        ) from None
    if stat.S_ISDIR(status.st_mode):
        raise _refuse(
            error, f"the {what} is a folder, not a file", where, "give a file's path", parameter
        )
    if not stat.S_ISREG(status.st_mode):
        raise _refuse(
            error,
            f"the {what} is not a regular file (a device, FIFO or socket)",
            where,
            "give the path of an ordinary file",
            parameter,
        )
    if status.st_size == 0 and not empty_ok:
        raise _refuse(error, f"the {what} is empty", where, "give a file with content", parameter)
    return status


def read_bytes_file(
    path: str | Path,
    what: str = "file",
    *,
    error: type[PowerscopeError] = DataFormatError,
    parameter: str | None = None,
    where: str | None = None,
    max_bytes: int = MAX_TEXT_BYTES,
) -> bytes:
    """The bytes of a regular, non-empty file of at most ``max_bytes`` (see
    :func:`check_regular_file`). The file is opened without blocking and checked again once
    open, so a file swapped for a FIFO in between cannot hang the read."""
    where = where or shown_path(path)
    check_regular_file(path, what, error=error, parameter=parameter, where=where)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _refuse(
            error, f"cannot read the {what}: {exc.strerror}", where, "check the path", parameter
        ) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise _refuse(
                error,
                f"the {what} is not a regular file",
                where,
                "give the path of an ordinary file",
                parameter,
            )
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _refuse(
            error,
            f"the {what} is larger than {_size(max_bytes)}",
            where,
            "give a smaller file",
            parameter,
        )
    return data


def _size(n: int) -> str:
    """A size in MB, KB or bytes."""
    for unit, factor in (("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= factor:
            return f"{n / factor:g} {unit}"
    return f"{n} bytes"


def decode_text(
    data: bytes,
    where: str,
    what: str = "file",
    *,
    error: type[PowerscopeError] = DataFormatError,
    parameter: str | None = None,
) -> str:
    """``data`` as UTF-8 text (a byte-order mark dropped); refused when not UTF-8, binary (NUL
    bytes) or blank."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse(
            error,
            f"the {what} is not UTF-8 text (byte {exc.start})",
            where,
            "save the file as UTF-8 (e.g. 'CSV UTF-8' in a spreadsheet)",
            parameter,
        ) from None
    if "\x00" in text:
        raise _refuse(
            error,
            f"the {what} is a binary file (it holds NUL bytes)",
            where,
            "give a text file",
            parameter,
        )
    if not text.strip():
        raise _refuse(error, f"the {what} is empty", where, "give a file with content", parameter)
    return text


def read_text_file(
    path: str | Path,
    what: str = "file",
    *,
    error: type[PowerscopeError] = DataFormatError,
    parameter: str | None = None,
    where: str | None = None,
    max_bytes: int = MAX_TEXT_BYTES,
) -> str:
    """The UTF-8 text of a user's file: a regular file (no folder, device or FIFO), at most
    ``max_bytes``, not empty, not binary.

    Raises
    ------
    PowerscopeError
        Of class ``error`` (default :class:`~powerscope.errors.DataFormatError`), saying what
        is wrong, where (the file) and how to fix it.
    """
    where = where or shown_path(path)
    data = read_bytes_file(
        path, what, error=error, parameter=parameter, where=where, max_bytes=max_bytes
    )
    return decode_text(data, where, what, error=error, parameter=parameter)


def csv_rows(
    text: str,
    where: str,
    what: str = "CSV file",
    *,
    error: type[PowerscopeError] = DataFormatError,
    parameter: str | None = None,
) -> tuple[list[str], list[list[str]]]:
    """The header and rows of CSV text, blank lines skipped; every row must have one cell per
    column of the header (a ragged row, or a file cut mid-row, is refused naming its line)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    try:
        for row in reader:
            if not row or not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = row
                continue
            if len(row) != len(header):
                raise _refuse(
                    error,
                    f"{len(row)} cell(s) where the header has {len(header)}: a ragged or "
                    "truncated row",
                    f"{where}, line {reader.line_num}",
                    "give every row one cell per column (a file cut short: copy it again)",
                    parameter,
                )
            rows.append(row)
    except csv.Error as exc:
        raise _refuse(
            error,
            f"the {what} is not valid CSV: {exc} (a quote left open: the file may be cut short)",
            f"{where}, line {reader.line_num}",
            "close every quoted cell; copy the file again if it was cut short",
            parameter,
        ) from None
    if header is None:
        raise _refuse(error, f"the {what} is empty", where, "give a header and rows", parameter)
    return header, rows


def read_csv_rows(
    path: str | Path,
    what: str = "CSV file",
    *,
    error: type[PowerscopeError] = DataFormatError,
    parameter: str | None = None,
    where: str | None = None,
    max_bytes: int = MAX_TEXT_BYTES,
) -> tuple[str, list[str], list[list[str]]]:
    """Read a user's CSV file (:func:`read_text_file`, then :func:`csv_rows`); return its text,
    header and rows."""
    where = where or shown_path(path)
    text = read_text_file(
        path, what, error=error, parameter=parameter, where=where, max_bytes=max_bytes
    )
    header, rows = csv_rows(text, where, what, error=error, parameter=parameter)
    return text, header, rows


def check_csv_file(
    path: str | Path,
    what: str = "CSV file",
    *,
    error: type[PowerscopeError] = DataFormatError,
    where: str | None = None,
    final_newline: bool = False,
) -> None:
    """Check a CSV file (possibly large) row by row without keeping it: UTF-8, not binary, and
    every row one cell per column of the header (see :func:`csv_rows`). With
    ``final_newline`` (a publisher's file), the file must also end with a line break: one cut
    inside its last cell is refused too."""
    where = where or shown_path(path)
    check_regular_file(path, what, error=error, where=where)
    width: int | None = None
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            for row in reader:
                if not row or not any(cell.strip() for cell in row):
                    continue
                if any("\x00" in cell for cell in row):
                    raise _refuse(
                        error,
                        f"the {what} is a binary file (it holds NUL bytes)",
                        f"{where}, line {reader.line_num}",
                        "give a text file",
                        None,
                    )
                if width is None:
                    width = len(row)
                elif len(row) != width:
                    raise _refuse(
                        error,
                        f"{len(row)} cell(s) where the header has {width}: a ragged or "
                        "truncated row",
                        f"{where}, line {reader.line_num}",
                        "give every row one cell per column (a file cut short: copy it again)",
                        None,
                    )
    except UnicodeDecodeError as exc:
        raise _refuse(
            error,
            f"the {what} is not UTF-8 text (byte {exc.start})",
            where,
            "save the file as UTF-8",
            None,
        ) from None
    except csv.Error as exc:
        raise _refuse(
            error,
            f"the {what} is not valid CSV: {exc}",
            where,
            "close every quoted cell; copy the file again if it was cut short",
            None,
        ) from None
    if final_newline:
        with open(path, "rb") as handle:
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) not in (b"\n", b"\r"):
                raise _refuse(
                    error,
                    f"the {what} ends in the middle of a line: cut short?",
                    where,
                    "copy the publisher's file again, complete",
                    None,
                )


# -- YAML ---------------------------------------------------------------------------------


def _check_yaml_events(
    text: str,
    where: str,
    error: type[PowerscopeError],
    max_aliases: int,
    max_collections: int | None = None,
) -> None:
    """Walk the YAML events once (no recursion, nothing built): refuse a nesting deeper than
    :data:`MAX_YAML_DEPTH`, more alias uses than ``max_aliases``, aliases that would add more
    than :data:`MAX_YAML_EXPANSION` nodes, recursive aliases, and more than ``max_collections``
    mappings and sequences (when given), before anything is built from them."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    sizes: dict[str, int] = {}  # anchor -> nodes of its value, expanded
    stack: list[list[Any]] = []  # open collections: [anchor, nodes so far]
    aliases = added = collections = 0
    fix = "write the repeated nodes out in full"
    for event in yaml.parse(text, Loader=loader):
        size = 0
        if isinstance(event, yaml.AliasEvent):
            anchor = str(event.anchor)
            aliases += 1
            if aliases > max_aliases:
                what = (
                    "YAML aliases (*name) are not accepted here"
                    if max_aliases == 0
                    else f"more than {max_aliases} YAML aliases (*name)"
                )
                raise error(what, where=where, fix=fix)
            if any(frame[0] == anchor for frame in stack):
                raise error(f"the YAML alias *{anchor} refers to itself", where=where, fix=fix)
            size = sizes.get(anchor, 1)
            added += size
            if added > MAX_YAML_EXPANSION:
                raise error(
                    f"the YAML aliases expand to more than {MAX_YAML_EXPANSION:,} nodes "
                    "(an alias bomb?)",
                    where=where,
                    fix=fix,
                )
        elif isinstance(event, yaml.ScalarEvent):
            size = 1
            if event.anchor:
                sizes[str(event.anchor)] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            stack.append([event.anchor, 1])
            collections += 1
            if max_collections is not None and collections > max_collections:
                raise error(
                    f"the document has more than {max_collections:,} mappings and lists",
                    where=where,
                    fix="send a smaller document",
                )
            if len(stack) > MAX_YAML_DEPTH:
                raise error(
                    f"the YAML is nested more than {MAX_YAML_DEPTH} levels deep",
                    where=where,
                    fix="flatten the file",
                )
            continue
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, size = stack.pop()
            if anchor:
                sizes[str(anchor)] = size
        else:
            continue
        if stack:
            stack[-1][1] += size


def load_yaml(
    text: str | bytes,
    where: str,
    *,
    error: type[PowerscopeError] = DataFormatError,
    max_aliases: int = MAX_YAML_ALIASES,
    max_collections: int | None = None,
) -> Any:
    """The value of a YAML (or JSON) document, read safely: only plain YAML types (no Python
    objects), nested at most :data:`MAX_YAML_DEPTH` deep, and at most ``max_aliases`` alias
    uses that add at most :data:`MAX_YAML_EXPANSION` nodes (``max_aliases=0`` refuses every
    alias), none recursive; with ``max_collections``, at most that many mappings and lists
    (counted on the parser's events, before the document is built).

    Raises
    ------
    PowerscopeError
        Of class ``error``: not UTF-8, binary, not valid YAML (with its line), or over a limit.
    """
    import yaml

    if isinstance(text, bytes):
        text = decode_text(text, where, "YAML file", error=error)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        _check_yaml_events(text, where, error, max_aliases, max_collections)
        return yaml.load(text, Loader=loader)  # a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        here = f"{where}, line {mark.line + 1}" if mark is not None else where
        raise error(
            f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
            where=here,
            fix="check the indentation and quoting at that line",
        ) from None
    except RecursionError:
        raise error("the YAML is nested too deeply", where=where, fix="flatten the file") from None


#: the largest YAML file read, in bytes (8 MB: specs, weights, scenarios and claims are small)
MAX_YAML_BYTES = 8 * 1024 * 1024


def read_yaml_file(
    path: str | Path,
    what: str = "YAML file",
    *,
    error: type[PowerscopeError] = DataFormatError,
    parameter: str | None = None,
    where: str | None = None,
    max_aliases: int = MAX_YAML_ALIASES,
) -> Any:
    """Read a user's YAML (or JSON) file: :func:`read_text_file` (at most
    :data:`MAX_YAML_BYTES`), then :func:`load_yaml`."""
    where = where or shown_path(path)
    text = read_text_file(
        path, what, error=error, parameter=parameter, where=where, max_bytes=MAX_YAML_BYTES
    )
    return load_yaml(text, where, error=error, max_aliases=max_aliases)


# -- writing ------------------------------------------------------------------------------


def _usual_mode() -> int:
    """The mode a plainly created file gets here (0o666 less the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(
    path: Path, data: str | bytes, *, mode: int | None = None, durable: bool = False
) -> int:
    """Write ``data`` (text as UTF-8) to ``path`` through a temporary file in the same folder
    (``.NAME.PID-RANDOM.tmp``), renamed into place: readers see the old file or the new one,
    never a part; on failure no file is left behind (and one left by a killed process is
    removed by :func:`remove_stale_temporaries`). ``mode`` defaults to a plain file's
    (mkstemp's would be private); ``durable`` syncs the data to disk before the rename.
    Returns the size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    prefix = f".{path.name}.{os.getpid()}-"
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
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


def process_running(pid: int) -> bool:
    """Whether a process ``pid`` runs on this machine (a process of another user counts)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def remove_stale_temporaries(
    folder: Path, targets: Iterable[str] | None = None, *, now: float | None = None
) -> list[Path]:
    """Remove the temporary files that killed runs left in ``folder``: those of
    :func:`write_atomic` and of the warehouse build (with DuckDB's ``.wal``) whose process is no
    longer running and that were untouched for :data:`STALE_AFTER` seconds, and any untouched
    for :data:`ABANDONED_AFTER` (those of older versions, which do not name their process,
    too). ``targets`` limits the cleaning to the temporaries of those
    file names. Returns the files removed; a file that cannot be removed is left alone."""
    removed: list[Path] = []
    wanted = set(targets) if targets is not None else None
    now = time.time() if now is None else now
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry.name) or _UNNAMED_TEMPORARY.fullmatch(entry.name)
        if match is None or (wanted is not None and match["target"] not in wanted):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            idle = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        pid = match.groupdict().get("pid")
        gone = pid is not None and not process_running(int(pid))
        if (gone and idle >= STALE_AFTER) or idle >= ABANDONED_AFTER:
            try:
                os.unlink(entry.path)
            except OSError:
                continue
            removed.append(Path(entry.path))
    return removed

"""Where powerscope keeps its data: a local DuckDB warehouse, or the embedded snapshot.

- The **warehouse** (``$POWERSCOPE_HOME/warehouse.duckdb``; ``POWERSCOPE_HOME`` defaults to the
  user's data directory) is built from the publishers' files by ``powerscope data build --from
  DIR``. Building is atomic: every dataset is read and validated first, the database is written
  to a temporary file beside the old one, and only a complete build replaces it. A failure
  part-way leaves the previous warehouse as it was and says which dataset failed and why.
  Each dataset's files are checked before they are read (regular, non-empty files; a
  plain CSV complete, row by row), and the temporary files of a killed build are removed by
  the next one.
- The **snapshot** ships inside the package (``powerscope/data/snapshot``: Parquet tables and
  ``datasets.json``), derived by :mod:`powerscope.data.snapshot` from the same readers, so a fresh
  install works offline.

:func:`open_store` returns the warehouse when one exists and the snapshot otherwise; both answer
``tables()``, ``table(name)``, ``datasets()``, ``dataset(id)`` and ``citation(id)`` (a
:class:`~powerscope.data.catalog.Citation` whose data years are those present in the store).

A store describes itself portably (``location``, ``describe()``): "embedded snapshot, powerscope
<version>" or the warehouse file relative to ``$POWERSCOPE_HOME``, never a local absolute path,
so no shell can print one in a dashboard footer or a brief.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

from powerscope import __version__
from powerscope.data.catalog import CURATED, Citation, Source, curated_record, sha256_of
from powerscope.errors import PowerscopeError, WarehouseError
from powerscope.files import check_csv_file, check_regular_file, home, remove_stale_temporaries

DATASETS_TABLE = "_datasets"
ENTITIES_TABLE = "entities"


def warehouse_path() -> Path:
    return home() / "warehouse.duckdb"


def portable_location(path: Path) -> str:
    """A warehouse file as ``$POWERSCOPE_HOME/<relative path>``, or its bare file name when it
    lies outside powerscope's data directory: never a local absolute path."""
    try:
        relative = Path(path).resolve().relative_to(home().resolve())
    except (ValueError, OSError):
        return Path(path).name
    return f"$POWERSCOPE_HOME/{relative.as_posix()}"


#: year columns looked for in a dataset's tables, in order: (first, last); dates count by their
#: year and a text column (the SIPRI register's "2018; 2019" delivery years) by the years in it
YEAR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("year", "year"),
    ("delivery_years", "delivery_years"),
    ("start", "end"),
)


def _as_year(value: Any) -> int | None:
    if value is None:
        return None
    if hasattr(value, "year"):
        return int(value.year)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else int(number)


def _span(first: list[Any], last: list[Any]) -> tuple[int, int] | None:
    """The first and last year among column values (numbers, dates or text with years)."""

    def years(values: list[Any]) -> list[int]:
        out: list[int] = []
        for value in values:
            if isinstance(value, str):
                out.extend(int(y) for y in re.findall(r"\b(1[89]\d\d|20\d\d)\b", value))
            elif (year := _as_year(value)) is not None:
                out.append(year)
        return out

    low, high = years(first), years(last)
    return (min(low), max(high)) if low and high else None


def _merge_years(spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    if not spans:
        return None
    return min(s[0] for s in spans), max(s[1] for s in spans)


def _unknown_dataset(dataset_id: str, ids: list[str], location: str) -> WarehouseError:
    return WarehouseError(
        f"no dataset {dataset_id!r}",
        where=location,
        fix="datasets: " + ", ".join(sorted(ids)),
    )


class Store(Protocol):
    kind: str
    location: str

    def tables(self) -> list[str]: ...

    def table(self, name: str, columns: list[str] | None = None) -> pd.DataFrame: ...

    def datasets(self) -> pd.DataFrame: ...

    def columns(self, name: str, columns: list[str]) -> dict[str, np.ndarray]: ...

    def dataset(self, dataset_id: str) -> dict[str, Any] | None: ...

    def citation(self, dataset_id: str) -> Citation: ...

    def describe(self) -> str: ...


class _Citing:
    """What both stores share: citations with data years measured on the tables, cached."""

    kind: str
    location: str
    _years: dict[tuple[str, str | None], tuple[int, int] | None]

    def dataset(self, dataset_id: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def datasets(self) -> pd.DataFrame:
        raise NotImplementedError

    def _year_span(self, table: str, dataset: str | None = None) -> tuple[int, int] | None:
        raise NotImplementedError

    def describe(self) -> str:
        """Where the data are, in words and without an absolute path (for footers and briefs):
        ``"embedded snapshot, powerscope 0.1.0"`` or ``"warehouse $POWERSCOPE_HOME/..."``."""
        return self.location if self.kind == "snapshot" else f"{self.kind} {self.location}"

    def data_years(self, tables: list[str], dataset: str | None = None) -> tuple[int, int] | None:
        """First and last year of data in ``tables`` (None when none has a year column).

        With ``dataset``, a table holding several datasets' rows (a ``source`` column: the UN
        votes) is measured on that dataset's rows only."""
        spans = []
        for name in tables:
            if (name, dataset) not in self._years:
                self._years[name, dataset] = self._year_span(name, dataset)
            span = self._years[name, dataset]
            if span is not None:
                spans.append(span)
        return _merge_years(spans)

    def citation(self, dataset_id: str) -> Citation:
        """How to cite a dataset, with the data years present in this store (or one of the
        curated sources shipped with powerscope, :data:`~powerscope.data.catalog.CURATED`).

        Raises
        ------
        WarehouseError
            No such dataset in the store (naming the datasets there are).
        """
        record = self.dataset(dataset_id) or curated_record(dataset_id)
        if record is None:
            ids = [str(i) for i in self.datasets()["id"]] + [c.id for c in CURATED]
            raise _unknown_dataset(dataset_id, ids, self.location)
        tables = list(record.get("tables") or [])
        return Citation.from_record(record, self.data_years(tables, dataset_id))

    def citations(self) -> dict[str, Citation]:
        """A citation of every dataset in the store, by id, in build order."""
        return {str(i): self.citation(str(i)) for i in self.datasets()["id"]}


def _unknown_table(name: str, tables: list[str], location: str) -> WarehouseError:
    return WarehouseError(
        f"no table {name!r}",
        where=location,
        fix="available tables: " + ", ".join(sorted(tables)),
    )


class WarehouseStore(_Citing):
    """Read tables from a DuckDB warehouse file (read-only connection)."""

    kind = "warehouse"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.location = portable_location(path)
        self._years = {}

    def _connect(self) -> Any:
        import duckdb

        try:
            return duckdb.connect(str(self.path), read_only=True)
        except duckdb.Error as exc:
            raise WarehouseError(
                f"cannot open the warehouse: {exc}",
                where=self.location,
                fix="rebuild it with 'powerscope data build --from DIR'",
            ) from None

    def tables(self) -> list[str]:
        with self._connect() as con:
            return [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]

    def table(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
        with self._connect() as con:
            tables = [
                r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
            ]
            if name not in tables:
                raise _unknown_table(name, tables, self.location)
            return con.execute(f'SELECT {cols} FROM "{name}"').df()

    def columns(self, name: str, columns: list[str]) -> dict[str, np.ndarray]:
        """Columns of a table as numpy arrays (no pandas needed)."""
        cols = ", ".join(f'"{c}"' for c in columns)
        with self._connect() as con:
            tables = [
                r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
            ]
            if name not in tables:
                raise _unknown_table(name, tables, self.location)
            return dict(con.execute(f'SELECT {cols} FROM "{name}"').fetchnumpy())

    def datasets(self) -> pd.DataFrame:
        frame = self.table(DATASETS_TABLE)
        for col in ("files", "tables", "sha256", "rows", "years"):
            if col in frame.columns:
                frame[col] = frame[col].map(lambda v: json.loads(v) if isinstance(v, str) else v)
        return frame

    def dataset(self, dataset_id: str) -> dict[str, Any] | None:
        """One dataset's provenance record, or None."""
        with self._connect() as con:
            cur = con.execute(f'SELECT * FROM "{DATASETS_TABLE}" WHERE id = ?', [dataset_id])
            row = cur.fetchone()
            if row is None:
                return None
            record = dict(zip([d[0] for d in cur.description], row, strict=True))
        for col in ("files", "tables", "sha256", "rows", "years"):
            if isinstance(record.get(col), str):
                record[col] = json.loads(record[col])
        return record

    def _year_span(self, table: str, dataset: str | None = None) -> tuple[int, int] | None:
        with self._connect() as con:
            present = {
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table]
                ).fetchall()
            }
            by_source = dataset is not None and "source" in present
            where = ' WHERE "source" = ?' if by_source else ""
            params = [dataset] if by_source else []
            for first, last in YEAR_COLUMNS:
                if first in present and last in present:
                    if first == last and first != "delivery_years":
                        row = con.execute(
                            f'SELECT min("{first}"), max("{last}") FROM "{table}"{where}', params
                        )
                        low, high = row.fetchone() or (None, None)
                        span = _span([low], [high])
                    else:
                        rows = con.execute(
                            f'SELECT DISTINCT "{first}", "{last}" FROM "{table}"{where}', params
                        ).fetchall()
                        span = _span([r[0] for r in rows], [r[1] for r in rows])
                    if span is not None:
                        return span
        return None


class SnapshotStore(_Citing):
    """Read tables from the snapshot embedded in the package (Parquet files)."""

    kind = "snapshot"

    def __init__(self, folder: Path | None = None) -> None:
        embedded = folder is None
        self.folder = folder or Path(str(resources.files("powerscope.data").joinpath("snapshot")))
        self.location = (
            f"embedded snapshot, powerscope {__version__}"
            if embedded
            else f"snapshot folder {self.folder.name}"
        )
        self._years = {}

    def tables(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*.parquet"))

    def _path(self, name: str) -> Path:
        path = self.folder / f"{name}.parquet"
        if not path.exists():
            raise _unknown_table(name, self.tables(), self.location)
        return path

    def table(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        import pandas as pd

        return pd.read_parquet(self._path(name), columns=columns)

    def columns(self, name: str, columns: list[str]) -> dict[str, np.ndarray]:
        """Columns of a table as numpy arrays, without importing pandas.

        (pyarrow's own numpy conversion imports pandas, which alone costs most of the CLI's
        start-up budget; plain lists are cheap for the index tables this serves.)
        """
        import numpy as np
        import pyarrow.parquet as pq

        table = pq.ParquetFile(self._path(name)).read(columns=columns)
        out = {}
        for col in columns:
            array = table.column(col).combine_chunks()
            if hasattr(array, "dictionary"):  # dictionary-encoded (categorical) column
                labels = np.array(array.dictionary.to_pylist(), dtype=object)
                out[col] = labels[np.array(array.indices.to_pylist(), dtype=np.int64)]
            else:
                values = array.to_pylist()
                kind = str(array.type)
                if kind.startswith(("double", "float", "int", "uint")):
                    out[col] = np.array([np.nan if v is None else v for v in values], dtype=float)
                else:
                    out[col] = np.array(values, dtype=object)
        return out

    def _records(self) -> list[dict[str, Any]]:
        path = self.folder / "datasets.json"
        if not path.exists():
            raise WarehouseError(
                "the embedded snapshot has no datasets.json",
                where=self.location,
                fix="rebuild the snapshot with 'powerscope data snapshot --from DIR'",
            )
        records: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
        return records

    def datasets(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self._records())

    def dataset(self, dataset_id: str) -> dict[str, Any] | None:
        """One dataset's provenance record, or None."""
        return next((r for r in self._records() if r["id"] == dataset_id), None)

    def _year_span(self, table: str, dataset: str | None = None) -> tuple[int, int] | None:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        path = self.folder / f"{table}.parquet"
        if not path.exists():
            return None
        present = set(pq.read_schema(path).names)
        by_source = dataset is not None and "source" in present
        for first, last in YEAR_COLUMNS:
            if first in present and last in present:
                data = pq.read_table(
                    path,
                    columns=list(dict.fromkeys([first, last])),
                    filters=[("source", "=", dataset)] if by_source else None,
                )
                low, high = data.column(first), data.column(last)
                if pa.types.is_string(low.type) or pa.types.is_dictionary(low.type):
                    span = _span(pc.unique(low).to_pylist(), pc.unique(high).to_pylist())
                else:
                    span = _span([pc.min(low).as_py()], [pc.max(high).as_py()])
                if span is not None:
                    return span
        return None


class ReadOnceStore:
    """A store that reads each table (and column selection) once and hands out copies: for a
    job that asks for the same tables many times over a short life (a country brief reads the
    UN votes four times and the Lowy posts nine), and must not keep them beyond it (a server's
    store would hold every table read in memory). Everything else is the wrapped store's."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.kind = store.kind
        self.location = store.location
        self._tables: dict[tuple[str, tuple[str, ...] | None], pd.DataFrame] = {}

    def table(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        key = (name, tuple(columns) if columns is not None else None)
        if key not in self._tables:
            self._tables[key] = self.store.table(name, columns)
        # a copy: callers may change the frame they are given (arms.service.load does)
        return self._tables[key].copy()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def open_store() -> WarehouseStore | SnapshotStore:
    """The local warehouse when it has been built, otherwise the embedded snapshot."""
    path = warehouse_path()
    return WarehouseStore(path) if path.exists() else SnapshotStore()


@dataclass
class BuildReport:
    """What a build read and wrote."""

    path: Path
    datasets: list[str]
    rows: dict[str, int]
    seconds: float


def read_sources(
    root: Path, sources: list[Source]
) -> tuple[dict[str, pd.DataFrame], list[dict[str, Any]]]:
    """Read and validate every source; return the tables and one provenance record each.

    Raises
    ------
    WarehouseError
        Naming the dataset that failed and the reader's own message; nothing is written.
    """
    if not root.is_dir():
        raise WarehouseError(
            "source data directory not found",
            where=str(root),
            fix="pass --from the folder holding the publishers' files",
        )
    tables: dict[str, pd.DataFrame] = {}
    records: list[dict[str, Any]] = []
    for source in sources:
        info = source.info
        missing = [f for f in info.files if not (root / f).exists()]
        if missing:
            raise WarehouseError(
                f"dataset {info.id!r}: file(s) not found: {', '.join(missing)}",
                where=str(root),
                fix="pass --from the folder that holds the publishers' files",
            )
        for name in info.files:
            check_source_file(root, name, info.id)
        try:
            produced = source.read(root)
        except PowerscopeError as exc:
            raise WarehouseError(
                f"dataset {info.id!r} failed to read: {_relative(exc.message, root)}",
                where=str(root),
                fix="correct the file, or set the dataset aside; the previous warehouse is intact",
            ) from exc
        except (MemoryError, RecursionError):
            raise
        except Exception as exc:  # a damaged file the reader did not foresee
            raise WarehouseError(
                f"dataset {info.id!r} failed to read: {type(exc).__name__}: "
                f"{_relative(str(exc), root)}",
                where=str(root),
                fix="check that its files are the publisher's, complete and unmodified (copy "
                "them again); the previous warehouse is intact",
            ) from exc
        for name in info.tables:
            if name not in produced:
                raise WarehouseError(f"dataset {info.id!r} did not produce table {name!r}")
        for name, frame in produced.items():
            tables[name] = _extend(tables[name], frame) if name in tables else frame
        record = info.as_record()
        record["sha256"] = {f: sha256_of(root / f) for f in info.files}
        record["rows"] = {name: len(produced[name]) for name in info.tables}
        records.append(record)
    return tables, records


def _relative(message: str, root: Path) -> str:
    """A reader's message with the data folder's own path left out (files named inside it)."""
    for prefix in {str(root), str(root.resolve())}:
        message = message.replace(prefix.rstrip(os.sep) + os.sep, "")
    return message


def check_source_file(root: Path, name: str, dataset: str) -> None:
    """Check a dataset's file before its reader opens it: a regular, non-empty file (a link to
    a device such as ``/dev/zero``, a FIFO or a folder is refused at once, never read); a plain
    ``.csv`` must also be UTF-8 with one cell per column on every row (a copy cut short is
    refused naming the line).

    Raises
    ------
    WarehouseError
        Naming the dataset and the file (relative to the data folder).
    """
    path = root / name
    where = name
    try:
        check_regular_file(path, f"file of dataset {dataset!r}", error=WarehouseError, where=where)
        if name.lower().endswith(".csv"):
            check_csv_file(
                path,
                f"file of dataset {dataset!r}",
                error=WarehouseError,
                where=where,
                final_newline=True,
            )
    except WarehouseError as exc:
        raise WarehouseError(
            exc.what,
            where=exc.where,
            fix=f"{exc.fix}; the previous warehouse is intact" if exc.fix else None,
        ) from None


def _extend(existing: pd.DataFrame, more: pd.DataFrame) -> pd.DataFrame:
    """Append a dataset's rows to a table another dataset made (the UN votes from 2020 to the
    Voeten votes): both must have the same columns and a ``source`` column naming the dataset
    of each row. Categorical columns stay categorical."""
    import pandas as pd

    if "source" not in existing.columns or list(existing.columns) != list(more.columns):
        raise WarehouseError(
            "two datasets produce the same table with different columns or without a 'source' "
            "column",
            fix="give each row a 'source' column and use one schema",
        )
    categorical = [
        c for c in existing.columns if isinstance(existing[c].dtype, pd.CategoricalDtype)
    ]
    out = pd.concat([existing, more], ignore_index=True)
    for column in categorical:
        out[column] = out[column].astype(str).astype("category")
    return out


def entity_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every entity code used by any table, with its name, kind and aggregate flag."""
    import pandas as pd

    from powerscope.countries import entities_frame

    codes: set[str] = set()
    for frame in tables.values():
        for col in frame.columns:
            if (
                col == "code"
                or (col.endswith("_code") and frame[col].dtype != float)
                or col in ("code1", "code2")
            ):
                codes.update(str(v) for v in pd.unique(frame[col].dropna()))
    known = entities_frame()
    return known[known["code"].isin(codes)].sort_values("code").reset_index(drop=True)


def build_warehouse(
    root: Path, sources: list[Source] | None = None, dest: Path | None = None
) -> BuildReport:
    """Build the DuckDB warehouse from the publishers' files in ``root``, atomically."""
    import duckdb
    import pandas as pd

    from powerscope.data.sources import all_sources

    start = time.perf_counter()
    sources = all_sources() if sources is None else sources
    dest = dest or warehouse_path()
    remove_stale_temporaries(dest.parent, [dest.name])  # left by builds that were killed
    tables, records = read_sources(Path(root), sources)
    tables[ENTITIES_TABLE] = entity_table(tables)
    tables[DATASETS_TABLE] = pd.DataFrame(
        [
            {**r, "files": json.dumps(r["files"]), "tables": json.dumps(r["tables"]),
             "sha256": json.dumps(r["sha256"]), "rows": json.dumps(r["rows"]),
             "years": json.dumps(r.get("years"))}
            for r in records
        ]
    )  # fmt: skip
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp))
        try:
            for name, frame in tables.items():
                con.register("_frame", frame)
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _frame')
                con.unregister("_frame")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, dest)
    except Exception as exc:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        if isinstance(exc, PowerscopeError):
            raise
        raise WarehouseError(
            f"writing the warehouse failed: {exc}",
            where=portable_location(dest),
            fix="check free disk space and permissions; the previous warehouse is intact",
        ) from exc
    return BuildReport(
        dest,
        [r["id"] for r in records],
        {name: len(frame) for name, frame in tables.items()},
        time.perf_counter() - start,
    )

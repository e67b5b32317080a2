"""The embedded snapshot: a compact, derived copy of every dataset that ships in the package.

It is built by the project's own code from the publishers' files (``powerscope data snapshot
--from DIR`` or ``make snapshot``), through the same readers as the warehouse, into powerscope's
own harmonised schema (ISO3-keyed tidy tables, selected columns, compact types), with each
dataset's provenance and the sha256 of the raw files it was derived from in ``datasets.json``.
Large dyadic tables are trimmed to recent years (``TRIM`` below) to keep the package small; the
warehouse built from the full files has everything.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd

from powerscope.data.sources import all_sources
from powerscope.data.store import DATASETS_TABLE, ENTITIES_TABLE, entity_table, read_sources

#: table -> first year kept in the snapshot (dyad-years are large; the warehouse keeps all years)
TRIM: dict[str, int] = {
    "atop_alliance": 1990,
    "cow_alliance": 1990,
    "cow_igo_dyad": 1990,
    "cow_trade_dyad": 1990,
}


def default_folder() -> Path:
    return Path(__file__).resolve().parent / "snapshot"


def _compact(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if series.dtype == object and series.nunique(dropna=True) < max(len(series) // 4, 1):
            out[col] = series.astype("category")
    return out


def build_snapshot(root: Path, folder: Path | None = None) -> dict[str, int]:
    """Derive the snapshot from the publishers' files in ``root``; return rows per table.

    Written to a temporary folder first and swapped in whole, so a failure leaves the previous
    snapshot as it was.
    """
    folder = folder or default_folder()
    tables, records = read_sources(Path(root), all_sources())
    tables[ENTITIES_TABLE] = entity_table(tables)
    for record in records:
        trimmed = {t: TRIM[t] for t in record["tables"] if t in TRIM}
        record["snapshot"] = (
            "derived by powerscope.data.snapshot on "
            + date.today().isoformat()
            + ("; years kept from " + json.dumps(trimmed) if trimmed else "")
        )
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=folder.parent))
    rows: dict[str, int] = {}
    try:
        for name, frame in tables.items():
            if name in TRIM and "year" in frame.columns:
                frame = frame[frame["year"] >= TRIM[name]]
            frame = _compact(frame.reset_index(drop=True))
            frame.to_parquet(staging / f"{name}.parquet", compression="zstd", index=False)
            rows[name] = len(frame)
        (staging / "datasets.json").write_text(json.dumps(records, indent=1), encoding="utf-8")
        backup = folder.with_name(folder.name + ".old")
        if folder.exists():
            shutil.rmtree(backup, ignore_errors=True)
            folder.rename(backup)
        staging.rename(folder)
        shutil.rmtree(backup, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    rows.pop(DATASETS_TABLE, None)
    return rows

"""Belfer Center, Critical and Emerging Technologies Index 2025 (CETI): pillar scores.

Reads ``belfer_ceti/ceti_pillars_long.csv`` (``country, sector, pillar, value``: 26 entities, 25
countries and the aggregate "Europe", 5 sectors, 46 pillars; scores on 0-1, best = 1) and checks
it against the dashboard workbook ``dets_belfer_ceti_data.xlsx`` it was taken from when that is
present.

Quirks handled: the rows with pillar ``Raw Score`` (Space) and ``Raw Index Score`` (Quantum) are
sums kept by the dashboard, not pillars, and are set aside; ``Raw Materials and Wafers`` *is* a
Semiconductors pillar and is kept. "Europe" is the CETI's aggregate of European countries and is
coded ``EUROPE`` (an aggregate entity).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from powerscope.countries import resolve_series
from powerscope.data.catalog import DatasetInfo, Source
from powerscope.errors import DataFormatError

NOT_PILLARS = ("Raw Score", "Raw Index Score")
COLUMNS = ("country", "sector", "pillar", "value")

INFO = DatasetInfo(
    id="belfer_ceti",
    short="Belfer CETI 2025",
    years=(2025, 2025),
    publisher="Belfer Center for Science and International Affairs, Harvard Kennedy School",
    title="Critical and Emerging Technologies Index",
    edition="2025 (released 5 June 2025); pillar scores from the index dashboard's data workbook",
    licence="Publicly released index; not an official data release (taken from the dashboard build)",
    citation=(
        "Belfer Center for Science and International Affairs (2025), Critical and Emerging "
        "Technologies Index, Harvard Kennedy School, https://www.belfercenter.org/"
        "critical-emerging-tech-index"
    ),
    url="https://www.belfercenter.org/critical-emerging-tech-index",
    files=("belfer_ceti/ceti_pillars_long.csv", "belfer_ceti/ceti_default_weights.csv"),
    tables=("ceti_pillars",),
    notes="Sector and overall scores are not in the data: powerscope recomputes them (x100).",
)


def read_pillars(path: Path) -> pd.DataFrame:
    """Read the CETI pillar scores.

    Returns
    -------
    pandas.DataFrame
        ``code, name, sector, pillar, indicator, value``: one row per entity and pillar;
        ``indicator`` is ``"<sector>/<pillar>"``; ``value`` on 0-1 (best = 1).

    Raises
    ------
    DataFormatError
        A missing column, a non-numeric or out-of-range score, or a duplicate row.
    UnknownEntityError
        A country name that resolves to nothing.
    """
    name = path.name
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataFormatError(f"cannot read CETI pillar file: {exc}", where=str(path)) from None
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise DataFormatError(
            f"missing column(s) {missing}",
            where=name,
            fix=f"the file needs the header {','.join(COLUMNS)}",
        )
    raw = raw[list(COLUMNS)]
    values = pd.to_numeric(raw["value"].str.strip(), errors="coerce")
    bad = values.isna()
    if bad.any():
        row = int(bad.idxmax())
        raise DataFormatError(
            f"non-numeric score {raw.at[row, 'value']!r}",
            where=f"{name} line {row + 2}, column 'value'",
            fix="every score must be a number between 0 and 1",
        )
    raw = raw.assign(value=values)
    pillars = raw[~raw["pillar"].isin(NOT_PILLARS)].copy()
    out_of_range = (pillars["value"] < 0) | (pillars["value"] > 1 + 1e-9)
    if out_of_range.any():
        row = int(out_of_range.idxmax())
        raise DataFormatError(
            f"pillar score {pillars.at[row, 'value']} is outside 0-1",
            where=f"{name} line {row + 2}, column 'value'",
            fix="CETI pillar scores are normalised to 0-1",
        )
    dup = pillars.duplicated(["country", "sector", "pillar"], keep="first")
    if dup.any():
        row = int(dup.idxmax())
        r = pillars.loc[row]
        raise DataFormatError(
            f"duplicate row for {r['country']} / {r['sector']} / {r['pillar']}",
            where=f"{name} line {row + 2}",
            fix="keep one score per country, sector and pillar",
        )
    pillars.insert(0, "code", resolve_series(pillars["country"], where=f"{name} column 'country'"))
    pillars = pillars.rename(columns={"country": "name"})
    pillars.insert(4, "indicator", pillars["sector"] + "/" + pillars["pillar"])
    return pillars.reset_index(drop=True)


def read_workbook(path: Path) -> pd.DataFrame:
    """Read the dashboard workbook's sector sheets into the same long shape (for checking)."""
    sheets = pd.read_excel(path, sheet_name=None)
    frames = []
    for sector, sheet in sheets.items():
        if sector == "Summary":
            continue
        long = sheet.melt(id_vars="Country", var_name="pillar", value_name="value")
        frames.append(long.assign(sector=sector).rename(columns={"Country": "country"}))
    out = pd.concat(frames, ignore_index=True)
    return out[~out["pillar"].isin(NOT_PILLARS)][["country", "sector", "pillar", "value"]]


def read(root: Path) -> dict[str, pd.DataFrame]:
    """Read the CETI tables from a data directory."""
    return {"ceti_pillars": read_pillars(root / INFO.files[0])}


SOURCE = Source(INFO, read)

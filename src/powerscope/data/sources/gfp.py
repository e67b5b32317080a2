"""Global Firepower (GFP) PowerIndex, 2026 edition.

Publisher: Global Firepower (globalfirepower.com), *2026 Military Strength Ranking*. Proprietary;
GFP does not publish its formula and gives no licence for reuse. Provenance is weak: the file is
a third-party web scrape of the ranking pages, not a release by GFP. Lower PowerIndex
("PwrIndx") is stronger; 0.0000 would be a perfect score.

This reader parses the *raw* scrape (``gfp_scraped_raw_springboard.csv.gz``) itself: cells such as
``"$ 831,500,000,000"`` or ``"293,564  km"`` carry currency signs, thousands separators and unit
labels. The "clean" file beside it is a third party's derivation (and leaves five columns
unparsed), so it is used only to check this parser in the tests.

Tables:

``gfp_index``
    ``code`` (categorical powerscope code), ``rank`` (int16, 1 = strongest, ordered by
    PowerIndex; ties share the lower rank) and ``pwr_index`` (float64, GFP PowerIndex, lower is
    stronger).
``gfp_factors``
    ``code``, ``factor`` (categorical, e.g. ``active_personnel``), ``value`` (float64) and
    ``unit`` (categorical: ``people``, ``people/year``, ``count``, ``USD``, ``km``, ``km2``,
    ``bbl``, ``bbl/day``, ``m3``, ``t``), one row per country and factor. A cell that is empty or
    ``N/A``-style is kept as a missing value (NaN), never as zero.

The columns the scraper added (``Continent``, ``Region``, ``GDP``, ``Alliance`` in the raw file,
``*_added`` in the clean one) are not GFP factors and are left out of both tables.

Units are those GFP labels the cells with: ``$`` is US dollars, ``km`` kilometres (square
kilometres for land area), ``bbl`` barrels (oil production and consumption are barrels per day,
reserves are barrels), ``Cu.M`` cubic metres (GFP labels coal in cubic metres too), ``mt``
metric tonnes.

Row numbers in error messages count the header as row 1, as a spreadsheet does.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from powerscope.countries import resolve_series
from powerscope.data.catalog import DatasetInfo, Source
from powerscope.data.sources._common import require_columns
from powerscope.data.sources._common import where as _where
from powerscope.errors import DataFormatError

RAW_FILE: Final = "gfp/gfp_scraped_raw_springboard.csv.gz"
CLEAN_FILE: Final = "gfp/gfp_clean_springboard.csv"

COUNTRY_COLUMN: Final = "Country"
INDEX_COLUMN: Final = "Power Index"
#: Columns the scraper added (not published by GFP as factors); never read as factors.
SCRAPER_COLUMNS: Final = frozenset({"Continent", "Region", "GDP", "Alliance"})

#: Cells read as a missing value (case-insensitive, after trimming whitespace).
MISSING_TOKENS: Final = frozenset(
    {"", "n/a", "na", "n.a.", "-", "\u2013", "\u2014", "?", "unknown"}
)

#: Country names misspelt by the scrape, corrected before resolution.
SCRAPE_TYPOS: Final[dict[str, str]] = {"Beliz": "Belize"}

#: Unit labels in the cells and the unit they stand for.
_UNIT_LABELS: Final[dict[str, str]] = {
    "$": "USD",
    "km": "km",
    "bbl": "bbl",
    "cu.m": "m3",
    "mt": "t",
}

_NUMBER: Final = re.compile(
    r"""^(?P<currency>\$)?\s*
        (?P<number>[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)
        \s*(?P<unit>[A-Za-z][A-Za-z.]*)?$""",
    re.VERBOSE,
)

INFO: Final = DatasetInfo(
    id="gfp",
    short="Global Firepower 2026",
    years=(2026, 2026),
    publisher="Global Firepower (globalfirepower.com)",
    title="Global Firepower Military Strength Ranking (PowerIndex)",
    edition="2026",
    licence="proprietary (no reuse licence published)",
    citation=(
        "Global Firepower (2026). 2026 Military Strength Ranking. "
        "https://www.globalfirepower.com/countries-listing.php (retrieved as a web scrape; "
        "weak provenance)."
    ),
    url="https://www.globalfirepower.com/countries-listing.php",
    files=(RAW_FILE,),
    tables=("gfp_index", "gfp_factors"),
    notes=(
        "Read from a third-party web scrape; numbers parsed by powerscope from the raw cells. "
        "Scraper-added columns (Continent, Region, GDP, Alliance) are excluded. Empty cells are "
        "missing, never zero. GFP does not publish its formula."
    ),
)


def parse_cell(text: str) -> tuple[float, str | None]:
    """Parse one raw GFP cell into (value, unit label).

    ``"$ 831,500,000,000"`` gives ``(831500000000.0, "$")``; ``"293,564 \\n km"`` gives
    ``(293564.0, "km")``; ``"926"`` gives ``(926.0, None)``; an empty or ``N/A``-style cell gives
    ``(nan, None)``.

    Raises
    ------
    ValueError
        When the cell is not a number (with an optional ``$`` and unit label).
    """
    cell = " ".join(str(text).split())
    if cell.casefold() in MISSING_TOKENS:
        return float("nan"), None
    match = _NUMBER.match(cell)
    if match is None:
        raise ValueError(cell)
    value = float(match["number"].replace(",", ""))
    unit = "$" if match["currency"] else None
    if match["unit"]:
        if unit is not None or match["unit"].casefold() not in _UNIT_LABELS:
            raise ValueError(cell)
        unit = match["unit"]
    return value, unit


def _factor_unit(factor: str, label: str | None) -> str:
    """The unit of a factor from the label its cells carry and its name."""
    name = factor.casefold()
    if label is not None:
        unit = _UNIT_LABELS[label.casefold()]
        if unit == "km" and ("area" in name or name.endswith("sq_km")):
            return "km2"
        if unit == "bbl" and ("production" in name or "consumption" in name):
            return "bbl/day"
        return unit
    suffixes = (("_usd", "USD"), ("_sq_km", "km2"), ("_km", "km"), ("_cum", "m3"), ("_mt", "t"))
    for suffix, unit in suffixes:
        if name.endswith(suffix):
            return unit
    if name.endswith("_bbl"):
        return "bbl/day" if ("production" in name or "consumption" in name) else "bbl"
    if "annually" in name:
        return "people/year"
    people = ("population", "manpower", "fit_for_service", "personnel", "paramilitary", "labour")
    if any(word in name for word in people):
        return "people"
    return "count"


def read_gfp_raw(path: Path) -> dict[str, pd.DataFrame]:
    """Read the raw GFP scrape into ``gfp_index`` and ``gfp_factors``.

    Parameters
    ----------
    path:
        ``gfp_scraped_raw_springboard.csv.gz``: ``Country``, ``Power Index`` and one column per
        factor, cells as displayed on the GFP pages.

    Returns
    -------
    dict
        ``{"gfp_index": ..., "gfp_factors": ...}``; see the module docstring.

    Raises
    ------
    DataFormatError
        A missing ``Country``/``Power Index`` column, a missing or non-numeric PowerIndex, a
        non-numeric factor cell, a column whose cells carry different unit labels, an empty or
        duplicate country.
    UnknownEntityError
        A country name the resolver does not know.
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise DataFormatError(
            f"cannot read CSV file: {exc}", where=str(path), fix="check the file is a CSV"
        ) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    require_columns(list(frame.columns), (COUNTRY_COLUMN, INDEX_COLUMN), path, "GFP file")
    factors = [
        c
        for c in frame.columns
        if c not in (COUNTRY_COLUMN, INDEX_COLUMN)
        and c not in SCRAPER_COLUMNS
        and not c.endswith("_added")
    ]

    countries = frame[COUNTRY_COLUMN].str.strip()
    for i, name in enumerate(countries):
        if not name:
            raise DataFormatError(
                "empty country name",
                where=_where(path, i + 2, COUNTRY_COLUMN),
                fix="fill in the country",
            )
    names = countries.map(lambda n: SCRAPE_TYPOS.get(n, n))
    codes = resolve_series(names, where=_where(path, None, COUNTRY_COLUMN), scheme="name")
    duplicated = np.flatnonzero(codes.duplicated().to_numpy())
    if len(duplicated):
        row = int(duplicated[0])
        raise DataFormatError(
            f"country {countries.iloc[row]!r} ({codes.iloc[row]}) appears twice",
            where=_where(path, row + 2, COUNTRY_COLUMN),
            fix="list each country once",
        )

    pwr = np.empty(len(frame))
    for i, cell in enumerate(frame[INDEX_COLUMN]):
        try:
            value, unit = parse_cell(cell)
        except ValueError:
            value, unit = float("nan"), "bad"
        if unit is not None or np.isnan(value):
            raise DataFormatError(
                f"PowerIndex {cell!r} is missing or not a number",
                where=_where(path, i + 2, INDEX_COLUMN),
                fix="every ranked country needs a PowerIndex such as 0.1642",
            )
        pwr[i] = value
    pwr_series = pd.Series(pwr)
    code_dtype = pd.CategoricalDtype(sorted(codes.astype(str).unique()))
    index = pd.DataFrame(
        {
            "code": pd.Categorical(codes.astype(str).to_numpy(), dtype=code_dtype),
            "rank": pwr_series.rank(method="min").astype("int16").to_numpy(),
            "pwr_index": pwr,
        }
    )
    index = index.sort_values(["rank", "code"], kind="stable").reset_index(drop=True)

    values = np.empty((len(frame), len(factors)))
    units: list[str] = []
    for j, factor in enumerate(factors):
        labels: dict[str, int] = {}  # unit label -> first row carrying it
        for i, cell in enumerate(frame[factor]):
            try:
                value, label = parse_cell(cell)
            except ValueError:
                raise DataFormatError(
                    f"non-numeric value {' '.join(cell.split())!r}",
                    where=_where(path, i + 2, factor),
                    fix="a factor cell must be a number, optionally with '$', thousands "
                    "separators and a unit label; leave it empty (or N/A) when missing",
                ) from None
            values[i, j] = value
            if label is not None:  # a bare number is compatible with the column's label
                labels.setdefault(label, i)
        if len(labels) > 1:
            (first, _), (second, row) = list(labels.items())[:2]
            raise DataFormatError(
                f"unit label {second!r} differs from {first!r} earlier in the column",
                where=_where(path, row + 2, factor),
                fix="all cells of a factor must carry the same unit",
            )
        units.append(_factor_unit(factor, next(iter(labels), None)))

    n_rows, n_factors = values.shape
    factor_dtype = pd.CategoricalDtype(factors)
    unit_dtype = pd.CategoricalDtype(sorted(set(units)))
    long = pd.DataFrame(
        {
            "code": pd.Categorical(
                np.repeat(codes.astype(str).to_numpy(), n_factors), dtype=code_dtype
            ),
            "factor": pd.Categorical(
                np.tile(np.array(factors, dtype=object), n_rows), dtype=factor_dtype
            ),
            "value": values.ravel(),
            "unit": pd.Categorical(
                np.tile(np.array(units, dtype=object), n_rows), dtype=unit_dtype
            ),
        }
    )
    return {"gfp_index": index, "gfp_factors": long}


def read(root: Path) -> dict[str, pd.DataFrame]:
    """Read ``gfp_index`` and ``gfp_factors`` from a data directory (holding ``gfp/``)."""
    return read_gfp_raw(Path(root) / RAW_FILE)


SOURCE: Final = Source(info=INFO, read=read)
SOURCES: Final[list[Source]] = [SOURCE]

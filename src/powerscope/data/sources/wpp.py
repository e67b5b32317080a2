"""UN World Population Prospects 2022 (UN DESA, Population Division): population by broad age
group, estimates 1950-2021 and the medium-variant projection 2022-2100 (folder ``wpp2022/``).

``wpp2022_pop_by_age5_country_1950_2100_thousands.csv.gz``
    A tidy re-shaping of the official files POP/F02-1 (population by five-year age group, both
    sexes, thousands, as of 1 July): ``variant`` (``Estimates``, ``Medium``), ``location``,
    ``loc_code`` (UN M49), ``iso3``, ``type`` (``Country/Area`` or ``World``), ``year``,
    ``age_0-4`` ... ``age_100+``, ``pop_total``, ``pop_0_14``, ``pop_15_64``, ``pop_65plus``.
    It is the file read here. The official files it was made from
    (``WPP2022_POP_F02_1_POPULATION_BY_AGE_BOTH_SEXES_ESTIMATES.csv.gz`` and ``..._MEDIUM_VARIANT``,
    with the publisher's preamble rows) sit beside it; the tests check the two agree.

One table comes out:

``wpp_population``
    ``variant`` (``estimates``: 1950-2021; ``medium``: the medium-variant projection,
    2022-2100), ``code`` (powerscope identity code), ``year`` (int16), ``pop_total``,
    ``pop_0_14``, ``pop_15_64``, ``pop_65plus`` (thousands of persons on 1 July, float32).

Locations: the 236 countries and areas are keyed by their ISO3 code, resolved through
powerscope's identity (an unknown code is an :class:`~powerscope.errors.UnknownEntityError`).
The file's one aggregate, the world (``type`` ``World``, M49 code 900, no ISO3), is kept as the
identity's aggregate ``WLD``, so that a country's share of the world can be computed. The
files hold no other regions or income groups.

Variants: only the estimates and the medium variant are in these files. WPP 2022's other
projection variants (low, high, constant fertility, instant replacement, zero migration...) and
its probabilistic prediction intervals are published separately and are **not available here**.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from powerscope.countries import resolve_series
from powerscope.data.catalog import DatasetInfo, Source
from powerscope.data.sources._common import check_columns
from powerscope.data.sources._common import where as _where
from powerscope.errors import DataFormatError

DATASET_ID: Final = "wpp2022"
FOLDER: Final = "wpp2022"
FILE: Final = f"{FOLDER}/wpp2022_pop_by_age5_country_1950_2100_thousands.csv.gz"
#: the file's variants, as the table's ``variant``, with the years each covers
VARIANTS: Final[dict[str, str]] = {"Estimates": "estimates", "Medium": "medium"}
VARIANT_YEARS: Final[dict[str, tuple[int, int]]] = {
    "estimates": (1950, 2021),
    "medium": (2022, 2100),
}
#: the file's location types and how each is keyed
WORLD_TYPE: Final = "World"
COUNTRY_TYPE: Final = "Country/Area"
WORLD_CODE: Final = "WLD"
#: the population columns kept (thousands)
POPULATION: Final = ("pop_total", "pop_0_14", "pop_15_64", "pop_65plus")
_COLUMNS: Final = ("variant", "location", "iso3", "type", "year", *POPULATION)

INFO: Final = DatasetInfo(
    id=DATASET_ID,
    short="UN World Population Prospects 2022",
    publisher="United Nations, Department of Economic and Social Affairs, Population Division",
    title="World Population Prospects 2022, population by age group, both sexes (POP/F02-1)",
    edition="2022 (estimates 1950-2021, medium-variant projection 2022-2100)",
    licence="CC BY 3.0 IGO",
    citation=(
        "United Nations, Department of Economic and Social Affairs, Population Division (2022). "
        "World Population Prospects 2022, Online Edition"
    ),
    url="https://population.un.org/wpp/",
    files=(FILE,),
    tables=("wpp_population",),
    notes=(
        "Thousands of persons on 1 July, both sexes; ages 0-14, 15-64 and 65+ summed from "
        "five-year age groups. Only the estimates (1950-2021) and the medium variant "
        "(2022-2100) are in these files: the low, high and other projection variants and the "
        "probabilistic intervals of WPP 2022 are not available here. 236 countries and areas "
        "keyed by ISO3, and the world as WLD; no other regions."
    ),
)


def read_population(path: Path) -> pd.DataFrame:
    """Read the tidy WPP 2022 file into the ``wpp_population`` table.

    Returns
    -------
    pandas.DataFrame
        ``variant, code, year, pop_total, pop_0_14, pop_15_64, pop_65plus`` (thousands,
        float32), sorted by code, year.

    Raises
    ------
    DataFormatError
        A missing column, an unknown variant or location type, a world row with an ISO3 code,
        a country without one, a year outside its variant's years, a non-numeric or negative
        population, or a location and year given twice.
    UnknownEntityError
        An ISO3 code the identity does not know (every one named).
    """
    path = Path(path)
    check_columns(path, _COLUMNS)
    frame = pd.read_csv(path, usecols=list(_COLUMNS), dtype={"iso3": str, "location": str})
    variant = frame["variant"].astype(str).str.strip()
    bad = np.flatnonzero((~variant.isin(list(VARIANTS))).to_numpy())
    if len(bad):
        raise DataFormatError(
            f"unknown variant {frame['variant'].iloc[bad[0]]!r}",
            where=_where(path, int(bad[0]) + 2, "variant"),
            fix=f"variant must be one of {', '.join(VARIANTS)}",
        )
    variant = variant.map(VARIANTS)
    kind = frame["type"].astype(str).str.strip()
    iso3 = frame["iso3"].fillna("").astype(str).str.strip()
    world = (kind == WORLD_TYPE).to_numpy()
    country = (kind == COUNTRY_TYPE).to_numpy()
    checks = (
        (~(world | country), "type", f"type must be {COUNTRY_TYPE!r} or {WORLD_TYPE!r}"),
        (country & (iso3 == "").to_numpy(), "iso3", "every country or area needs its ISO3 code"),
        (world & (iso3 != "").to_numpy(), "iso3", "the world row has no ISO3 code"),
    )
    for mask, column, fix in checks:
        bad = np.flatnonzero(mask)
        if len(bad):
            raise DataFormatError(
                f"unexpected {column} {frame[column].iloc[bad[0]]!r} for location "
                f"{frame['location'].iloc[bad[0]]!r}",
                where=_where(path, int(bad[0]) + 2, column),
                fix=fix,
            )
    code = pd.Series(WORLD_CODE, index=frame.index, dtype=object)
    if country.any():
        code[country] = resolve_series(
            iso3[country], where=_where(path, None, "iso3"), scheme="iso3"
        ).to_numpy()
    year = pd.to_numeric(frame["year"], errors="coerce")
    low = variant.map({k: v[0] for k, v in VARIANT_YEARS.items()})
    high = variant.map({k: v[1] for k, v in VARIANT_YEARS.items()})
    bad = np.flatnonzero((year.isna() | (year < low) | (year > high)).to_numpy())
    if len(bad):
        first = variant.iloc[bad[0]]
        raise DataFormatError(
            f"year '{frame['year'].iloc[bad[0]]}' outside the {first} years",
            where=_where(path, int(bad[0]) + 2, "year"),
            fix="estimates cover 1950-2021 and the medium variant 2022-2100",
        )
    out = pd.DataFrame(
        {"variant": variant, "code": code.astype(str), "year": year.astype(np.int16)}
    )
    for column in POPULATION:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = np.flatnonzero((values.isna() | (values < 0)).to_numpy())
        if len(bad):
            raise DataFormatError(
                f"population '{frame[column].iloc[bad[0]]}' is not a number of thousands >= 0",
                where=_where(path, int(bad[0]) + 2, column),
                fix="populations are in thousands of persons",
            )
        out[column] = values.astype(np.float32)
    twice = np.flatnonzero(out.duplicated(["code", "year"]).to_numpy())
    if len(twice):
        row = int(twice[0])
        raise DataFormatError(
            f"{out['code'].iloc[row]} {int(out['year'].iloc[row])} is given twice",
            where=_where(path, row + 2, "year"),
            fix="one row per location and year",
        )
    return out.sort_values(["code", "year"], kind="stable").reset_index(drop=True)


def read(root: Path) -> dict[str, pd.DataFrame]:
    """The ``wpp_population`` table from the data directory ``root``."""
    return {"wpp_population": read_population(Path(root) / FILE)}


SOURCE: Final = Source(info=INFO, read=read)
SOURCES: Final[list[Source]] = [SOURCE]

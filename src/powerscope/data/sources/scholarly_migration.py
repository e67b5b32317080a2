"""The Scholarly Migration Database of the Max Planck Institute for Demographic Research
(Akbaritabar, Theile & Zagheni 2024; Zenodo doi 10.5281/zenodo.11145735; CC BY 4.0), files in
``scholarly_migration/``.

The database infers the international migration of researchers from their publications: a
researcher's "country" in a year is the country of their affiliation in the papers they
published, and a change of that country between two publications is one move (from the earlier
affiliation's country to the later one's, counted in the year of the later publication). Three
releases, from two bibliographic databases, are read (:data:`RELEASES`):

``scopus_2024``
    Elsevier Scopus, release 2024: a country file and a flows file, ISO3 codes.
``openalex_2023``
    OpenAlex, release 2023: a country file and a flows file, ISO2 codes.
``scopus_2022_07``
    Scopus, release of July 2022: a flows file only (no ``researcher_migration`` rows).

Two tables come out:

``researcher_migration`` (from the country files)
    ``release`` (str), ``code`` (powerscope identity code), ``year`` (int16), ``researchers``
    (Int32: the publisher's *padded* population of researchers, i.e. everyone counted as
    active in the country from their first to their last publication, <NA> where the
    publisher gives 0 because it did not compute it: the last years of each release),
    ``inflow``, ``outflow``, ``net`` (int32 moves into and out of the country, ``net`` =
    ``inflow - outflow``, as published), ``inflow_rate``, ``outflow_rate``, ``net_rate``
    (float64, **per researcher**: moves divided by the padded population, so 0.0019 is 1.9
    per 1,000 researchers; the publisher's figures show them per 1,000; NaN where the
    population is not given), ``provisional`` (bool, see below).
``researcher_flows`` (from the flows files)
    ``release``, ``origin``, ``destination`` (codes), ``year`` (int16), ``moves`` (int32,
    the file's ``n_migrations``: moves from ``origin`` to ``destination`` that year),
    ``moves_back`` (``n_migrations_back``: moves the other way, destination to origin, the
    same year; checked on every row of the three files to equal the reverse pair's
    ``n_migrations``, 0 when there is no reverse row), ``net`` (``netmigrations`` =
    ``moves - moves_back``, checked on every row: positive when ``origin`` loses researchers
    to ``destination`` on balance), ``provisional`` (bool).

Provisional years. Migration is seen only when a researcher publishes again, and the padded
population only counts a year between two publications, so the last years of each release are
under-counted. A year is ``provisional`` after a release's last reliable year
(:func:`reliable_end`), decided from the data by one rule: the last year before the world's
total of moves between countries first falls below 90% of its peak, and no later than the last
year for which the padded population is published. On these files: ``scopus_2024`` 2021
(moves 2020 150,186, 2021 146,504, 2022 124,351; no population after 2021), ``openalex_2023``
2020 (2019 268,676 peak, 2020 249,219, 2021 194,333, i.e. 72% of the peak), ``scopus_2022_07``
2020 (2019 116,096, 2020 113,018, 2021 85,712).

Codes and rows:

- Every code is resolved through powerscope's identity (ISO3 for the Scopus releases, ISO2
  for OpenAlex, read as text so that Namibia's ``NA`` stays Namibia); a code the identity does
  not know is an error (:class:`~powerscope.errors.UnknownEntityError`) naming it.
- Codes that are not countries (:data:`NOT_COUNTRIES`) are kept, under an explicit entity:
  Scopus's ``EUE`` (an affiliation whose country is the European Union itself: EU
  institutions) as the organisation ``ORG-EU`` (``scopus_2024``: 5 country-years and 27 flow
  rows; ``scopus_2022_07``: 4 flow rows); OpenAlex's ``nan`` (affiliations OpenAlex gives no
  country; 3,000 to 11,000 researchers a year with migration rates near 0.18, so not
  Namibia, which is ``NA`` on rows of its own) as ``UNKNOWN`` (28 country-years and 3,729 flow
  rows). A user comparing countries never meets them; a world total includes them.
- The flows files also hold rows with an empty origin or an empty destination: the
  publisher's counts of researchers entering the population observed in a country (first
  publication) or leaving it (last publication), not moves between countries. They are left
  out of ``researcher_flows`` (``scopus_2024``: 5,675 without origin and 5,417 without
  destination of 142,825 rows; ``openalex_2023``: 5,248 and 5,157 of 157,212;
  ``scopus_2022_07``: 5,059 and 4,683 of 111,861); :func:`read_flows` returns how many with
  each table. No other row is dropped.
- The country files' ``paddedpop`` repeats ``padded_population_of_researchers`` (equal on
  every row) and is not kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from powerscope.countries import resolve_series
from powerscope.data.catalog import DatasetInfo, Source
from powerscope.data.sources._common import check_columns
from powerscope.data.sources._common import where as _where
from powerscope.errors import DataFormatError

DATASET_ID: Final = "scholarly_migration"
FOLDER: Final = "scholarly_migration"


@dataclass(frozen=True)
class Release:
    """One release of the database: its bibliographic source and files."""

    id: str
    source: str
    scheme: str  # "iso3" or "iso2"
    country_file: str | None
    flows_file: str


def _file(release: str, kind: str) -> str:
    return f"{FOLDER}/{release}_V1_scholarlymigration_{kind}.csv.gz"


#: the releases read, in order (the first is the default everywhere)
RELEASES: Final[dict[str, Release]] = {
    r.id: r
    for r in (
        Release("scopus_2024", "Scopus", "iso3", _file("scopus_2024", "country"),
                _file("scopus_2024", "countryflows")),
        Release("openalex_2023", "OpenAlex", "iso2", _file("openalex_2023", "country"),
                _file("openalex_2023", "countryflows")),
        Release("scopus_2022_07", "Scopus", "iso3", None, _file("scopus_2022_07", "countryflows")),
    )
}  # fmt: skip
DEFAULT_RELEASE: Final = "scopus_2024"

#: publisher codes that are not countries -> powerscope entity code
NOT_COUNTRIES: Final[dict[str, str]] = {"EUE": "ORG-EU", "nan": "UNKNOWN"}
#: a year is provisional after moves first fall below this share of their peak
RELIABLE_SHARE: Final = 0.9

_COUNTRY_COLUMNS: Final = (
    "year", "countrycode", "padded_population_of_researchers", "number_of_inmigrations",
    "number_of_outmigrations", "netmigration", "inmigrationrate", "outmigrationrate",
    "netmigrationrate",
)  # fmt: skip
_FLOW_COLUMNS: Final = (
    "migrationfrom", "migrationto", "year", "n_migrations", "n_migrations_back", "netmigrations",
)  # fmt: skip

INFO: Final = DatasetInfo(
    id=DATASET_ID,
    short="MPIDR Scholarly Migration Database",
    publisher="Max Planck Institute for Demographic Research (Akbaritabar, Theile & Zagheni)",
    title="Scholarly Migration Database: international migration of researchers",
    edition="V1 (Zenodo 2024): releases scopus_2024, openalex_2023, scopus_2022_07",
    licence="CC BY 4.0",
    citation=(
        "Akbaritabar, Aliakbar, Tom Theile and Emilio Zagheni (2024), Scholarly Migration "
        "Database, Max Planck Institute for Demographic Research, Zenodo, "
        "doi:10.5281/zenodo.11145735"
    ),
    url="https://doi.org/10.5281/zenodo.11145735",
    files=tuple(
        f for r in RELEASES.values() for f in (r.country_file, r.flows_file) if f is not None
    ),
    tables=("researcher_migration", "researcher_flows"),
    notes=(
        "Migration inferred from changes of authors' affiliation country between "
        "publications (Scopus and OpenAlex). Rates are per researcher of the padded population "
        "(x1,000 for per thousand). Years after the last reliable year of each release are "
        "provisional (scopus_2024 after 2021, openalex_2023 and scopus_2022_07 after 2020). "
        "Scopus's EUE (the EU's own institutions) is kept as ORG-EU and OpenAlex's nan "
        "(affiliations without a country) as UNKNOWN; rows of the flows files "
        "with no origin or no destination (entries into and exits from the publishing "
        "population) are left out."
    ),
)


def _read(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    """Every column as text (empty cells stay ``""``; ``NA`` is Namibia, not a missing value)."""
    check_columns(path, required)
    return pd.read_csv(path, usecols=list(required), dtype=str, keep_default_na=False, na_values=[])


def _years(values: pd.Series, path: Path) -> pd.Series:
    """``2021`` or ``2021.0`` to int16; anything else an error naming the row."""
    number = pd.to_numeric(values, errors="coerce")
    bad = np.flatnonzero((number.isna() | (number != number.round())).to_numpy())
    if len(bad):
        raise DataFormatError(
            f"year {values.iloc[bad[0]]!r} is not a year",
            where=_where(path, int(bad[0]) + 2, "year"),
            fix="year must be a whole number",
        )
    return number.astype("int16")


def _counts(frame: pd.DataFrame, column: str, path: Path) -> np.ndarray:
    number = pd.to_numeric(frame[column], errors="coerce")
    bad = np.flatnonzero((number.isna() | (number != number.round())).to_numpy())
    if len(bad):
        raise DataFormatError(
            f"count {frame[column].iloc[bad[0]]!r} is not a whole number",
            where=_where(path, int(bad[0]) + 2, column),
            fix=f"{column} must be a whole number of researchers",
        )
    return number.to_numpy().astype("int32")


def _rates(frame: pd.DataFrame, column: str, path: Path) -> np.ndarray:
    """A published rate as float64; an empty cell (no population) is NaN."""
    text = frame[column].str.strip()
    number = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = np.flatnonzero((number.isna() & (text != "")).to_numpy())
    if len(bad):
        raise DataFormatError(
            f"rate {frame[column].iloc[bad[0]]!r} is not a number",
            where=_where(path, int(bad[0]) + 2, column),
            fix=f"{column} must be a number, or empty",
        )
    return number.to_numpy().astype("float64")


def _codes(values: pd.Series, scheme: str, path: Path, column: str) -> pd.Series:
    """Publisher codes to powerscope codes (:data:`NOT_COUNTRIES` first, then the identity)."""
    text = values.astype(str).str.strip()
    special = text.isin(list(NOT_COUNTRIES))
    out = text.map(NOT_COUNTRIES).astype(object)
    if (~special).any():
        out[~special] = resolve_series(
            text[~special],
            where=_where(path, None, column),
            scheme="iso2" if scheme == "iso2" else "iso3",
        ).to_numpy()
    return out


def reliable_end(moves_by_year: pd.Series, population_years: list[int] | None = None) -> int:
    """A release's last reliable year.

    Parameters
    ----------
    moves_by_year:
        The world's total of moves between countries, by year.
    population_years:
        Years for which the padded population is published (a country file), if any.

    Returns
    -------
    int
        The last year, from the peak of ``moves_by_year`` on, before the total first falls
        below :data:`RELIABLE_SHARE` (90%) of the peak; no later than the last year of
        ``population_years``.
    """
    totals = moves_by_year.sort_index()
    peak_year = int(totals.idxmax())
    after = totals[totals.index >= peak_year]
    low = after[after < RELIABLE_SHARE * totals.max()]
    end = int(after.index.max()) if low.empty else int(low.index.min()) - 1
    if population_years:
        end = min(end, max(population_years))
    return end


def read_flows(path: Path, release: str) -> tuple[pd.DataFrame, dict[str, int]]:
    """Read one flows file into ``researcher_flows`` rows (``provisional`` still unset).

    Returns
    -------
    (DataFrame, dict)
        The rows, and how many rows were left out: ``no_origin`` and ``no_destination``
        (entries into and exits from the publishing population, not moves).

    Raises
    ------
    DataFormatError
        A missing column, a bad year or count, or a row whose ``netmigrations`` is not
        ``n_migrations - n_migrations_back``.
    UnknownEntityError
        A country code the identity does not know.
    """
    path = Path(path)
    spec = RELEASES[release]
    frame = _read(path, _FLOW_COLUMNS)
    origin = frame["migrationfrom"].str.strip()
    destination = frame["migrationto"].str.strip()
    dropped = {
        "no_origin": int((origin == "").sum()),
        "no_destination": int((destination == "").sum()),
    }
    keep = ((origin != "") & (destination != "")).to_numpy()
    frame = frame[keep]
    moves = _counts(frame, "n_migrations", path)
    back = _counts(frame, "n_migrations_back", path)
    net = _counts(frame, "netmigrations", path)
    bad = np.flatnonzero(net != moves - back)
    if len(bad):
        raise DataFormatError(
            "netmigrations is not n_migrations - n_migrations_back",
            where=_where(path, int(np.flatnonzero(keep)[bad[0]]) + 2, "netmigrations"),
            fix="check that the file is the publisher's, unmodified",
        )
    out = pd.DataFrame(
        {
            "release": release,
            "origin": _codes(origin[keep], spec.scheme, path, "migrationfrom").to_numpy(),
            "destination": _codes(destination[keep], spec.scheme, path, "migrationto").to_numpy(),
            "year": _years(frame["year"], path).to_numpy(),
            "moves": moves,
            "moves_back": back,
            "net": net,
        }
    )
    return out, dropped


def read_country(path: Path, release: str) -> pd.DataFrame:
    """Read one country file into ``researcher_migration`` rows (``provisional`` still unset).

    Raises
    ------
    DataFormatError
        A missing column, a bad year or count, or one country twice in a year.
    UnknownEntityError
        A country code the identity does not know.
    """
    path = Path(path)
    spec = RELEASES[release]
    frame = _read(path, _COUNTRY_COLUMNS)
    population = _counts(frame, "padded_population_of_researchers", path)
    out = pd.DataFrame(
        {
            "release": release,
            "code": _codes(frame["countrycode"], spec.scheme, path, "countrycode"),
            "year": _years(frame["year"], path),
            "researchers": pd.array(population, dtype="Int32"),
            "inflow": _counts(frame, "number_of_inmigrations", path),
            "outflow": _counts(frame, "number_of_outmigrations", path),
            "net": _counts(frame, "netmigration", path),
        }
    )
    out["researchers"] = out["researchers"].mask(population <= 0)
    for column, published in (
        ("inflow_rate", "inmigrationrate"),
        ("outflow_rate", "outmigrationrate"),
        ("net_rate", "netmigrationrate"),
    ):
        out[column] = _rates(frame, published, path)
    twice = out.duplicated(["code", "year"])
    if twice.any():
        row = int(np.flatnonzero(twice.to_numpy())[0])
        raise DataFormatError(
            f"{out['code'].iloc[row]} appears twice in {int(out['year'].iloc[row])}",
            where=_where(path, row + 2, "countrycode"),
            fix="each country needs one row a year",
        )
    return out


def read(root: Path) -> dict[str, pd.DataFrame]:
    """Both tables from the data directory ``root``, the three releases stacked."""
    root = Path(root)
    countries: list[pd.DataFrame] = []
    flows: list[pd.DataFrame] = []
    for spec in RELEASES.values():
        flow, _ = read_flows(root / spec.flows_file, spec.id)
        country = read_country(root / spec.country_file, spec.id) if spec.country_file else None
        totals = flow.groupby("year")["moves"].sum()
        published = (
            None
            if country is None
            else sorted(
                int(y) for y in country.loc[country["researchers"].notna(), "year"].unique()
            )
        )
        end = reliable_end(totals, published)
        flow["provisional"] = flow["year"] > end
        # by pair then year: each pair's series lies together (and compresses well)
        flows.append(flow.sort_values(["origin", "destination", "year"], kind="stable"))
        if country is not None:
            country["provisional"] = country["year"] > end
            countries.append(country.sort_values(["code", "year"], kind="stable"))
    migration = pd.concat(countries, ignore_index=True)
    flow_table = pd.concat(flows, ignore_index=True)
    for table in (migration, flow_table):
        table["release"] = table["release"].astype(str)
    return {"researcher_migration": migration, "researcher_flows": flow_table}


SOURCE: Final = Source(info=INFO, read=read)
SOURCES: Final[list[Source]] = [SOURCE]

"""Population by broad age group, estimated and projected: UN World Population Prospects 2022.

The data are the table ``wpp_population`` read by :mod:`powerscope.data.sources.wpp` (UN DESA,
Population Division, World Population Prospects 2022; CC BY 3.0 IGO): thousands of persons on
1 July, both sexes, for 236 countries and areas and the world (``WLD``), in two variants that
join into one series per country:

``estimates``
    1950-2021, the Population Division's estimates.
``medium``
    2022-2100, the medium-variant projection (the median of the probabilistic projections of
    fertility and mortality, with the normal migration assumption).

The low, high and other projection variants are not in powerscope's data (see
``docs/demography.md``): a figure after 2021 is always the medium variant.

Working age is ages 15-64 (the UN's and the OECD's convention for the working-age population,
not a measure of the labour force: it counts students, the unemployed and those outside the
labour force).

Two functions:

- :func:`working_age` -- one country's 15-64 population by year, the variant of each year and
  the citation;
- :func:`population_table` -- several countries, chosen years, every age group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from powerscope.countries import resolve
from powerscope.data.catalog import Citation
from powerscope.data.store import open_store
from powerscope.errors import NotFoundError, PeriodError

if TYPE_CHECKING:
    from powerscope.data.store import Store

#: the catalog id of World Population Prospects 2022 and its table
DATASET = "wpp2022"
TABLE = "wpp_population"
#: the years the data cover: estimates to :data:`LAST_ESTIMATE`, then the medium variant
FIRST_YEAR = 1950
LAST_ESTIMATE = 2021
LAST_YEAR = 2100
#: the population columns (thousands) and what each counts
AGE_GROUPS: dict[str, str] = {
    "pop_total": "all ages",
    "pop_0_14": "ages 0-14",
    "pop_15_64": "ages 15-64 (working age)",
    "pop_65plus": "ages 65 and over",
}
WORKING_AGE = "pop_15_64"


@dataclass(frozen=True)
class WorkingAge:
    """One country's working-age (15-64) population by year.

    ``series`` has one row per year: ``year`` (int), ``pop_15_64`` (thousands of persons on
    1 July) and ``variant`` (``estimates`` to 2021, ``medium`` from 2022).
    """

    code: str
    name: str
    series: pd.DataFrame
    citation: Citation

    @property
    def years(self) -> tuple[int, int]:
        """The first and last year of :attr:`series`."""
        return int(self.series["year"].iloc[0]), int(self.series["year"].iloc[-1])

    def value(self, year: int) -> float:
        """The 15-64 population in ``year`` (thousands).

        Raises
        ------
        PeriodError
            A year outside :attr:`years`.
        """
        found = self.series.loc[self.series["year"] == int(year), WORKING_AGE]
        if found.empty:
            first, last = self.years
            raise PeriodError(
                f"no working-age population of {self.code} in {year} in this result",
                parameter="year",
                fix=f"choose a year from {first} to {last}",
            )
        return float(found.iloc[0])

    def change(self, start: int, end: int) -> dict[str, float]:
        """The change between two years: ``start`` and ``end`` (thousands), ``change``
        (thousands) and ``percent`` (% of ``start``)."""
        before, after = self.value(start), self.value(end)
        return {
            "start": before,
            "end": after,
            "change": after - before,
            "percent": (after / before - 1.0) * 100.0 if before else float("nan"),
        }

    def source(self) -> str:
        """The source line."""
        return f"Source: {self.citation.text()}"

    def frame(self) -> pd.DataFrame:
        """:attr:`series` with the country's code, for a CSV."""
        return self.series.assign(code=self.code)[["code", "year", WORKING_AGE, "variant"]]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the country, the measure and its unit, the rows and the citation."""
        return {
            "code": self.code,
            "name": self.name,
            "measure": "population aged 15-64",
            "unit": "thousands of persons on 1 July",
            "years": list(self.years),
            "last_estimate": LAST_ESTIMATE,
            "rows": [
                {"year": int(y), WORKING_AGE: float(v), "variant": str(k)}
                for y, v, k in zip(
                    self.series["year"],
                    self.series[WORKING_AGE],
                    self.series["variant"],
                    strict=True,
                )
            ],
            "source": self.source(),
            "citation": self.citation.to_dict(),
        }


@dataclass(frozen=True)
class PopulationTable:
    """Population by age group of several countries in chosen years.

    ``table``: ``code``, ``name``, ``year``, ``variant``, ``pop_total``, ``pop_0_14``,
    ``pop_15_64``, ``pop_65plus`` (thousands of persons on 1 July), in the order of the codes
    asked for, then by year.
    """

    codes: list[str]
    years: list[int]
    table: pd.DataFrame
    citation: Citation

    def source(self) -> str:
        """The source line."""
        return f"Source: {self.citation.text()}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the codes, years, unit, rows and the citation."""
        rows = []
        for rec in self.table.to_dict(orient="records"):
            row: dict[str, Any] = {
                "code": str(rec["code"]),
                "name": str(rec["name"]),
                "year": int(rec["year"]),
                "variant": str(rec["variant"]),
            }
            row.update({col: float(rec[col]) for col in AGE_GROUPS})
            rows.append(row)
        return {
            "codes": self.codes,
            "years": self.years,
            "unit": "thousands of persons on 1 July",
            "columns": AGE_GROUPS,
            "rows": rows,
            "source": self.source(),
            "citation": self.citation.to_dict(),
        }


def _check_year(year: int, parameter: str) -> int:
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise PeriodError(
            f"no population data for {year}",
            where=f"table {TABLE}",
            parameter=parameter,
            fix=f"World Population Prospects 2022 covers {FIRST_YEAR}-{LAST_YEAR} (estimates "
            f"to {LAST_ESTIMATE}, the medium-variant projection after)",
        )
    return int(year)


def _rows(store: Store, codes: list[str], parameter: str) -> pd.DataFrame:
    frame = store.table(TABLE)
    frame["code"] = frame["code"].astype(str)
    frame["variant"] = frame["variant"].astype(str)
    frame = frame[frame["code"].isin(codes)]
    absent = [c for c in codes if c not in set(frame["code"])]
    if absent:
        from powerscope.countries import name_of

        listed = ", ".join(f"{name_of(c)} ({c})" for c in absent)
        raise NotFoundError(
            f"no World Population Prospects data for {listed}",
            where=f"table {TABLE}",
            parameter=parameter,
            fix="choose a country or area the UN estimates (236 of them, and the world as WLD)",
        )
    return frame


def working_age(
    code: str,
    *,
    first: int | None = None,
    last: int | None = None,
    store: Store | None = None,
) -> WorkingAge:
    """The population aged 15-64 of one country by year, estimates then medium projection.

    Parameters
    ----------
    code:
        A country's name or code (``KOR``, ``South Korea``); ``WLD`` for the world.
    first, last:
        The first and last year (default 1950 and 2100; both within 1950-2100).
    store:
        The data store (default: the warehouse, or the embedded snapshot).

    Returns
    -------
    WorkingAge
        ``series``: ``year``, ``pop_15_64`` (thousands of persons on 1 July) and ``variant``
        (``estimates`` to 2021, ``medium`` from 2022), with the citation of United Nations,
        DESA, Population Division (2022), World Population Prospects 2022.

    Raises
    ------
    UnknownEntityError
        A name or code that resolves to no country.
    NotFoundError
        A country the UN does not estimate separately.
    PeriodError
        A year outside 1950-2100, or ``first`` after ``last``.
    """
    start = _check_year(FIRST_YEAR if first is None else first, "first")
    end = _check_year(LAST_YEAR if last is None else last, "last")
    if end < start:
        raise PeriodError(
            f"the period {start}-{end} ends before it starts",
            parameter="last",
            fix="give a last year on or after the first",
        )
    country = resolve(code, parameter="code")
    data = store or open_store()
    frame = _rows(data, [country], "code")
    frame = frame[(frame["year"] >= start) & (frame["year"] <= end)].sort_values("year")
    series = pd.DataFrame(
        {
            "year": frame["year"].astype(int).to_numpy(),
            WORKING_AGE: frame[WORKING_AGE].astype(float).to_numpy(),
            "variant": frame["variant"].to_numpy(),
        }
    )
    from powerscope.countries import name_of

    return WorkingAge(
        code=country, name=name_of(country), series=series, citation=data.citation(DATASET)
    )


def population_table(
    codes: Sequence[str],
    years: Sequence[int] | None = None,
    *,
    store: Store | None = None,
) -> PopulationTable:
    """Population by age group of several countries in the chosen years.

    Parameters
    ----------
    codes:
        Countries' names or codes (duplicates are dropped, the order kept).
    years:
        The years wanted (each within 1950-2100); default every year 1950-2100.
    store:
        The data store (default: the warehouse, or the embedded snapshot).

    Returns
    -------
    PopulationTable
        One row per country and year: ``pop_total``, ``pop_0_14``, ``pop_15_64``,
        ``pop_65plus`` (thousands of persons on 1 July) and the ``variant``.

    Raises
    ------
    UnknownEntityError
        Names or codes that resolve to no country (every one named).
    NotFoundError
        Countries the UN does not estimate separately, or no countries at all.
    PeriodError
        A year outside 1950-2100.
    """
    from powerscope.countries import name_of, resolve_many

    if not list(codes):
        raise NotFoundError(
            "no countries given", parameter="codes", fix="give one or more codes, e.g. KOR,JPN"
        )
    resolved = list(dict.fromkeys(resolve_many([str(c) for c in codes], parameter="codes")))
    wanted = (
        list(range(FIRST_YEAR, LAST_YEAR + 1))
        if years is None
        else sorted({_check_year(y, "years") for y in years})
    )
    data = store or open_store()
    frame = _rows(data, resolved, "codes")
    frame = frame[frame["year"].isin(wanted)]
    order = {c: i for i, c in enumerate(resolved)}
    frame = frame.assign(_order=frame["code"].map(order)).sort_values(["_order", "year"])
    table = pd.DataFrame(
        {
            "code": frame["code"].to_numpy(),
            "name": [name_of(c) for c in frame["code"]],
            "year": frame["year"].astype(int).to_numpy(),
            "variant": frame["variant"].to_numpy(),
        }
    )
    for column in AGE_GROUPS:
        table[column] = frame[column].to_numpy(dtype=np.float64)
    return PopulationTable(
        codes=resolved, years=wanted, table=table, citation=data.citation(DATASET)
    )

"""Research articles by country and field: NSF's National Center for Science and Engineering
Statistics (NCSES), Science and Engineering Indicators 2024, report "Publications Output: U.S.
Trends and International Comparisons" (NSB-2023-33); source data Elsevier's Scopus as tabulated
by NCSES (folder ``ncses_sei2024/``).

``sei2024_articles_by_country_field_2003_2022.csv.gz``
    The report's supplementary tables in one long file: ``ncses_table`` (9968: AI-related
    articles, whole counts; 9970-9984: fractional counts, 9985-9999: whole counts, each for all
    S&E fields and 14 fields), ``field``, ``count_type`` (``fractional`` / ``whole``),
    ``region_path`` (unreliable: a scrape of the tables' indentation, not used), ``entity``,
    ``income_group``, ``year`` (2003-2022), ``value`` (articles).

One table comes out:

``research_articles``
    ``field`` (the report's field names, lower case, e.g. ``all S&E fields``, ``computer and
    information sciences``; AI-related articles as ``AI-related``), ``count_type``
    (``fractional`` or ``whole``), ``code`` (powerscope identity code), ``year`` (int16),
    ``articles`` (float: fractional counts have two decimals).

Counts. A *fractional* count credits each article in equal parts to the countries of its
authors' institutions, so countries sum to the world; a *whole* count credits the whole
article to every country with at least one author, so countries sum to more than the world
(international collaboration counts once per country). NCSES's world total is the number of
articles in both tables. AI-related articles (table 9968) are whole counts only.

Entities. Names are freed of the tables' HTML (``C&#244;te d&#8217;Ivoire``, footnote marks
``<sup>a</sup>``, and the footnote letter glued to a name in table 9968: ``West Banke``) and
resolved through powerscope's identity; an unknown name is an
:class:`~powerscope.errors.UnknownEntityError`. Explicitly:

- kept aggregates (:data:`AGGREGATES`): ``World`` as ``WLD`` (for world shares) and ``EU-27``
  as ``EUU`` (the European Union as a unit of comparison);
- dropped (:data:`DROPPED`): NCSES's regions (North America, Central America and Caribbean,
  South America, Europe, EU-27 and UK, Other Europe, Middle East, Africa, Asia, Australia and
  Oceania), which match no identity aggregate and some of which a name search would mistake
  for a country ("Australia and Oceania" is not Australia), and ``Unassigned`` (articles
  without a country; they are in the world total). Income groups are a column of the file,
  not entities; they are not kept;
- the Gaza Strip and the West Bank, reported apart, are summed as the Palestinian
  territories (``PSE``); for whole counts an article with authors in both is then counted
  twice;
- Serbia and Montenegro (to 2006) is the identity's ``YUG`` (the state continued by Serbia);
  Serbia and Montenegro appear from 2007. The tables hold 0 for the years an entity did not
  exist.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from powerscope.countries import resolve_series
from powerscope.data.catalog import DatasetInfo, Source
from powerscope.data.sources._common import check_columns
from powerscope.data.sources._common import where as _where
from powerscope.errors import DataFormatError

DATASET_ID: Final = "ncses_sei2024"
FOLDER: Final = "ncses_sei2024"
FILE: Final = f"{FOLDER}/sei2024_articles_by_country_field_2003_2022.csv.gz"
FIRST_YEAR: Final = 2003
LAST_YEAR: Final = 2022
AI_FIELD: Final = "AI-related"
COUNT_TYPES: Final = ("fractional", "whole")
#: NCSES aggregates kept, as identity codes
AGGREGATES: Final[dict[str, str]] = {"World": "WLD", "EU-27": "EUU"}
#: NCSES's regions, left out (no identity aggregate matches them)
REGIONS: Final = (
    "North America", "Central America and Caribbean", "South America", "Europe", "EU-27 and UK",
    "EU-27 and United Kingdom", "Other Europe", "Other Europe, 2020", "Middle East", "Africa",
    "Asia", "Australia and Oceania", "Australia/Oceania",
)  # fmt: skip
#: NCSES entities left out, and why
DROPPED: Final[dict[str, str]] = {
    **{name: "NCSES region, no identity aggregate" for name in REGIONS},
    "Unassigned": "articles without a country (in the world total)",
}
#: the footnote letter that table 9968 glues to a name (``West Banke``), and the name
GLUED_NOTES: Final[dict[str, str]] = {"West Banke": "West Bank", "Gaza Stripe": "Gaza Strip"}
_COLUMNS: Final = ("ncses_table", "field", "count_type", "entity", "year", "value")

INFO: Final = DatasetInfo(
    id=DATASET_ID,
    short="NSF NCSES Science and Engineering Indicators 2024",
    publisher="National Center for Science and Engineering Statistics (NCSES), U.S. National "
    "Science Foundation",
    title="Science and Engineering Indicators 2024: Publications Output: U.S. Trends and "
    "International Comparisons (S&E articles by country and field; source data Elsevier Scopus)",
    edition="2024 (NSB-2023-33, December 2023)",
    licence="U.S. Government work, public domain",
    citation=(
        "National Science Board, National Science Foundation (2023). Publications Output: U.S. "
        "Trends and International Comparisons. Science and Engineering Indicators 2024. "
        "NSB-2023-33. Alexandria, VA. Source data: Elsevier, Scopus abstract and citation "
        "database, tabulated by NCSES"
    ),
    url="https://ncses.nsf.gov/pubs/nsb202333",
    files=(FILE,),
    tables=("research_articles",),
    notes=(
        "Articles 2003-2022 in 15 fields and all S&E, fractional and whole counts; AI-related "
        "articles (table 9968), whole counts only. World kept as WLD and the EU-27 as EUU; "
        "NCSES's other regions and the Unassigned articles are left out; Gaza Strip and "
        "West Bank are summed as PSE; Serbia and Montenegro (to 2006) is YUG."
    ),
)


def clean_names(values: pd.Series) -> pd.Series:
    """NCSES entity names without their HTML: entities decoded, footnote marks removed."""
    text = values.astype(str).map(html.unescape)
    text = text.str.replace(r"<sup>.*?</sup>", "", regex=True).str.strip()
    return text.replace(GLUED_NOTES)


def read_articles(path: Path) -> pd.DataFrame:
    """Read the NCSES file into the ``research_articles`` table.

    Returns
    -------
    pandas.DataFrame
        ``field, count_type, code, year, articles``, sorted by field, count type, code, year.

    Raises
    ------
    DataFormatError
        A missing column, an unknown count type, a year outside 2003-2022, a missing or negative
        number of articles, or one field, count, entity and year given twice.
    UnknownEntityError
        An entity name the identity does not know (every one named).
    """
    path = Path(path)
    check_columns(path, _COLUMNS)
    frame = pd.read_csv(path, usecols=list(_COLUMNS), dtype={"entity": str, "field": str})
    count_type = frame["count_type"].astype(str).str.strip()
    year = pd.to_numeric(frame["year"], errors="coerce")
    articles = pd.to_numeric(frame["value"], errors="coerce")
    checks = (
        (~count_type.isin(list(COUNT_TYPES)), "count_type", "fractional or whole"),
        (year.isna() | (year < FIRST_YEAR) | (year > LAST_YEAR), "year",
         f"years from {FIRST_YEAR} to {LAST_YEAR}"),
        (articles.isna() | (articles < 0), "value", "a number of articles >= 0"),
    )  # fmt: skip
    for mask, column, fix in checks:
        bad = np.flatnonzero(mask.to_numpy())
        if len(bad):
            raise DataFormatError(
                f"unexpected {column} '{frame[column].iloc[bad[0]]}'",
                where=_where(path, int(bad[0]) + 2, column),
                fix=f"{column} must be {fix}",
            )
    names = clean_names(frame["entity"])
    keep = ~names.isin(list(DROPPED))
    names = names[keep]
    code = names.map(AGGREGATES)
    countries = code.isna()
    if countries.any():
        code[countries] = resolve_series(
            names[countries], where=_where(path, None, "entity"), scheme="name"
        ).to_numpy()
    out = pd.DataFrame(
        {
            "field": frame.loc[keep, "field"].astype(str).str.strip(),
            "count_type": count_type[keep],
            "code": code.astype(str),
            "year": year[keep].astype(np.int16),
            "articles": articles[keep].astype(np.float64),
            "_name": names,
        }
    )
    keys = ["field", "count_type", "code", "year"]
    twice = out.duplicated([*keys, "_name"])
    if twice.any():
        row = int(out.index[np.flatnonzero(twice.to_numpy())[0]])
        raise DataFormatError(
            f"{frame['entity'].iloc[row]!r} {frame['field'].iloc[row]} "
            f"({frame['count_type'].iloc[row]}) {frame['year'].iloc[row]} is given twice",
            where=_where(path, row + 2, "entity"),
            fix="one row per table, entity and year",
        )
    # names that share a code (Gaza Strip and West Bank as PSE) are summed
    out = out.groupby(keys, as_index=False, sort=True, observed=True)["articles"].sum()
    out["year"] = out["year"].astype(np.int16)
    return out.reset_index(drop=True)


def read(root: Path) -> dict[str, pd.DataFrame]:
    """The ``research_articles`` table from the data directory ``root``."""
    return {"research_articles": read_articles(Path(root) / FILE)}


SOURCE: Final = Source(info=INFO, read=read)
SOURCES: Final[list[Source]] = [SOURCE]

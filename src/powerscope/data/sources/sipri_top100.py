"""SIPRI Arms Industry Database: the Top 100 arms-producing and military services companies,
2002-2022 (retrieved December 2023; files in ``sipri_top100/``).

``SIPRI-Top-100-2002-2022.xlsx``
    One sheet per year (``"2022"``, ``"2010 "``: some names carry a trailing space). Each sheet
    has three preamble rows (title, units, source), a header row, the 100 ranked companies,
    then a rounding note and lettered footnotes. Columns differ between years: the 2002 sheet
    has no previous rank, the 2022 sheet a ``Notes`` column (footnote letters) and a country
    column ``Country (d)``; headers carry footnote marks (``Rank (2022) *Note (b)``) and doubled
    spaces (``Arms Revenue  (2022)``). Columns are found by their header text, not position.
``Total-arms-revenue-SIPRI-Top-100-2002-2022.xlsx``
    The Top 100's total arms revenue per year, in current US$ billion (one sheet; a year row
    and a ``current US$ (billion)`` row).

Two tables come out:

``top100_companies``
    ``year`` (Int16), ``rank`` (Int16), ``previous_rank`` (Int16; <NA> when the company was not
    in the previous year's Top 100, SIPRI's ``-``, and for 2002, whose sheet has no previous
    rank), ``company`` (str), ``code`` (the country of the company's headquarters, powerscope
    identity code), ``arms_revenue`` and ``total_revenue`` (US$ million, current prices;
    ``total_revenue`` <NA> where SIPRI prints ``. .``), ``arms_share`` (arms revenue as % of
    total revenue, 0-100; the workbook gives a fraction) and ``arms_revenue_constant`` (US$
    million at constant prices of :data:`CONSTANT_BASE_YEAR`, from the sheet's constant-price
    column; for the base year itself, the current figure).
``top100_totals``
    ``year`` (Int16), ``arms_revenue_bn`` (the Top 100's total arms revenue, US$ billion,
    current prices, from the totals workbook), ``arms_revenue_constant_bn`` (US$ billion at
    constant prices of ``constant_base_year``: the sum of the companies' constant-price arms
    revenue of that year; the totals workbook gives current prices only), ``constant_base_year``
    (Int16, read from the workbook's headers and notes: "constant (2022) US$") and
    ``china_included`` (bool: False where the sheet's title says "excluding China", 2002-2014;
    SIPRI's note: Chinese companies are included from 2015, when their data were deemed
    reliable enough).

Quirks handled
--------------
- **Names.** Company names are cleaned of footnote marks (a trailing ``(a)``, ``*`` or a lone
  letter after a space) and stray or doubled spaces. Where two years spell one company
  differently only in punctuation, case or spacing, the spelling of its latest year is used
  for every year: in this workbook ``Parker-Hannifin Corp`` (2018) becomes ``Parker-Hannifin
  Corp.``, and ``SNECMA Groupe`` (2002-2003) becomes ``Snecma Groupe``. Renamed or restructured
  companies keep the name of each year (``Samsung Techwin`` -> ``Hanwha Techwin`` -> ``Hanwha
  Aerospace``; ``EADS`` -> ``Airbus Group`` -> ``Airbus``; ``Dassault Aviation Group`` /
  ``Groupe`` differ by a word and are kept apart): SIPRI lists names "as they were at the end
  of the financial year". The merges are listed in ``frame.attrs["merged_names"]``.
- **Countries.** SIPRI's country is where the company's ownership and control are located (its
  headquarters). ``Trans-European`` (Airbus/EADS, MBDA, KNDS, CNH Industrial: ownership and
  control in more than one European country) is the identity's aggregate ``EUR-TRANS``: its
  revenue is not attributed to any one country.
- ``. .`` (not available) is <NA>; an arms revenue that is not a number is an error.
- **Totals.** The totals workbook's figure equals the sum of the year's 100 companies in every
  year except 2021 (workbook 599.795, companies 604.91 US$ bn): both are SIPRI's, and a share
  of the Top 100 (:mod:`powerscope.industry`) is taken of the companies' sum, so that shares
  add up to 100%.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from powerscope.countries import resolve_series
from powerscope.data.catalog import DatasetInfo, Source
from powerscope.data.sources.sipri import LICENCE, PUBLISHER
from powerscope.errors import DataFormatError

DATASET_ID: Final = "sipri_top100"
FOLDER: Final = "sipri_top100"
COMPANIES_FILE: Final = f"{FOLDER}/SIPRI-Top-100-2002-2022.xlsx"
TOTALS_FILE: Final = f"{FOLDER}/Total-arms-revenue-SIPRI-Top-100-2002-2022.xlsx"
#: the base year of the workbook's constant prices ("constant (2022) US$")
CONSTANT_BASE_YEAR: Final = 2022
#: the identity code of SIPRI's "Trans-European" companies
TRANS_EUROPEAN: Final = "EUR-TRANS"

COMPANY_COLUMNS: Final = (
    "year", "rank", "previous_rank", "company", "code", "arms_revenue", "total_revenue",
    "arms_share", "arms_revenue_constant",
)  # fmt: skip
TOTAL_COLUMNS: Final = (
    "year", "arms_revenue_bn", "arms_revenue_constant_bn", "constant_base_year", "china_included",
)  # fmt: skip

_NOT_AVAILABLE: Final = {". .", "..", ".", "", "-", "\u2013", "n/a"}
_MARK = re.compile(r"(?:\s*\(\s*[a-z]{1,2}\s*\)|\s*\*+|\s+[a-z])\s*$")
_CONSTANT = re.compile(r"constant \(?(\d{4})\)? (?:prices|us\$)")

INFO: Final = DatasetInfo(
    id=DATASET_ID,
    short="SIPRI Top 100 arms companies (Dec 2023)",
    publisher=PUBLISHER,
    title="SIPRI Arms Industry Database: Top 100 arms-producing and military services companies",
    edition="retrieved December 2023, data 2002-2022",
    licence=LICENCE,
    citation="SIPRI Arms Industry Database, Stockholm International Peace Research Institute, "
    "December 2023, https://www.sipri.org/databases/armsindustry",
    url="https://www.sipri.org/databases/armsindustry",
    files=(COMPANIES_FILE, TOTALS_FILE),
    tables=("top100_companies", "top100_totals"),
    notes=(
        "Arms revenue and total revenue in US$ million at current prices (constant 2022 US$ "
        "from the workbook's constant-price columns). Chinese companies are excluded in "
        "2002-2014 (included from 2015, SIPRI's note). A company's country is that of its "
        "headquarters; Trans-European companies (Airbus, MBDA, KNDS) are coded EUR-TRANS. "
        "Names are cleaned of footnote marks; spellings differing only in punctuation, case "
        "or spacing are merged (latest spelling). The 2021 total of the totals workbook "
        "(599.795 bn) differs from the sum of the 2021 ranking (604.91 bn)."
    ),
)


def _text(value: Any) -> str:
    """A cell as one-line text: whitespace runs collapsed, stripped."""
    return " ".join(str(value).split()) if value is not None else ""


def clean_name(value: Any) -> str:
    """A company name without footnote marks and stray spaces: ``"Hanwha Aerospace (j) "`` ->
    ``"Hanwha Aerospace"``, ``"BAE Systems*"`` -> ``"BAE Systems"``."""
    text = _text(value)
    while True:
        stripped = _MARK.sub("", text).strip()
        if stripped == text or not stripped:
            return text
        text = stripped


def name_key(name: str) -> str:
    """What two spellings of one company share: lower case, letters and digits only
    (``"Parker-Hannifin Corp"`` and ``"Parker-Hannifin Corp."`` -> ``"parkerhannifincorp"``)."""
    return re.sub(r"[\W_]+", "", name.casefold())


def _open(path: Path) -> Any:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.is_file():
        raise DataFormatError(
            "file not found", where=str(path), fix="point the data directory at the SIPRI files"
        )
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException) as exc:
        raise DataFormatError(
            f"cannot read the workbook: {exc}",
            where=path.name,
            fix="pass SIPRI's Top 100 workbooks (.xlsx) as published",
        ) from exc


def _number(value: Any, where: str, *, required: bool) -> float:
    """A numeric cell; SIPRI's ``. .`` is NaN (an error when ``required``)."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float) and np.isfinite(value):
        return float(value)
    text = _text(value)
    if text in _NOT_AVAILABLE and not required:
        return float("nan")
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        number = float("nan")
    if np.isfinite(number):
        return number
    raise DataFormatError(
        f"{value!r} is not a number",
        where=where,
        fix="the cell must be a number" + ("" if required else " or '. .' when not available"),
    )


def _find(header: list[str], pattern: str, where: str, *, required: bool = True) -> int | None:
    found = [i for i, h in enumerate(header) if re.fullmatch(pattern, h)]
    if not found:
        if not required:
            return None
        raise DataFormatError(
            f"no column matching {pattern!r}; header {[h for h in header if h]}",
            where=where,
            fix="use the SIPRI Top 100 workbook with its columns",
        )
    return found[0]


def _read_sheet(sheet: Any, file: str) -> tuple[pd.DataFrame, int | None, bool]:
    """One year's ranking: its rows, the constant-price base year named in its header (None
    when it has no constant column of that year) and whether Chinese companies are included."""
    year_text = _text(sheet.title)
    rows = list(sheet.iter_rows(values_only=True))
    sheet_where = f"{file} sheet {sheet.title!r}"
    if not re.fullmatch(r"\d{4}", year_text):
        raise DataFormatError(
            f"sheet {sheet.title!r} is not named by a year",
            where=file,
            fix="each sheet of the workbook is one year's ranking, named by the year",
        )
    year = int(year_text)
    head = next(
        (i for i, r in enumerate(rows[:20]) if r and _text(r[0]).lower().startswith("rank")), None
    )
    if head is None:
        raise DataFormatError(
            "no header row starting with 'Rank' in the first 20 rows",
            where=sheet_where,
            fix="use the SIPRI Top 100 workbook as published",
        )
    title = " ".join(_text(c) for r in rows[:head] for c in r if c is not None).lower()
    header = [_text(h).lower() for h in rows[head]]
    y, p = year, year - 1
    at = f"{sheet_where} row {head + 1}"
    col = {
        "rank": _find(header, rf"rank \({y}\).*", at),
        "previous_rank": _find(header, rf"rank \({p}\).*", at, required=False),
        "company": _find(header, r"company.*", at),
        "country": _find(header, r"country.*", at),
        "arms_revenue": _find(header, rf"arms revenue \({y}\).*", at),
        "total_revenue": _find(header, rf"total revenue \({y}\).*", at),
        "arms_share": _find(header, rf"arms revenue as a % of total revenue \({y}\).*", at),
        "constant": _find(header, rf"arms revenue {y} \(constant.*", at, required=False),
    }
    bases = {int(m) for h in header for m in _CONSTANT.findall(h)}
    if len(bases) > 1:
        raise DataFormatError(
            f"constant prices of several base years {sorted(bases)}",
            where=at,
            fix="one base year per sheet",
        )
    base = bases.pop() if bases else None
    records: list[dict[str, Any]] = []
    for offset, row in enumerate(rows[head + 1 :], start=head + 2):
        first = row[0] if row else None
        if not isinstance(first, int | float) or isinstance(first, bool):
            if records:
                break  # the notes under the table
            continue
        cell = f"{sheet_where} row {offset}"

        def get(key: str, row: Sequence[Any] = row) -> Any:
            index = col[key]
            return row[index] if index is not None and index < len(row) else None

        company = clean_name(get("company"))
        country = _text(get("country"))
        if not company or not country:
            raise DataFormatError(
                "a ranked row without company or country",
                where=cell,
                fix="every ranked company needs its name and country",
            )
        previous = get("previous_rank")
        records.append(
            {
                "year": year,
                "rank": int(_number(first, f"{cell}, column 'rank'", required=True)),
                "previous_rank": _number(previous, f"{cell}, previous rank", required=False),
                "company": company,
                "country": country,
                "arms_revenue": _number(
                    get("arms_revenue"), f"{cell}, arms revenue", required=True
                ),
                "total_revenue": _number(
                    get("total_revenue"), f"{cell}, total revenue", required=False
                ),
                "arms_share": _number(get("arms_share"), f"{cell}, arms share", required=False),
                "arms_revenue_constant": _number(
                    get("constant"), f"{cell}, constant arms revenue", required=False
                ),
                "_where": cell,
            }
        )
    if not records:
        raise DataFormatError(
            "no ranked companies under the header", where=sheet_where, fix="a sheet per year"
        )
    return pd.DataFrame(records), base, "excluding china" not in title


def _merge_spellings(companies: pd.DataFrame) -> tuple[pd.Series, list[dict[str, Any]]]:
    """One spelling per company: the latest year's, for names that differ only in
    punctuation, case or spacing."""
    key = companies["company"].map(name_key)
    latest = (
        companies.assign(_key=key)
        .sort_values(["year", "rank"], ascending=[False, True], kind="stable")
        .drop_duplicates("_key")
        .set_index("_key")["company"]
    )
    canonical = key.map(latest)
    merged = []
    changed = companies["company"] != canonical
    for (was, now), part in companies[changed].groupby([companies["company"], canonical]):
        merged.append({"from": was, "to": now, "years": sorted(int(y) for y in part["year"])})
    return canonical, merged


def read_companies(path: Path | str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the Top 100 workbook: the ``top100_companies`` table, and per year the constant
    base year and whether Chinese companies are included (``year, constant_base_year,
    china_included, arms_revenue_constant_bn``).

    Raises
    ------
    DataFormatError
        An unreadable workbook, a sheet not named by a year, a missing column, a non-numeric
        rank or arms revenue (naming sheet and row), two rows of one company in one year, or
        constant prices of another base year than :data:`CONSTANT_BASE_YEAR`.
    UnknownEntityError
        A country the identity does not know (``Trans-European`` is ``EUR-TRANS``).
    """
    path = Path(path)
    book = _open(path)
    try:
        parts, meta = [], []
        for sheet in book.worksheets:
            frame, base, china = _read_sheet(sheet, path.name)
            parts.append(frame)
            meta.append({"year": int(frame["year"].iloc[0]), "base": base, "china": china})
    finally:
        book.close()
    companies = pd.concat(parts, ignore_index=True)
    bases = {m["base"] for m in meta if m["base"] is not None}
    if bases - {CONSTANT_BASE_YEAR}:
        raise DataFormatError(
            f"constant prices of {sorted(bases)}, where powerscope reads constant "
            f"{CONSTANT_BASE_YEAR} US$",
            where=path.name,
            fix=f"use the workbook in constant {CONSTANT_BASE_YEAR} US$, or update "
            "CONSTANT_BASE_YEAR with the new edition",
        )
    # the base year's own figures are in current = constant prices
    base_year = companies["year"] == CONSTANT_BASE_YEAR
    companies.loc[base_year, "arms_revenue_constant"] = companies.loc[base_year, "arms_revenue"]
    codes = resolve_series(
        companies["country"],
        where=f"{path.name}, column 'Country'",
    )
    companies["code"] = codes
    companies["company"], merged = _merge_spellings(companies)
    dup = companies.duplicated(["year", "company"], keep=False)
    if dup.any():
        first = companies[dup].iloc[0]
        raise DataFormatError(
            f"{first['company']!r} is ranked twice in {first['year']}",
            where=str(first["_where"]),
            fix="one row per company and year",
        )
    out = pd.DataFrame(
        {
            "year": companies["year"].astype("Int16"),
            "rank": companies["rank"].astype("Int16"),
            "previous_rank": pd.array(companies["previous_rank"].round().to_numpy(), dtype="Int16"),
            "company": companies["company"].astype(str),
            "code": companies["code"].astype(str),
            "arms_revenue": companies["arms_revenue"].astype("float64"),
            "total_revenue": companies["total_revenue"].astype("float64"),
            # to 0.001 percentage point and US$ 10,000: the workbook's figures are rounded to
            # US$ 10 million; more digits are noise (and weigh in the snapshot)
            "arms_share": (companies["arms_share"] * 100.0).round(3).astype("float64"),
            "arms_revenue_constant": companies["arms_revenue_constant"].round(2).astype("float64"),
        }
    )
    out = out.sort_values(["year", "rank"], kind="stable").reset_index(drop=True)
    out.attrs["merged_names"] = merged
    by_year = pd.DataFrame(
        {
            "year": [m["year"] for m in meta],
            "constant_base_year": CONSTANT_BASE_YEAR,
            "china_included": [m["china"] for m in meta],
        }
    )
    constant = out.groupby("year")["arms_revenue_constant"].agg(
        lambda s: s.sum() / 1000.0 if s.notna().all() else np.nan
    )
    by_year["arms_revenue_constant_bn"] = by_year["year"].map(
        {int(k): float(v) for k, v in constant.items()}
    )
    return out, by_year.sort_values("year").reset_index(drop=True)


def read_totals(path: Path | str) -> pd.DataFrame:
    """Read the totals workbook: ``year``, ``arms_revenue_bn`` (US$ billion, current).

    Raises
    ------
    DataFormatError
        An unreadable workbook, no row of years or no ``current US$`` row, or a total that is
        not a number.
    """
    path = Path(path)
    book = _open(path)
    try:
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    years_at = next(
        (
            i
            for i, r in enumerate(rows)
            if sum(isinstance(v, int) and 1900 < v < 2100 for v in r) >= 2
        ),
        None,
    )
    current_at = next(
        (i for i, r in enumerate(rows) if r and _text(r[0]).lower().startswith("current us$")),
        None,
    )
    if years_at is None or current_at is None:
        raise DataFormatError(
            "no row of years or no 'current US$ (billion)' row",
            where=path.name,
            fix="use SIPRI's Total arms revenue workbook as published",
        )
    out = []
    for column, year in enumerate(rows[years_at]):
        if isinstance(year, int) and not isinstance(year, bool) and 1900 < year < 2100:
            value = rows[current_at][column] if column < len(rows[current_at]) else None
            where = f"{path.name} row {current_at + 1}, column {column + 1} ({year})"
            out.append({"year": year, "arms_revenue_bn": _number(value, where, required=True)})
    return pd.DataFrame(out)


def read(root: Path) -> dict[str, pd.DataFrame]:
    """Both Top 100 tables from the data directory ``root``.

    Raises
    ------
    DataFormatError
        As the two readers, and when the two workbooks cover different years.
    """
    root = Path(root)
    companies, by_year = read_companies(root / COMPANIES_FILE)
    totals = read_totals(root / TOTALS_FILE)
    ranked, summed = set(by_year["year"]), set(totals["year"])
    if ranked != summed:
        raise DataFormatError(
            f"the workbooks cover different years: rankings {min(ranked)}-{max(ranked)}, "
            f"totals {min(summed)}-{max(summed)}",
            where=f"{COMPANIES_FILE} and {TOTALS_FILE}",
            fix="use the two workbooks of one SIPRI release",
        )
    table = totals.merge(by_year, on="year", how="left")
    table = pd.DataFrame(
        {
            "year": table["year"].astype("Int16"),
            "arms_revenue_bn": table["arms_revenue_bn"].astype("float64"),
            "arms_revenue_constant_bn": table["arms_revenue_constant_bn"].astype("float64"),
            "constant_base_year": table["constant_base_year"].astype("Int16"),
            "china_included": table["china_included"].astype(bool),
        }
    )
    return {
        "top100_companies": companies,
        "top100_totals": table.sort_values("year").reset_index(drop=True),
    }


SOURCE: Final = Source(info=INFO, read=read)
SOURCES: Final[list[Source]] = [SOURCE]

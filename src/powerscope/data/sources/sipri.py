"""Readers for three SIPRI datasets: the arms-transfers trade register, the TIV tables and milex.

Sources (Stockholm International Peace Research Institute, SIPRI):

- *SIPRI Arms Transfers Database*, trade register of all deals in major conventional weapons,
  1950-2024, generated 13 March 2025 (``sipri_arms/trade-register_all_1950-2024_gen2025-03-13.
  csv.gz``) -> table ``sipri_trade_register``, one row per deal.
- *SIPRI Arms Transfers Database*, TIV tables by supplier x recipient x year, 1950-2021 (2022
  edition), as published in a public re-shaping (``sipri_arms/lajh87_export_tiv.csv.gz`` and
  ``lajh87_import_tiv.csv.gz``) -> table ``sipri_tiv``.
- *SIPRI Military Expenditure Database*, April 2025 release, 1949-2024, as a long table of the
  official workbook (``sipri_milex/sipri_milex_long_1949-2024.csv.gz``) -> table ``sipri_milex``.

Every table is keyed by powerscope codes (:func:`powerscope.countries.resolve_series`): ISO3
for countries, ``SUN``/``DDR``/``CSK``/``YUG``/``RVN``/``YMD`` for historical states, ``NSA-...``
for SIPRI's non-state actors (names marked ``*``), ``ORG-...`` for international organisations
(``**``) and ``UNKNOWN`` for SIPRI's "unknown supplier(s)/recipient(s)".

Units: SIPRI trend-indicator values (TIV) are in **millions of TIV**, SIPRI's volume unit for
transfers of major arms (not money; a second-hand weapon counts 40% of a new one, a refurbished
one 66%). Military expenditure is in **US$ millions** (constant 2023 or current prices), per
capita in current US$, shares as **fractions** (0.026 = 2.6%), local currency in units of the
present-day currency.

Quirks handled
--------------
Trade register:

- 11 preamble lines precede the header; the header is located by its column names (within the
  first 50 lines), so a longer or shorter preamble still reads. The file is ISO-8859-1.
- Three uncertainty-flag columns have a blank header (``" "``): each is the column right after
  ``Year of order``, ``Number ordered`` and ``Number delivered``; ``"?"`` means uncertain.
- Some rows are broken by a line break inside ``Comments`` (4 rows in the 2025-03-13 file, at
  lines 5432, 21488, 25178 and 27955; two of the breaks are ``\\r\\n``): the first fragment ends
  in the Comments field with fewer than 16 fields and the next physical line carries the rest.
  Such fragments are re-joined (the comment text joined with a space) when the first fragment
  ends exactly in the Comments column and the joined row has exactly the header's number of
  fields; otherwise a :class:`~powerscope.errors.DataFormatError` names the lines. The recovered
  deals are listed in ``frame.attrs["recovered_rows"]`` (``deal_id``, ``lines``) and logged.
  So the file's 29,519 data lines give 29,515 deals.
- ``Year(s) of delivery`` is a ``"; "``-separated list of years (empty when nothing has been
  delivered); it is normalised to ``"2018;2019"`` (sorted, without duplicates) and counted in
  ``n_delivery_years``.
- ``Number ordered`` is empty when SIPRI does not know it (280 deals): missing, not zero. A TIV
  of delivered weapons of ``0`` means between 0 and 0.5 million TIV.

TIV tables (2022 edition, 1950-2021):

- Each file is a set of queries: the first column is the queried country (``Export_From`` in
  the export file, ``Import_To`` in the import file), the second the partner. ``Year == "Total"``
  and partner ``"Total"`` rows are totals and are dropped (derivable by summing).
- The query ``"All"`` (all countries) is mislabelled: in the export file, ``All, <X>`` rows are
  the exports *of* X to all recipients (not imports of X), and in the import file the imports
  of X from all suppliers. They equal the sums of the bilateral flows up to rounding (max 7
  TIV) and are dropped.
- The bilateral flows of the export file and of the import file are the same 22,223
  supplier-recipient-year values, identical to the unit; :func:`read_tiv_tables` reads both
  and raises if they ever disagree, then keeps one copy.
- Names differ from the 2025 register (``Turkey`` vs ``Turkiye``, ``Yemen Arab Republic`` vs
  ``Yemen Arab Republic (North Yemen)``, ``Unknown supplier(s)`` capitalised) but resolve to the
  same codes. Several names resolve to one code (``Yemen``/``North Yemen``/``Yemen Arab
  Republic`` -> ``YEM``, ``Libya GNC`` -> ``LBY``): their flows are summed per code and year.

Military expenditure:

- Country names with commas are quoted (``"Korea, South"``, ``"Congo, DR"``): read with a CSV
  parser, never split on commas. The file is UTF-8 (``Türkiye``).
- In SIPRI's current-US$ sheet, years without a market exchange rate (USSR/Russia to 1992,
  GDR, Czechoslovakia, North Korea, Taiwan 1976-87...) and years of long-redenominated
  currencies (Argentina 1949-61) show ``0`` although spending in local currency is positive.
  Those 248 zeros are read as missing. A ``0`` with zero local spending (Costa Rica, Iceland,
  Panama...: no armed forces) is a real zero and kept.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from powerscope.countries import resolve_series
from powerscope.data.catalog import DatasetInfo, Source
from powerscope.errors import DataFormatError

log = logging.getLogger(__name__)

TRADE_REGISTER_FILE = "sipri_arms/trade-register_all_1950-2024_gen2025-03-13.csv.gz"
EXPORT_TIV_FILE = "sipri_arms/lajh87_export_tiv.csv.gz"
#: The edition of SIPRI's TIV tables that the TIV files re-shape (data 1950-2021).
TIV_EDITION = "2022"
IMPORT_TIV_FILE = "sipri_arms/lajh87_import_tiv.csv.gz"
MILEX_FILE = "sipri_milex/sipri_milex_long_1949-2024.csv.gz"

PUBLISHER = "Stockholm International Peace Research Institute (SIPRI)"
LICENCE = (
    "SIPRI terms of use: the data are free to use for non-commercial purposes with attribution "
    "to SIPRI (cite the database); commercial use needs SIPRI's permission"
)

# --------------------------------------------------------------------------------------------
# Trade register
# --------------------------------------------------------------------------------------------

#: Named columns of the trade register, in file order.
REGISTER_COLUMNS: tuple[str, ...] = (
    "Recipient",
    "Supplier",
    "Year of order",
    "Number ordered",
    "Weapon designation",
    "Weapon description",
    "Number delivered",
    "Year(s) of delivery",
    "status",
    "Comments",
    "SIPRI TIV per unit",
    "SIPRI TIV for total order",
    "SIPRI TIV of delivered weapons",
)
#: Named columns followed by an unnamed uncertainty-flag column ("?" = uncertain).
FLAGGED_COLUMNS: tuple[str, ...] = ("Year of order", "Number ordered", "Number delivered")

REGISTER_OUTPUT_COLUMNS: tuple[str, ...] = (
    "deal_id",
    "recipient_code",
    "supplier_code",
    "recipient",
    "supplier",
    "order_year",
    "order_year_uncertain",
    "number_ordered",
    "number_ordered_uncertain",
    "designation",
    "description",
    "number_delivered",
    "number_delivered_uncertain",
    "delivery_years",
    "n_delivery_years",
    "status",
    "comments",
    "tiv_per_unit",
    "tiv_order",
    "tiv_delivered",
)

_HEADER_SEARCH_LINES = 50
_YEAR_LIST = re.compile(r"^\d{4}(?:\s*;\s*\d{4})*$")


def _read_text(path: Path, encoding: str) -> str:
    """Whole text of a (possibly gzipped) file, line endings untouched."""
    if not path.exists():
        raise DataFormatError(
            "file not found",
            where=str(path),
            fix="point the data directory at a copy of the SIPRI files (see data/README)",
        )
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding=encoding, newline="") as handle:
                return handle.read()
        return path.read_text(encoding=encoding, errors="strict")
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise DataFormatError(
            f"cannot read file: {exc}",
            where=str(path),
            fix=f"provide the file as published (text, {encoding}, optionally gzipped)",
        ) from exc


def _lines_note(lines: Sequence[int], limit: int = 5) -> str:
    shown = ", ".join(str(n) for n in lines[:limit])
    more = f" and {len(lines) - limit} more" if len(lines) > limit else ""
    return f"line {shown}{more}" if len(lines) == 1 else f"lines {shown}{more}"


def _numeric(
    values: pd.Series,
    lines: np.ndarray,
    *,
    file: str,
    column: str,
    integer: bool = False,
) -> pd.Series:
    """Parse a column of stripped strings as numbers; empty -> missing; anything else -> error."""
    text = values.astype(str)
    empty = text.eq("")
    parsed = pd.to_numeric(text.where(~empty), errors="coerce")
    bad = (parsed.isna() & ~empty) | np.isinf(parsed)
    if integer:
        bad |= parsed.notna() & (parsed % 1 != 0)
    if bad.any():
        positions = np.flatnonzero(bad.to_numpy())
        first = positions[0]
        raise DataFormatError(
            f"value {text.iloc[first]!r} in column '{column}' is not a "
            f"{'whole number' if integer else 'number'}",
            where=f"{file} {_lines_note([int(lines[p]) for p in positions])}, column '{column}'",
            fix="the value must be a number (or empty when unknown)",
        )
    return parsed


def _flag(values: pd.Series, lines: np.ndarray, *, file: str, after: str) -> pd.Series:
    text = values.astype(str)
    bad = ~text.isin(["", "?"])
    if bad.any():
        positions = np.flatnonzero(bad.to_numpy())
        raise DataFormatError(
            f"uncertainty flag after '{after}' must be '?' or empty, "
            f"not {text.iloc[positions[0]]!r}",
            where=f"{file} {_lines_note([int(lines[p]) for p in positions])}, "
            f"flag column after '{after}'",
            fix="check that the columns are in SIPRI's trade-register order",
        )
    return text.eq("?")


def _locate_header(rows: list[list[str]], file: str) -> int:
    """Index of the header row: the first early row naming at least 3 expected columns."""
    wanted = set(REGISTER_COLUMNS)
    for index, row in enumerate(rows[:_HEADER_SEARCH_LINES]):
        if len(wanted.intersection(field.strip() for field in row)) >= 3:
            return index
    raise DataFormatError(
        f"no header line naming the trade-register columns ({', '.join(REGISTER_COLUMNS[:3])}, "
        "...) in the first 50 lines",
        where=file,
        fix="use a trade register exported from the SIPRI Arms Transfers Database as CSV",
    )


def _column_index(header: list[str], file: str, line: int) -> dict[str, int]:
    """Position of each named column; check the unnamed flag columns follow their columns."""
    where = f"{file} line {line} (header)"
    fix = (
        "use a trade register exported from the SIPRI Arms Transfers Database with all its columns"
    )
    index: dict[str, int] = {}
    for name in REGISTER_COLUMNS:
        if name not in header:
            raise DataFormatError(f"missing column '{name}'", where=where, fix=fix)
        index[name] = header.index(name)
    for name in FLAGGED_COLUMNS:
        at = index[name] + 1
        if at >= len(header) or header[at] != "":
            raise DataFormatError(
                f"missing the unnamed uncertainty-flag column after '{name}'", where=where, fix=fix
            )
    return index


def _split_records(
    text: str, file: str
) -> tuple[dict[str, int], list[list[str]], list[int], list[tuple[int, ...]]]:
    """Column positions, records, each record's first line, and the line spans of re-joined
    records. Broken rows are re-joined here (see the module docstring)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    physical: list[tuple[int, list[str]]] = []
    previous = 0
    for fields in reader:
        physical.append((previous + 1, fields))
        previous = reader.line_num
    head = _locate_header([fields for _, fields in physical], file)
    header = [field.strip() for field in physical[head][1]]
    index = _column_index(header, file, physical[head][0])
    width = len(header)
    comments_at = index["Comments"]

    records: list[list[str]] = []
    starts: list[int] = []
    joined: list[tuple[int, ...]] = []
    pending: list[str] | None = None
    pending_lines: list[int] = []

    def unrecoverable(lines: list[int], why: str) -> DataFormatError:
        return DataFormatError(
            f"broken row that cannot be re-joined: {why}",
            where=f"{file} {_lines_note(lines, limit=10)}",
            fix="repair the row by hand (one deal per line, "
            f"{width} comma-separated fields) or export the register again from SIPRI",
        )

    for line, fields in physical[head + 1 :]:
        if pending is None:
            if not fields or fields == [""]:
                continue  # blank line (e.g. at the end of the file)
            if len(fields) == width:
                records.append(fields)
                starts.append(line)
                continue
            if len(fields) > width:
                raise unrecoverable([line], f"{len(fields)} fields where the header has {width}")
            if len(fields) - 1 != comments_at:
                raise unrecoverable(
                    [line],
                    f"{len(fields)} fields where the header has {width}, and the row does not "
                    "break inside 'Comments'",
                )
            pending, pending_lines = fields, [line]
            continue
        # Continue a row broken inside Comments: the fragment's first field is more comment text.
        pending_lines.append(line)
        fragment = fields or [""]
        pending[-1] = f"{pending[-1].rstrip()} {fragment[0].lstrip()}".strip()
        pending.extend(fragment[1:])
        if len(pending) == width:
            records.append(pending)
            starts.append(pending_lines[0])
            joined.append(tuple(pending_lines))
            pending, pending_lines = None, []
        elif len(pending) > width:
            raise unrecoverable(
                pending_lines,
                f"joining the lines gives {len(pending)} fields where the header has {width}",
            )
        elif len(pending) - 1 != comments_at:
            raise unrecoverable(
                pending_lines, "the continuation line does not complete the 'Comments' field"
            )
    if pending is not None:
        raise unrecoverable(pending_lines, "the file ends inside a broken row")
    return index, records, starts, joined


def _delivery_years(values: pd.Series, lines: np.ndarray, file: str) -> tuple[pd.Series, pd.Series]:
    """Normalise "2018; 2019" to "2018;2019" (sorted, unique) and count the years."""
    column = "Year(s) of delivery"
    normalised: dict[str, str | None] = {}
    for value in pd.unique(values):
        if value == "":
            normalised[value] = None
        elif _YEAR_LIST.match(value):
            normalised[value] = ";".join(sorted({y.strip() for y in value.split(";")}))
    bad = ~values.isin(list(normalised))
    if bad.any():
        positions = np.flatnonzero(bad.to_numpy())
        raise DataFormatError(
            f"unparseable list of delivery years {values.iloc[positions[0]]!r}",
            where=f"{file} {_lines_note([int(lines[p]) for p in positions])}, column '{column}'",
            fix="the value must be 4-digit years separated by '; ' (or empty)",
        )
    years = values.map(normalised).astype("string")
    counts = years.str.count(";").add(1).fillna(0).astype("Int16")
    return years, counts


def read_trade_register(path: Path | str) -> pd.DataFrame:
    """Read the SIPRI Arms Transfers Database trade register.

    Source: SIPRI Arms Transfers Database, Stockholm International Peace Research Institute,
    trade register CSV export (all suppliers, all recipients), e.g.
    ``trade-register_all_1950-2024_gen2025-03-13.csv.gz`` (ISO-8859-1, optionally gzipped).
    Rows broken by line breaks inside ``Comments`` are re-joined (see the module docstring).

    Parameters
    ----------
    path:
        The trade-register CSV file (``.csv`` or ``.csv.gz``).

    Returns
    -------
    pandas.DataFrame
        Table ``sipri_trade_register``, one row per deal in file order:

        - ``deal_id`` (int64): 0-based row order in the file;
        - ``recipient_code``, ``supplier_code`` (string): powerscope codes;
        - ``recipient``, ``supplier`` (string): the names as in the file;
        - ``order_year`` (Int16), ``order_year_uncertain`` (bool);
        - ``number_ordered`` (Int64, missing when unknown), ``number_ordered_uncertain`` (bool);
        - ``designation``, ``description`` (string): weapon designation and description;
        - ``number_delivered`` (Int64), ``number_delivered_uncertain`` (bool);
        - ``delivery_years`` (string, e.g. ``"2018;2019"``, missing if none delivered) and
          ``n_delivery_years`` (Int16);
        - ``status`` (string: ``New``, ``Second hand``, ``Second hand but modernized``);
        - ``comments`` (string, missing if empty);
        - ``tiv_per_unit``, ``tiv_order``, ``tiv_delivered`` (float64): SIPRI TIV per unit, for
          the total order and of the weapons delivered, in **millions of TIV**.

        ``attrs["recovered_rows"]`` lists the re-joined broken rows as
        ``{"deal_id": int, "lines": [first, ..., last]}`` (1-based file lines).

    Raises
    ------
    DataFormatError
        Missing column (naming the column and file), non-numeric TIV, year or number (naming
        the file line and column), unparseable delivery-year list, or a broken row that cannot
        be re-joined (naming its lines).
    UnknownEntityError
        A recipient or supplier name that resolves to no powerscope code.
    """
    path = Path(path)
    file = path.name
    index, records, starts, joined = _split_records(_read_text(path, "iso-8859-1"), file)

    lines = np.asarray(starts, dtype=np.int64)
    # One stripped column of strings per header column (records all have len(header) fields).
    columns = [
        pd.Series([value.strip() for value in column], dtype=object)
        for column in (zip(*records, strict=True) if records else [()] * (max(index.values()) + 2))
    ]

    def col(name: str, offset: int = 0) -> pd.Series:
        return columns[index[name] + offset]

    def number(name: str, *, integer: bool) -> pd.Series:
        return _numeric(col(name), lines, file=file, column=name, integer=integer)

    def text(name: str) -> pd.Series:
        return col(name).astype("string")

    recipient = text("Recipient")
    supplier = text("Supplier")
    delivery_years, n_delivery_years = _delivery_years(col("Year(s) of delivery"), lines, file)
    comments = text("Comments")
    frame = pd.DataFrame(
        {
            "deal_id": np.arange(len(records), dtype=np.int64),
            "recipient_code": resolve_series(
                recipient.astype(object), where=f"{file}, column 'Recipient'"
            ).astype("string"),
            "supplier_code": resolve_series(
                supplier.astype(object), where=f"{file}, column 'Supplier'"
            ).astype("string"),
            "recipient": recipient,
            "supplier": supplier,
            "order_year": number("Year of order", integer=True).astype("Int16"),
            "order_year_uncertain": _flag(
                col("Year of order", 1), lines, file=file, after="Year of order"
            ),
            "number_ordered": number("Number ordered", integer=True).astype("Int64"),
            "number_ordered_uncertain": _flag(
                col("Number ordered", 1), lines, file=file, after="Number ordered"
            ),
            "designation": text("Weapon designation"),
            "description": text("Weapon description"),
            "number_delivered": number("Number delivered", integer=True).astype("Int64"),
            "number_delivered_uncertain": _flag(
                col("Number delivered", 1), lines, file=file, after="Number delivered"
            ),
            "delivery_years": delivery_years,
            "n_delivery_years": n_delivery_years,
            "status": text("status"),
            "comments": comments.mask(comments.eq("")),
            "tiv_per_unit": number("SIPRI TIV per unit", integer=False).astype("float64"),
            "tiv_order": number("SIPRI TIV for total order", integer=False).astype("float64"),
            "tiv_delivered": number("SIPRI TIV of delivered weapons", integer=False).astype(
                "float64"
            ),
        },
        columns=list(REGISTER_OUTPUT_COLUMNS),
    )
    start_to_deal = {line: deal for deal, line in enumerate(starts)}
    recovered = [{"deal_id": start_to_deal[span[0]], "lines": list(span)} for span in joined]
    for item in recovered:
        log.info("%s: re-joined deal %s broken over lines %s", file, item["deal_id"], item["lines"])
    frame.attrs["recovered_rows"] = recovered
    return frame


# --------------------------------------------------------------------------------------------
# TIV tables (2022 edition)
# --------------------------------------------------------------------------------------------

TIV_COLUMNS: tuple[str, ...] = ("Export_From", "Import_To", "Year", "TIV")
TIV_OUTPUT_COLUMNS: tuple[str, ...] = ("supplier_code", "recipient_code", "year", "tiv")


def _read_tiv_file(path: Path) -> pd.DataFrame:
    """Bilateral flows of one TIV file: supplier, recipient (names), year, tiv, line."""
    file = path.name
    text = _read_text(path, "utf-8")
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataFormatError(
            f"not a readable CSV table: {exc}", where=file, fix="provide the TIV table as CSV"
        ) from exc
    for name in TIV_COLUMNS:
        if name not in raw.columns:
            raise DataFormatError(
                f"missing column '{name}'",
                where=f"{file} (header: {', '.join(map(repr, raw.columns))})",
                fix=f"the TIV table needs the columns {', '.join(TIV_COLUMNS)}",
            )
    query = str(raw.columns[0])
    partner = "Import_To" if query == "Export_From" else "Export_From"
    lines = np.arange(len(raw), dtype=np.int64) + 2  # header is line 1
    strip = {name: raw[name].str.strip() for name in TIV_COLUMNS}
    keep = (
        strip[query].ne("All") & strip[partner].ne("Total") & strip["Year"].ne("Total")
    ).to_numpy()
    kept_lines = lines[keep]
    year = _numeric(strip["Year"][keep], kept_lines, file=file, column="Year", integer=True)
    tiv = _numeric(strip["TIV"][keep], kept_lines, file=file, column="TIV")
    for name in ("Export_From", "Import_To"):
        empty = strip[name][keep].eq("").to_numpy()
        if empty.any():
            raise DataFormatError(
                f"empty country name in column '{name}'",
                where=f"{file} {_lines_note(kept_lines[empty].tolist())}, column '{name}'",
                fix="every flow needs a supplier and a recipient",
            )
    return pd.DataFrame(
        {
            "supplier": strip["Export_From"][keep].to_numpy(),
            "recipient": strip["Import_To"][keep].to_numpy(),
            "year": year.astype("Int64").to_numpy(),
            "tiv": tiv.astype("float64").to_numpy(),
            "line": kept_lines,
        }
    )


def _check_agreement(exports: pd.DataFrame, imports: pd.DataFrame, files: str) -> None:
    keys = ["supplier", "recipient", "year"]
    for frame, name in ((exports, "export"), (imports, "import")):
        dup = frame.duplicated(keys, keep=False)
        if dup.any():
            raise DataFormatError(
                f"the same flow appears twice in the {name} file",
                where=f"{files}: {_lines_note(frame.loc[dup, 'line'].tolist())}",
                fix="each supplier-recipient-year flow must appear once",
            )
    merged = exports.merge(imports, on=keys, how="outer", suffixes=("_e", "_i"), indicator=True)
    differ = (merged["_merge"] != "both") | ~np.isclose(
        merged["tiv_e"].fillna(-1), merged["tiv_i"].fillna(-1), rtol=0, atol=1e-9
    )
    if differ.any():
        rows = merged[differ].head(5)
        shown = "; ".join(
            f"{r.supplier} -> {r.recipient} {r.year}: export file {r.tiv_e}, import file {r.tiv_i}"
            for r in rows.itertuples()
        )
        raise DataFormatError(
            f"the export and import TIV files disagree on {int(differ.sum())} flow(s): {shown}",
            where=files,
            fix="use an export and an import table from the same SIPRI data edition",
        )


def read_tiv_tables(export_path: Path | str, import_path: Path | str | None) -> pd.DataFrame:
    """Read SIPRI's TIV tables of arms transfers by supplier, recipient and year.

    Source: SIPRI Arms Transfers Database, Stockholm International Peace Research Institute,
    TIV tables 1950-2021 (2022 edition), as published in a public re-shaping by supplier
    (``lajh87_export_tiv.csv.gz``: columns ``Export_From, Import_To, Year, TIV``) and by
    recipient (``lajh87_import_tiv.csv.gz``: ``Import_To, Export_From, Year, TIV``).

    Which file is used: both describe the same bilateral flows; in the 2022 edition they agree
    exactly (22,223 supplier-recipient-year values, identical to the unit). The flows are taken
    from the export file, and the import file, when given, is read as a cross-check: any flow
    missing from one file or with a different value raises :class:`DataFormatError`. Pass
    ``import_path=None`` to skip the check.

    Dropped rows: ``Year == "Total"``, partner ``"Total"`` and the ``"All"`` (all-countries)
    query, whose rows are sums of the bilateral flows (and whose partner column is mislabelled,
    see the module docstring). Names that resolve to the same code (e.g. ``Yemen`` and ``North
    Yemen`` -> ``YEM``) are summed per supplier, recipient and year.

    Parameters
    ----------
    export_path:
        The TIV table by supplier (``.csv`` or ``.csv.gz``).
    import_path:
        The TIV table by recipient, or ``None``.

    Returns
    -------
    pandas.DataFrame
        Table ``sipri_tiv``: ``supplier_code``, ``recipient_code`` (string, powerscope codes),
        ``year`` (Int16) and ``tiv`` (float64, SIPRI TIV in **millions**, rounded to whole
        millions by SIPRI; ``0`` means less than 0.5 million), one row per supplier, recipient
        and year with a transfer, sorted by those keys.

    Raises
    ------
    DataFormatError
        Missing column, non-numeric year or TIV (naming the file line), duplicated flows, or
        export and import files that disagree.
    UnknownEntityError
        A country name that resolves to no powerscope code.
    """
    export_path = Path(export_path)
    exports = _read_tiv_file(export_path)
    if import_path is not None:
        import_path = Path(import_path)
        imports = _read_tiv_file(import_path)
        _check_agreement(exports, imports, f"{export_path.name} and {import_path.name}")
    file = export_path.name
    flows = pd.DataFrame(
        {
            "supplier_code": resolve_series(
                exports["supplier"], where=f"{file}, column 'Export_From'"
            ).to_numpy(),
            "recipient_code": resolve_series(
                exports["recipient"], where=f"{file}, column 'Import_To'"
            ).to_numpy(),
            "year": exports["year"].to_numpy(),
            "tiv": exports["tiv"].to_numpy(),
        }
    )
    summed = flows.groupby(["supplier_code", "recipient_code", "year"], sort=True)["tiv"].sum()
    frame = summed.reset_index()
    frame["supplier_code"] = frame["supplier_code"].astype("string")
    frame["recipient_code"] = frame["recipient_code"].astype("string")
    frame["year"] = frame["year"].astype("Int16")
    frame["tiv"] = frame["tiv"].astype("float64")
    return frame.loc[:, list(TIV_OUTPUT_COLUMNS)].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Military expenditure
# --------------------------------------------------------------------------------------------

MILEX_VALUE_COLUMNS: tuple[str, ...] = (
    "milex_const2023_usd_m",
    "milex_current_usd_m",
    "milex_share_gdp",
    "milex_per_capita_usd",
    "milex_share_govt_spending",
    "milex_local_currency_calendar",
)


def read_milex(path: Path | str) -> pd.DataFrame:
    """Read the SIPRI Military Expenditure Database (long table).

    Source: SIPRI Military Expenditure Database, April 2025 release (1949-2024), Stockholm
    International Peace Research Institute; a long table of its official workbook
    ``SIPRI-Milex-data-1949-2024_2.xlsx`` in which SIPRI's ". ." (unavailable) and "xxx" (not
    independent) are empty.

    Parameters
    ----------
    path:
        ``sipri_milex_long_1949-2024.csv.gz`` (or an uncompressed copy): columns ``country,
        year`` and the value columns below. UTF-8.

    Returns
    -------
    pandas.DataFrame
        Table ``sipri_milex``, one row per country and year, sorted by ``code, year``:

        - ``code`` (string): powerscope code (``SUN`` USSR, ``DDR``, ``CSK``, ``YUG``, ``EUU``...);
        - ``year`` (Int16);
        - ``milex_const2023_usd_m``: US$ millions at constant 2023 prices and exchange rates;
        - ``milex_current_usd_m``: US$ millions at current prices and exchange rates (missing,
          not ``0``, where SIPRI had no exchange rate: see the module docstring);
        - ``milex_share_gdp``: fraction of GDP (0.026 = 2.6%);
        - ``milex_per_capita_usd``: current US$ per person (from 1988);
        - ``milex_share_govt_spending``: fraction of general government expenditure (from 1988);
        - ``milex_local_currency_calendar``: local currency at current prices, calendar years, in
          units (not millions) of the present-day currency.

        All value columns are float64.

    Raises
    ------
    DataFormatError
        Missing column, non-numeric value (naming the file line and column), or two rows for
        the same code and year.
    UnknownEntityError
        A country name that resolves to no powerscope code.
    """
    path = Path(path)
    file = path.name
    text = _read_text(path, "utf-8")
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataFormatError(
            f"not a readable CSV table: {exc}",
            where=file,
            fix="provide the long milex table as CSV (names with commas in double quotes)",
        ) from exc
    for name in ("country", "year", *MILEX_VALUE_COLUMNS):
        if name not in raw.columns:
            raise DataFormatError(
                f"missing column '{name}'",
                where=f"{file} (header: {', '.join(map(repr, raw.columns))})",
                fix="use the long table of the SIPRI milex workbook with all its columns",
            )
    lines = np.arange(len(raw), dtype=np.int64) + 2
    raw = raw.apply(lambda column: column.str.strip())
    country = raw["country"]
    frame = pd.DataFrame(
        {
            "code": resolve_series(country, where=f"{file}, column 'country'").astype("string"),
            "year": _numeric(raw["year"], lines, file=file, column="year", integer=True).astype(
                "Int16"
            ),
        }
    )
    for name in MILEX_VALUE_COLUMNS:
        frame[name] = _numeric(raw[name], lines, file=file, column=name).astype("float64")
    no_rate = frame["milex_current_usd_m"].eq(0) & frame["milex_local_currency_calendar"].gt(0)
    frame.loc[no_rate, "milex_current_usd_m"] = np.nan

    dup = frame.duplicated(["code", "year"], keep=False).to_numpy()
    if dup.any():
        pairs = sorted(
            {
                f"{c} ({n}) {y}"
                for c, n, y in zip(
                    frame["code"][dup], country[dup], frame["year"][dup], strict=True
                )
            }
        )
        raise DataFormatError(
            f"two rows for the same country and year: {', '.join(pairs[:6])}",
            where=f"{file} {_lines_note(lines[dup].tolist())}",
            fix="each country-year must appear once (two names resolving to one code?)",
        )
    return frame.sort_values(["code", "year"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Catalog
# --------------------------------------------------------------------------------------------


def read_arms(root: Path) -> dict[str, pd.DataFrame]:
    """Tables ``sipri_trade_register`` and ``sipri_tiv`` from the data directory ``root``."""
    root = Path(root)
    return {
        "sipri_trade_register": read_trade_register(root / TRADE_REGISTER_FILE),
        "sipri_tiv": read_tiv_tables(root / EXPORT_TIV_FILE, root / IMPORT_TIV_FILE),
    }


def read_milex_dir(root: Path) -> dict[str, pd.DataFrame]:
    """Table ``sipri_milex`` from the data directory ``root``."""
    return {"sipri_milex": read_milex(Path(root) / MILEX_FILE)}


ARMS_INFO = DatasetInfo(
    id="sipri_arms",
    short="SIPRI Arms Transfers Database 2025",
    publisher=PUBLISHER,
    title="SIPRI Arms Transfers Database",
    edition="2025-03-13 (generated 13 Mar 2025), data 1950-2024",
    licence=LICENCE,
    citation="SIPRI Arms Transfers Database, Stockholm International Peace Research Institute, "
    "2025, https://www.sipri.org/databases/armstransfers",
    url="https://www.sipri.org/databases/armstransfers",
    files=(TRADE_REGISTER_FILE, EXPORT_TIV_FILE, IMPORT_TIV_FILE),
    tables=("sipri_trade_register", "sipri_tiv"),
    notes=(
        "sipri_trade_register: the trade register generated 13 Mar 2025 (deals 1950-2024). "
        "sipri_tiv: the TIV tables are the 2022 edition (data 1950-2021), as published in a "
        "public re-shaping of SIPRI's TIV tables (lajh87 export/import tables); SIPRI revises "
        "its whole history each March, so they are not comparable to the 2025 register to the "
        "unit. TIV (trend-indicator value) is SIPRI's volume unit, in millions, not money."
    ),
)

MILEX_INFO = DatasetInfo(
    id="sipri_milex",
    short="SIPRI Military Expenditure Database 2025",
    publisher=PUBLISHER,
    title="SIPRI Military Expenditure Database",
    edition="April 2025 release, data 1949-2024",
    licence=LICENCE,
    citation="SIPRI Military Expenditure Database, Stockholm International Peace Research "
    "Institute, 2025, https://www.sipri.org/databases/milex",
    url="https://www.sipri.org/databases/milex",
    files=(MILEX_FILE,),
    tables=("sipri_milex",),
    notes=(
        "Read from a long table of the official workbook SIPRI-Milex-data-1949-2024_2.xlsx "
        "(constant 2023 US$ m, current US$ m, share of GDP as a fraction, per capita current "
        "US$, share of government spending as a fraction, local currency). Current-US$ zeros "
        "for years SIPRI had no exchange rate are read as missing."
    ),
)

SOURCES: list[Source] = [
    Source(info=ARMS_INFO, read=read_arms),
    Source(info=MILEX_INFO, read=read_milex_dir),
]

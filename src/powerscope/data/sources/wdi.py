"""World Bank World Development Indicators (WDI), from files or from the World Bank API.

Publisher: The World Bank, *World Development Indicators*, licence CC BY 4.0
(https://datacatalog.worldbank.org/search/dataset/0037712).

Tables:

``wdi``
    ``code`` (categorical powerscope code: ISO3 for countries; World Bank aggregates keep their
    WB codes, e.g. ``WLD``, ``EUU``, ``HIC``), ``indicator`` (categorical WDI indicator code,
    e.g. ``NY.GDP.MKTP.CD``), ``year`` (int16) and ``value`` (float64, in the indicator's own
    unit: see ``wdi_indicators.title``, e.g. current US$ for ``NY.GDP.MKTP.CD``). A missing
    observation is an absent row, as in the World Bank's own long files.
``wdi_indicators``
    ``indicator``, ``title``, ``licence`` and, where the metadata file has them, ``rows``,
    ``year_min``, ``year_max``, ``n_entities``.

:class:`WorldBankClient` downloads the same tidy schema from the World Bank API v2. It uses an
injectable ``transport`` (:mod:`powerscope.data.sources.transport`, shared with the Dataverse
client; the default uses :mod:`urllib` with a timeout), so tests run against recorded or
generated responses without touching the network.

Row numbers in error messages count the header as row 1, as a spreadsheet does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from powerscope.countries import resolve_series
from powerscope.data.catalog import DatasetInfo, Source
from powerscope.data.sources._common import require_columns
from powerscope.data.sources._common import where as _where
from powerscope.data.sources.transport import (
    HTTPStatusError,
    NetworkError,
    Transport,
    UrllibTransport,
    fetch,
)
from powerscope.errors import DataFormatError, PowerscopeError

DATA_FILE: Final = "wdi/wdi_selected_long.csv.gz"
INDICATORS_FILE: Final = "wdi/wdi_selected_indicators.csv"
API_URL: Final = "https://api.worldbank.org/v2"

_DATA_COLUMNS: Final = ("country_code", "indicator_code", "year", "value")
_INDICATOR_COLUMNS: Final = ("indicator_code", "title")
_INDICATOR_OPTIONAL: Final = ("license", "rows", "year_min", "year_max", "n_entities")

INFO: Final = DatasetInfo(
    id="wdi",
    short="World Development Indicators",
    publisher="The World Bank",
    title="World Development Indicators",
    edition="40 selected indicators, 1960-2025 (as retrieved from the WDI database)",
    licence="CC-BY-4.0",
    citation=(
        "World Bank. World Development Indicators. Washington, DC: The World Bank. "
        "https://datacatalog.worldbank.org/search/dataset/0037712 (CC BY 4.0)."
    ),
    url="https://datacatalog.worldbank.org/search/dataset/0037712",
    files=(DATA_FILE, INDICATORS_FILE),
    tables=("wdi", "wdi_indicators"),
    notes=(
        "Values are in each indicator's own unit (see wdi_indicators.title). World Bank "
        "aggregates (WLD, EUU, HIC, ...) are kept as aggregate entities."
    ),
)


class WorldBankAPIError(PowerscopeError):
    """The World Bank API could not be reached, or answered with an error."""


def _read_header(path: Path) -> list[str]:
    try:
        return [str(c) for c in pd.read_csv(path, nrows=0).columns]
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise DataFormatError(
            f"cannot read CSV file: {exc}", where=str(path), fix="check the file is a CSV"
        ) from exc


def _row_where(path: Path, column: str | None = None) -> Callable[[int], str]:
    """A function from a 0-based data row position to its ``where`` text."""

    def where(position: int) -> str:
        return _where(path, position + 2, column)

    return where


def _numeric(frame: pd.DataFrame, column: str, where: Callable[[int], str]) -> pd.Series:
    """The column as float64, or a DataFormatError naming the first non-numeric row."""
    values = frame[column]
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    numbers = pd.to_numeric(values, errors="coerce")
    bad = np.flatnonzero((numbers.isna() & values.notna()).to_numpy())
    if len(bad):
        raise DataFormatError(
            f"non-numeric value {values.iloc[bad[0]]!r}",
            where=where(int(bad[0])),
            fix=f"{column} must be a number (leave it empty when missing)",
        )
    return numbers.astype("float64")


def _categorical(values: pd.Series) -> pd.Series:
    """``values`` as a categorical of stripped strings (strip each distinct value once)."""
    series = values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")
    stripped = pd.Index([str(c).strip() for c in series.cat.categories])
    categories = pd.Index(pd.unique(stripped))
    lookup = categories.get_indexer(stripped)
    codes = series.cat.codes.to_numpy()
    new_codes = np.where(codes >= 0, lookup[codes] if len(lookup) else codes, -1)
    return pd.Series(
        pd.Categorical.from_codes(new_codes, categories=categories), index=series.index
    )


def _first_empty(values: pd.Series) -> int | None:
    """Row position of the first empty cell of a categorical column, or None."""
    empty_categories = [i for i, c in enumerate(values.cat.categories) if not str(c)]
    mask = values.isna().to_numpy()
    if empty_categories:
        mask |= np.isin(values.cat.codes.to_numpy(), empty_categories)
    found = np.flatnonzero(mask)
    return int(found[0]) if len(found) else None


def _tidy(
    iso3: pd.Series,
    indicator: pd.Series,
    year: pd.Series,
    value: pd.Series,
    *,
    where: str,
    row_where: Callable[[int], str],
) -> pd.DataFrame:
    """Resolve codes once per distinct value, reject duplicates and drop missing values.

    ``iso3`` and ``indicator`` are categoricals of non-empty stripped strings.
    """
    distinct = [str(c) for c in iso3.cat.categories]
    resolved = resolve_series(pd.Series(distinct, dtype=object), where=where, scheme="iso3")
    categories = pd.Index(pd.unique(resolved.astype(str).to_numpy()))
    lookup = categories.get_indexer(resolved.astype(str).to_numpy())
    code = pd.Categorical.from_codes(lookup[iso3.cat.codes.to_numpy()], categories=categories)
    frame = pd.DataFrame(
        {
            "code": code,
            "indicator": indicator.array,
            "year": year.to_numpy(dtype="int16"),
            "value": value.to_numpy(dtype="float64"),
        }
    )
    key = (
        frame["code"].cat.codes.to_numpy().astype(np.int64) * (len(indicator.cat.categories) + 1)
        + frame["indicator"].cat.codes.to_numpy()
    ) * 100_000 + (frame["year"].to_numpy().astype(np.int64) + 50_000)
    duplicated = pd.Series(key).duplicated(keep=False).to_numpy()
    if duplicated.any():
        rows = np.flatnonzero(duplicated)
        twins = np.flatnonzero(key == key[rows[0]])
        first = frame.iloc[int(twins[0])]
        raise DataFormatError(
            f"duplicate observation ({first['code']}, {first['indicator']}, {first['year']}) "
            f"at {' and '.join(row_where(int(r)) for r in twins[:2])}",
            where=row_where(int(twins[1])),
            fix="each (country, indicator, year) may appear once",
        )
    frame = frame[frame["value"].notna()].reset_index(drop=True)
    frame["code"] = frame["code"].cat.remove_unused_categories()
    frame["indicator"] = frame["indicator"].cat.remove_unused_categories()
    return frame


def read_wdi(path: Path) -> pd.DataFrame:
    """Read a long WDI file (``country_name, country_code, indicator_code, year, value``).

    Parameters
    ----------
    path:
        The CSV (plain or gzip). ``country_name`` is ignored: rows are keyed by ISO3 / World
        Bank code.

    Returns
    -------
    DataFrame
        ``code``, ``indicator``, ``year`` (int16), ``value`` (float64, the indicator's unit).
        Rows with an empty value are dropped (a missing observation is an absent row).

    Raises
    ------
    DataFormatError
        A missing column, an empty code or indicator, a non-integer year, a non-numeric value,
        or a duplicate (code, indicator, year).
    UnknownEntityError
        A country or aggregate code the resolver does not know.
    """
    path = Path(path)
    require_columns(_read_header(path), _DATA_COLUMNS, path)
    frame = pd.read_csv(
        path,
        usecols=list(_DATA_COLUMNS),
        dtype={"country_code": "category", "indicator_code": "category"},
        keep_default_na=False,  # "NA" would otherwise vanish; only empty cells are missing
        na_values={"year": [""], "value": [""]},
    )

    def row_where(column: str) -> Callable[[int], str]:
        return _row_where(path, column)

    keys = {}
    for column in ("country_code", "indicator_code"):
        keys[column] = _categorical(frame[column])
        empty = _first_empty(keys[column])
        if empty is not None:
            raise DataFormatError(
                "empty cell", where=row_where(column)(empty), fix=f"fill in {column}"
            )
    years = _numeric(frame, "year", row_where("year"))
    bad = np.flatnonzero((years.isna() | (years != years.round())).to_numpy())
    if len(bad):
        raise DataFormatError(
            f"year {frame['year'].iloc[bad[0]]!r} is not a whole number",
            where=row_where("year")(int(bad[0])),
            fix="years must be whole numbers such as 2020",
        )
    values = _numeric(frame, "value", row_where("value"))
    return _tidy(
        keys["country_code"],
        keys["indicator_code"],
        years.astype("int16"),
        values,
        where=_where(path, None, "country_code"),
        row_where=_row_where(path),
    )


def read_indicators(path: Path) -> pd.DataFrame:
    """Read the WDI indicator metadata (``wdi_selected_indicators.csv``).

    Returns
    -------
    DataFrame
        ``indicator`` (WDI code), ``title`` (name with unit, e.g. "GDP (current US$)") and,
        when present in the file, ``licence``, ``rows``, ``year_min``, ``year_max`` and
        ``n_entities`` (nullable integers).

    Raises
    ------
    DataFormatError
        A missing column, an empty indicator code, a duplicate indicator or a non-numeric count.
    """
    path = Path(path)
    header = _read_header(path)
    require_columns(list(header), _INDICATOR_COLUMNS, path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    codes = frame["indicator_code"].str.strip()
    empty = np.flatnonzero((codes == "").to_numpy())
    if len(empty):
        raise DataFormatError(
            "empty indicator code",
            where=_where(path, int(empty[0]) + 2, "indicator_code"),
            fix="fill in the WDI indicator code",
        )
    duplicated = np.flatnonzero(codes.duplicated().to_numpy())
    if len(duplicated):
        raise DataFormatError(
            f"duplicate indicator {codes.iloc[duplicated[0]]!r}",
            where=_where(path, int(duplicated[0]) + 2, "indicator_code"),
            fix="describe each indicator once",
        )
    out = pd.DataFrame({"indicator": codes, "title": frame["title"].str.strip()})
    if "license" in header:
        out["licence"] = frame["license"].str.strip()
    for column in ("rows", "year_min", "year_max", "n_entities"):
        if column in header:
            cells = frame[column].str.strip().replace("", np.nan)
            numbers = _numeric(pd.DataFrame({column: cells}), column, _row_where(path, column))
            out[column] = numbers.round().astype("Int64")
    return out


def read(root: Path) -> dict[str, pd.DataFrame]:
    """Read ``wdi`` and ``wdi_indicators`` from a data directory (holding ``wdi/``).

    Every indicator in the data must be described in the metadata file.
    """
    root = Path(root)
    data = read_wdi(root / DATA_FILE)
    indicators = read_indicators(root / INDICATORS_FILE)
    undescribed = sorted(set(data["indicator"].cat.categories) - set(indicators["indicator"]))
    if undescribed:
        raise DataFormatError(
            f"indicator(s) without metadata: {', '.join(undescribed)}",
            where=str(root / INDICATORS_FILE),
            fix="use the metadata file of the same extract",
        )
    return {"wdi": data, "wdi_indicators": indicators}


# -- the World Bank API ------------------------------------------------------------------------


class WorldBankClient:
    """Download WDI indicator series from the World Bank API v2.

    Parameters
    ----------
    transport:
        ``(url) -> bytes`` (:class:`~powerscope.data.sources.transport.Transport`); a
        :class:`~powerscope.data.sources.transport.UrllibTransport` when omitted. Its
        failures (the transport's errors, or ``urllib``/``OSError`` errors) become
        :class:`WorldBankAPIError` naming the URL.
    base_url:
        The API root, ``https://api.worldbank.org/v2``.
    per_page:
        Rows per page requested (the API allows up to 32,500 per page).

    Examples
    --------
    >>> client = WorldBankClient()  # doctest: +SKIP
    >>> gdp = client.indicator("NY.GDP.MKTP.CD", 2000, 2020)  # doctest: +SKIP
    """

    def __init__(
        self,
        transport: Transport | None = None,
        *,
        base_url: str = API_URL,
        per_page: int = 20000,
    ) -> None:
        self.transport: Transport = transport if transport is not None else UrllibTransport()
        self.base_url = base_url.rstrip("/")
        self.per_page = per_page

    def url(self, indicator: str, start: int, end: int, page: int = 1) -> str:
        """The API URL of one page of an indicator series."""
        url = (
            f"{self.base_url}/country/all/indicator/{indicator}"
            f"?format=json&per_page={self.per_page}&date={start}:{end}"
        )
        return url if page == 1 else f"{url}&page={page}"

    def _get(self, url: str) -> Any:
        try:
            body = fetch(self.transport, url)
        except HTTPStatusError as exc:
            raise WorldBankAPIError(
                f"HTTP {exc.status} {exc.reason}".rstrip() + " from the World Bank API",
                where=url,
                fix="check the indicator code and years; retry later if the status is 5xx",
            ) from exc
        except NetworkError as exc:
            raise WorldBankAPIError(
                f"cannot reach the World Bank API: {exc.message}",
                where=url,
                fix="check the network connection, or read the WDI files with --from DIR",
            ) from exc
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            snippet = body[:80].decode("utf-8", "replace") if isinstance(body, bytes) else ""
            raise DataFormatError(
                f"malformed JSON from the World Bank API ({exc}); the response began {snippet!r}",
                where=url,
                fix="retry later; the API may be returning an error page",
            ) from exc

    def _page(self, url: str) -> tuple[dict[str, Any], list[Any]]:
        payload = self._get(url)
        if isinstance(payload, list) and payload and isinstance(payload[0], dict):
            messages = payload[0].get("message")
            if messages:
                text = "; ".join(
                    str(m.get("value") or m.get("key") or m) if isinstance(m, dict) else str(m)
                    for m in messages
                )
                raise WorldBankAPIError(
                    f"the World Bank API answered with an error: {text}",
                    where=url,
                    fix="check the indicator code and the years",
                )
        if not (
            isinstance(payload, list)
            and len(payload) >= 1
            and isinstance(payload[0], dict)
            and (len(payload) == 1 or payload[1] is None or isinstance(payload[1], list))
        ):
            raise DataFormatError(
                "unexpected JSON from the World Bank API: expected [metadata, rows]",
                where=url,
                fix="retry later; the API's format may have changed",
            )
        meta = payload[0]
        rows = payload[1] if len(payload) > 1 and payload[1] is not None else []
        return meta, rows

    def indicator(self, indicator: str, start: int, end: int) -> pd.DataFrame:
        """Download one indicator for all countries and aggregates, ``start`` to ``end``.

        Parameters
        ----------
        indicator:
            WDI indicator code, e.g. ``"NY.GDP.MKTP.CD"`` (GDP, current US$).
        start, end:
            First and last year, inclusive.

        Returns
        -------
        DataFrame
            The ``wdi`` schema: ``code``, ``indicator``, ``year`` (int16), ``value`` (float64,
            the indicator's unit). Null values are dropped.

        Raises
        ------
        WorldBankAPIError
            An HTTP error, a network failure, or an error message from the API.
        DataFormatError
            Malformed JSON, or rows without a code, year or numeric value.
        UnknownEntityError
            A country or aggregate code the resolver does not know.
        """
        first_url = self.url(indicator, start, end)
        meta, rows = self._page(first_url)
        try:
            pages = int(meta.get("pages", 1) or 1)
        except (TypeError, ValueError) as exc:
            raise DataFormatError(
                f"page count {meta.get('pages')!r} is not a number",
                where=first_url,
                fix="retry later; the API's format may have changed",
            ) from exc
        records: list[tuple[str, str, int, float, str]] = []
        self._collect(rows, first_url, records)
        for page in range(2, pages + 1):
            url = self.url(indicator, start, end, page)
            _, rows = self._page(url)
            self._collect(rows, url, records)
        if not records:
            return _empty_frame()
        iso3, codes, years, values, urls = zip(*records, strict=True)
        frame = _tidy(
            pd.Series(iso3, dtype="category"),
            pd.Series(codes, dtype="category"),
            pd.Series(years, dtype="int16"),
            pd.Series(values, dtype="float64"),
            where=f"World Bank API {first_url}",
            row_where=lambda i: f"{urls[i]} (row {i + 1} of the series)",
        )
        return frame

    def indicators(self, indicators: Iterable[str], start: int, end: int) -> pd.DataFrame:
        """Download several indicators into one ``wdi`` frame."""
        frames = [self.indicator(code, start, end) for code in indicators]
        if not frames:
            return _empty_frame()
        out = pd.concat(
            [f.astype({"code": str, "indicator": str}) for f in frames], ignore_index=True
        )
        out["code"] = out["code"].astype("category")
        out["indicator"] = out["indicator"].astype("category")
        return out

    @staticmethod
    def _collect(rows: list[Any], url: str, out: list[tuple[str, str, int, float, str]]) -> None:
        for number, row in enumerate(rows, start=1):
            where = f"{url} (row {number} of the page)"
            if not isinstance(row, dict):
                raise DataFormatError(
                    f"row is not a JSON object: {row!r}", where=where, fix="retry later"
                )
            value = row.get("value")
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise DataFormatError(f"non-numeric value {value!r}", where=where, fix="retry")
            try:
                number_value = float(value)
            except ValueError as exc:
                raise DataFormatError(
                    f"non-numeric value {value!r}", where=where, fix="retry later"
                ) from exc
            iso3 = str(row.get("countryiso3code") or "").strip()
            if not iso3:
                country = row.get("country")
                name = country.get("value") if isinstance(country, dict) else country
                raise DataFormatError(
                    f"row for {name!r} has no countryiso3code",
                    where=where,
                    fix="report the entity; it cannot be keyed without a code",
                )
            indicator_field = row.get("indicator")
            indicator = (
                indicator_field.get("id") if isinstance(indicator_field, dict) else indicator_field
            )
            if not indicator:
                raise DataFormatError("row has no indicator id", where=where, fix="retry later")
            date = str(row.get("date") or "").strip()
            if not date.isdigit():
                raise DataFormatError(
                    f"date {date!r} is not a year",
                    where=where,
                    fix="request annual data (date=YYYY:YYYY)",
                )
            out.append((iso3, str(indicator), int(date), number_value, url))


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": pd.Categorical([]),
            "indicator": pd.Categorical([]),
            "year": pd.Series([], dtype="int16"),
            "value": pd.Series([], dtype="float64"),
        }
    )


SOURCE: Final = Source(info=INFO, read=read)
SOURCES: Final[list[Source]] = [SOURCE]

"""Correlates of War (COW), ATOP and democracy data, keyed by COW state codes.

The files are those packaged by the R package peacesciencer (Miller 2022); the data are the
original publishers', who are cited here:

- ATOP v5.1 alliances: Leeds, Ritter, Mitchell & Long (2002), "Alliance Treaty Obligations and
  Provisions, 1815-1944", *International Interactions* 28: 237-260 (atopdata.org).
- COW Formal Alliances v4.1: Gibler (2009), *International Military Alliances, 1648-2008*,
  CQ Press.
- COW Intergovernmental Organizations v3.0: Pevehouse, Nordstrom, McManus & Jamison (2020),
  "Tracking Organizations in the World: The Correlates of War IGO Version 3.0 Datasets",
  *Journal of Peace Research* 57(3): 492-503.
- COW Trade v4.0: Barbieri & Keshk (2016), Correlates of War Project Trade Data Set Codebook,
  Version 4.0; Barbieri, Keshk & Pollins (2009), *Conflict Management and Peace Science* 26(5).
- COW National Material Capabilities v7.0: Singer, Bremer & Stuckey (1972), "Capability
  Distribution, Uncertainty, and Major Power War, 1820-1965", in Russett (ed.), *Peace, War, and
  Numbers*; documentation by Greig & Enterline.
- Democracy: V-Dem electoral democracy index ``v2x_polyarchy`` (Coppedge et al., V-Dem
  Institute), Polity ``polity2`` (Marshall, Gurr & Jaggers, Center for Systemic Peace) and the
  Unified Democracy Scores ``xm_qudsest`` (Pemstein, Meserve & Melton 2010, extended by Marquez
  2016).
- COW State System Membership v2016 and major powers: Correlates of War Project (2017).

Every table carries the powerscope code(s) (``code`` or ``code1``/``code2``, categorical; the
two dyad columns share one category list) *and* the original COW code(s) (``ccode`` or
``ccode1``/``ccode2``, int16). Both are kept because COW codes are not one-to-one with
powerscope codes: 255 (Germany) and 260 (German Federal Republic) both resolve to ``DEU``, and
678 (Yemen Arab Republic) and 679 (Yemen) to ``YEM``, so in 1990 a state-year table has two rows
for ``DEU`` and two for ``YEM``. Rows are unique by their COW keys; nothing is merged silently.

Row numbers in error messages count the header as row 1, as a spreadsheet does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import numpy as np
import pandas as pd

from powerscope.countries import resolve_series
from powerscope.data.catalog import DatasetInfo, Source
from powerscope.data.sources._common import check_columns
from powerscope.data.sources._common import where as _where
from powerscope.errors import DataFormatError

Kind = Literal["float", "flag", "count"]

DIR: Final = "peacesciencer"
PACKAGER_NOTE: Final = (
    "Files as packaged by the R package peacesciencer (Miller, S. V. 2022, peacesciencer: An R "
    "Package for Quantitative Peace Science Research, Conflict Management and Peace Science "
    "39(6)); the data are the original publisher's."
)


@dataclass(frozen=True)
class TableSpec:
    """How one peacesciencer file becomes one powerscope table.

    ``values`` maps a source column to ``(output column, kind)``: ``float`` (float64, missing
    allowed), ``flag`` (0/1 -> bool, missing not allowed) or ``count`` (int16, missing not
    allowed).
    """

    table: str
    file: str
    dyadic: bool
    values: dict[str, tuple[str, Kind]]

    @property
    def keys(self) -> tuple[str, ...]:
        return ("ccode1", "ccode2", "year") if self.dyadic else ("ccode", "year")


TABLES: Final[dict[str, TableSpec]] = {
    spec.table: spec
    for spec in (
        TableSpec(
            "cow_nmc",
            "cow_nmc.csv.gz",
            False,
            {
                "milex": ("milex", "float"),
                "milper": ("milper", "float"),
                "irst": ("irst", "float"),
                "pec": ("pec", "float"),
                "tpop": ("tpop", "float"),
                "upop": ("upop", "float"),
                "cinc": ("cinc", "float"),
            },
        ),
        TableSpec(
            "democracy",
            "ccode_democracy.csv.gz",
            False,
            {
                "v2x_polyarchy": ("v2x_polyarchy", "float"),
                "polity2": ("polity2", "float"),
                "xm_qudsest": ("xm_qudsest", "float"),
            },
        ),
        TableSpec(
            "cow_igo_state",
            "cow_igo_sy.csv.gz",
            False,
            {
                "sum_igo_full": ("igo_full", "count"),
                "sum_igo_associate": ("igo_associate", "count"),
                "sum_igo_observer": ("igo_observer", "count"),
                "sum_igo_anytype": ("igo_any", "count"),
            },
        ),
        TableSpec(
            "atop_alliance",
            "atop_alliance.csv.gz",
            True,
            {
                "atop_defense": ("defense", "flag"),
                "atop_offense": ("offense", "flag"),
                "atop_neutral": ("neutral", "flag"),
                "atop_nonagg": ("nonagg", "flag"),
                "atop_consul": ("consul", "flag"),
            },
        ),
        TableSpec(
            "cow_alliance",
            "cow_alliance.csv.gz",
            True,
            {
                "cow_defense": ("defense", "flag"),
                "cow_neutral": ("neutral", "flag"),
                "cow_nonagg": ("nonagg", "flag"),
                "cow_entente": ("entente", "flag"),
            },
        ),
        TableSpec(
            "cow_igo_dyad",
            "cow_igo_ndy.csv.gz",
            True,
            {"dyadigos": ("dyadigos", "count")},
        ),
        TableSpec(
            "cow_trade_dyad",
            "cow_trade_ndy.csv.gz",
            True,
            {
                "flow1": ("flow1", "float"),
                "flow2": ("flow2", "float"),
                "smoothflow1": ("smoothflow1", "float"),
                "smoothflow2": ("smoothflow2", "float"),
            },
        ),
        TableSpec(
            "cow_trade_state",
            "cow_trade_sy.csv.gz",
            False,
            {"imports": ("imports", "float"), "exports": ("exports", "float")},
        ),
    )
}

_STATES_FILE: Final = "cow_states.csv.gz"
_MAJORS_FILE: Final = "cow_majors.csv.gz"
_SPELL_COLUMNS: Final = ("ccode", "styear", "stmonth", "stday", "endyear", "endmonth", "endday")


def _read_csv(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    """Read a CSV with the pyarrow engine after checking its header."""
    check_columns(path, required)
    try:
        return pd.read_csv(path, usecols=list(required), engine="pyarrow")
    except (ValueError, TypeError) as exc:  # pyarrow.ArrowInvalid is a ValueError
        return _read_csv_slow(path, required, exc)


def _read_csv_slow(path: Path, required: tuple[str, ...], exc: Exception) -> pd.DataFrame:
    try:
        return pd.read_csv(path, usecols=list(required))
    except (ValueError, pd.errors.ParserError) as second:
        raise DataFormatError(
            f"cannot parse CSV file: {second}", where=str(path), fix="check the file is a CSV"
        ) from exc


def _numeric(frame: pd.DataFrame, column: str, path: Path) -> np.ndarray:
    """A column as float64 (missing as NaN), or a DataFormatError naming the first bad row."""
    values = frame[column]
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype="float64", na_value=np.nan)
    numbers = pd.to_numeric(values, errors="coerce")
    bad = np.flatnonzero((numbers.isna() & values.notna()).to_numpy())
    if len(bad):
        raise DataFormatError(
            f"non-numeric value {values.iloc[bad[0]]!r}",
            where=_where(path, int(bad[0]) + 2, column),
            fix=f"{column} must be a number (leave it empty when missing)",
        )
    return numbers.to_numpy(dtype="float64", na_value=np.nan)


def _whole(frame: pd.DataFrame, column: str, path: Path, what: str) -> np.ndarray:
    """A required whole-number column as int64."""
    values = _numeric(frame, column, path)
    bad = np.flatnonzero(np.isnan(values) | (values != np.round(values)))
    if len(bad):
        raise DataFormatError(
            f"{what} {frame[column].iloc[bad[0]]!r} is missing or not a whole number",
            where=_where(path, int(bad[0]) + 2, column),
            fix=f"every row needs a whole-number {column}",
        )
    return values.astype(np.int64)


def _resolve_ccodes(
    ccodes: np.ndarray, path: Path, columns: str
) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Resolve each distinct COW code once.

    Returns ``(categories, distinct, lookup)``: the sorted powerscope codes, the sorted distinct
    COW codes, and for each distinct COW code the position of its powerscope code in
    ``categories``.
    """
    distinct = np.unique(ccodes)
    resolved = resolve_series(
        pd.Series(distinct.astype(int).tolist(), dtype=object),
        where=_where(path, None, columns) + " (COW state codes)",
        scheme="cow",
    )
    codes = resolved.astype(str).to_numpy()
    categories = pd.Index(sorted(set(codes.tolist())))
    return categories, distinct, categories.get_indexer(codes)


def _code_column(
    ccode: np.ndarray, categories: pd.Index, distinct: np.ndarray, lookup: np.ndarray
) -> pd.Categorical:
    return pd.Categorical.from_codes(lookup[np.searchsorted(distinct, ccode)], categories)


def read_table(path: Path, spec: TableSpec) -> pd.DataFrame:
    """Read one peacesciencer file into its powerscope table.

    Parameters
    ----------
    path:
        The CSV (plain or gzip).
    spec:
        Which table: one of :data:`TABLES` (e.g. ``TABLES["cow_nmc"]``).

    Returns
    -------
    DataFrame
        State-year tables: ``code``, ``year`` (int16), the value columns, ``ccode`` (int16).
        Dyad-year tables: ``code1``, ``code2``, ``year``, the value columns, ``ccode1``,
        ``ccode2``. Flags are bool, counts int16, measures float64 (missing as NaN).

    Raises
    ------
    DataFormatError
        A missing column; a missing or non-integer ccode/year; a non-numeric value; a flag other
        than 0/1; a missing count; a duplicate (ccode(s), year).
    UnknownEntityError
        A COW code the country resolver does not know.
    """
    path = Path(path)
    frame = _read_csv(path, (*spec.keys, *spec.values))
    keys = {column: _whole(frame, column, path, column) for column in spec.keys}
    ccode_columns = [c for c in spec.keys if c != "year"]
    duplicated = np.flatnonzero(pd.DataFrame(keys).duplicated().to_numpy())
    if len(duplicated):
        row = int(duplicated[0])
        described = ", ".join(f"{c} {keys[c][row]}" for c in spec.keys)
        raise DataFormatError(
            f"duplicate row ({described})",
            where=_where(path, row + 2),
            fix=f"each ({', '.join(spec.keys)}) may appear once",
        )

    all_ccodes = np.concatenate([keys[c] for c in ccode_columns])
    categories, distinct, lookup = _resolve_ccodes(all_ccodes, path, "/".join(ccode_columns))
    out: dict[str, object] = {}
    code_names = ["code1", "code2"] if spec.dyadic else ["code"]
    for name, column in zip(code_names, ccode_columns, strict=True):
        out[name] = _code_column(keys[column], categories, distinct, lookup)
    out["year"] = keys["year"].astype(np.int16)
    for column, (name, kind) in spec.values.items():
        out[name] = _convert(frame, column, kind, path)
    for column in ccode_columns:
        out[column] = keys[column].astype(np.int16)
    return pd.DataFrame(out)


def _convert(frame: pd.DataFrame, column: str, kind: Kind, path: Path) -> np.ndarray:
    values = _numeric(frame, column, path)
    if kind == "float":
        return values
    if kind == "flag":
        bad = np.flatnonzero(~np.isin(values, (0.0, 1.0)))
        if len(bad):
            raise DataFormatError(
                f"flag {frame[column].iloc[bad[0]]!r} is not 0 or 1",
                where=_where(path, int(bad[0]) + 2, column),
                fix=f"{column} must be 0 or 1",
            )
        return values.astype(bool)
    bad = np.flatnonzero(np.isnan(values) | (values != np.round(values)) | (values < 0))
    if len(bad):
        raise DataFormatError(
            f"count {frame[column].iloc[bad[0]]!r} is missing or not a whole number",
            where=_where(path, int(bad[0]) + 2, column),
            fix=f"{column} must be a whole number of at least 0",
        )
    return values.astype(np.int16)


def _dates(frame: pd.DataFrame, year: str, month: str, day: str, path: Path) -> pd.Series:
    """Assemble a date from year/month/day columns (missing month/day: January/1st)."""
    years = _whole(frame, year, path, year)
    parts = {"year": years}
    for column, name in ((month, "month"), (day, "day")):
        values = _numeric(frame, column, path)
        parts[name] = np.where(np.isnan(values), 1, values).astype(np.int64)
    dates = pd.to_datetime(pd.DataFrame(parts), errors="coerce")
    bad = np.flatnonzero(dates.isna().to_numpy())
    if len(bad):
        row = int(bad[0])
        raise DataFormatError(
            f"invalid date {years[row]}-{parts['month'][row]}-{parts['day'][row]}",
            where=_where(path, row + 2, f"{year}/{month}/{day}"),
            fix="the year, month and day must form a date",
        )
    return dates


def _read_spells(path: Path, extra: tuple[str, ...]) -> pd.DataFrame:
    frame = _read_csv(path, (*extra, *_SPELL_COLUMNS))
    ccode = _whole(frame, "ccode", path, "ccode")
    categories, distinct, lookup = _resolve_ccodes(ccode, path, "ccode")
    out = pd.DataFrame(
        {
            "code": _code_column(ccode, categories, distinct, lookup),
            "ccode": ccode.astype(np.int16),
            "start": _dates(frame, "styear", "stmonth", "stday", path),
            "end": _dates(frame, "endyear", "endmonth", "endday", path),
        }
    )
    inverted = np.flatnonzero((out["end"] < out["start"]).to_numpy())
    if len(inverted):
        raise DataFormatError(
            "the spell ends before it starts",
            where=_where(path, int(inverted[0]) + 2, "endyear"),
            fix="check the start and end dates",
        )
    return out


def read_states(path: Path) -> pd.DataFrame:
    """Read COW State System Membership (``cow_states.csv.gz``).

    Returns
    -------
    DataFrame
        One row per membership spell: ``code``, ``ccode`` (int16), ``stateabb`` (COW letter
        code), ``name`` (COW state name), ``start`` and ``end`` (datetime64; the source's last
        date, 2016-12-31, marks a spell ongoing at the end of the data).
    """
    path = Path(path)
    spells = _read_spells(path, ("stateabb", "statenme"))
    frame = pd.read_csv(path, usecols=["stateabb", "statenme"], dtype=str, keep_default_na=False)
    spells.insert(2, "stateabb", frame["stateabb"].str.strip().to_numpy())
    spells.insert(3, "name", frame["statenme"].str.strip().to_numpy())
    return spells


def read_majors(path: Path) -> pd.DataFrame:
    """Read COW major-power spells (``cow_majors.csv.gz``): ``code``, ``ccode``, ``start``,
    ``end`` (datetime64)."""
    return _read_spells(Path(path), ())


def _reader(*tables: str) -> Callable[[Path], dict[str, pd.DataFrame]]:
    def read(root: Path) -> dict[str, pd.DataFrame]:
        base = Path(root) / DIR
        out: dict[str, pd.DataFrame] = {}
        for table in tables:
            if table == "cow_states":
                out[table] = read_states(base / _STATES_FILE)
            elif table == "cow_majors":
                out[table] = read_majors(base / _MAJORS_FILE)
            else:
                out[table] = read_table(base / TABLES[table].file, TABLES[table])
        return out

    read.__doc__ = f"Read {', '.join(tables)} from a data directory holding ``{DIR}/``."
    return read


def _files(*names: str) -> tuple[str, ...]:
    return tuple(f"{DIR}/{name}" for name in names)


_COW_LICENCE: Final = "free for research use with citation (Correlates of War Project terms)"

SOURCES: Final[list[Source]] = [
    Source(
        DatasetInfo(
            id="atop",
            short="ATOP 5.1",
            publisher="Brett Ashley Leeds et al., Alliance Treaty Obligations and Provisions "
            "(ATOP) project, Rice University",
            title="Alliance Treaty Obligations and Provisions (ATOP), directed dyad-years",
            edition="5.1 (1815-2018)",
            licence="free for research use with citation (ATOP project terms)",
            citation=(
                "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell and Andrew G. "
                "Long (2002). Alliance Treaty Obligations and Provisions, 1815-1944. "
                "International Interactions 28: 237-260. ATOP version 5.1."
            ),
            url="http://www.atopdata.org/",
            files=_files(TABLES["atop_alliance"].file),
            tables=("atop_alliance",),
            notes="Directed dyad-years; flags defense, offense, neutral, nonagg, consul. "
            + PACKAGER_NOTE,
        ),
        _reader("atop_alliance"),
    ),
    Source(
        DatasetInfo(
            id="cow_alliance",
            short="COW Formal Alliances 4.1",
            publisher="Correlates of War Project (Douglas M. Gibler)",
            title="COW Formal Interstate Alliance Dataset, directed dyad-years",
            edition="4.1 (1816-2012)",
            licence=_COW_LICENCE,
            citation=(
                "Gibler, Douglas M. (2009). International Military Alliances, 1648-2008. "
                "Washington, DC: CQ Press. COW Formal Alliances version 4.1."
            ),
            url="https://correlatesofwar.org/data-sets/formal-alliances/",
            files=_files(TABLES["cow_alliance"].file),
            tables=("cow_alliance",),
            notes="Directed dyad-years; flags defense, neutral, nonagg, entente. " + PACKAGER_NOTE,
        ),
        _reader("cow_alliance"),
    ),
    Source(
        DatasetInfo(
            id="cow_igo",
            short="COW IGO 3.0",
            publisher="Correlates of War Project (Jon C. W. Pevehouse et al.)",
            title="COW Intergovernmental Organizations (IGO) Data",
            edition="3.0 (1816-2014)",
            licence=_COW_LICENCE,
            citation=(
                "Pevehouse, Jon C. W., Timothy Nordstrom, Roseanne W. McManus and Anne Spencer "
                "Jamison (2020). Tracking Organizations in the World: The Correlates of War IGO "
                "Version 3.0 Datasets. Journal of Peace Research 57(3): 492-503."
            ),
            url="https://correlatesofwar.org/data-sets/igos/",
            files=_files(TABLES["cow_igo_state"].file, TABLES["cow_igo_dyad"].file),
            tables=("cow_igo_state", "cow_igo_dyad"),
            notes="cow_igo_state: memberships per state-year (full, associate, observer, any); "
            "cow_igo_dyad: IGOs in which both states are full members. " + PACKAGER_NOTE,
        ),
        _reader("cow_igo_state", "cow_igo_dyad"),
    ),
    Source(
        DatasetInfo(
            id="cow_trade",
            short="COW Trade 4.0",
            publisher="Correlates of War Project (Katherine Barbieri and Omar M. G. Keshk)",
            title="COW Trade Data Set (dyadic and national)",
            edition="4.0 (1870-2014)",
            licence=_COW_LICENCE,
            citation=(
                "Barbieri, Katherine and Omar M. G. Keshk (2016). Correlates of War Project "
                "Trade Data Set Codebook, Version 4.0. Barbieri, Katherine, Omar M. G. Keshk and "
                "Brian Pollins (2009). Trading Data: Evaluating our Assumptions and Coding "
                "Rules. Conflict Management and Peace Science 26(5): 471-491."
            ),
            url="https://correlatesofwar.org/data-sets/bilateral-trade/",
            files=_files(TABLES["cow_trade_dyad"].file, TABLES["cow_trade_state"].file),
            tables=("cow_trade_dyad", "cow_trade_state"),
            notes="Millions of current US$. flow1: imports of state 1 from state 2; flow2: "
            "imports of state 2 from state 1; smoothflow*: the publisher's smoothed series. "
            + PACKAGER_NOTE,
        ),
        _reader("cow_trade_dyad", "cow_trade_state"),
    ),
    Source(
        DatasetInfo(
            id="cow_nmc",
            short="COW National Material Capabilities 7.0",
            publisher="Correlates of War Project (J. David Singer et al.; J. Michael Greig and "
            "Andrew J. Enterline)",
            title="COW National Material Capabilities (NMC)",
            edition="7.0 (1816-2022)",
            licence=_COW_LICENCE,
            citation=(
                "Singer, J. David, Stuart Bremer and John Stuckey (1972). Capability "
                "Distribution, Uncertainty, and Major Power War, 1820-1965. In Bruce Russett "
                "(ed.), Peace, War, and Numbers, 19-48. Beverly Hills: Sage. Greig, J. Michael "
                "and Andrew J. Enterline, Correlates of War Project National Material "
                "Capabilities (NMC) Data Documentation, Version 7.0."
            ),
            url="https://correlatesofwar.org/data-sets/national-material-capabilities/",
            files=_files(TABLES["cow_nmc"].file),
            tables=("cow_nmc",),
            notes="milex: military expenditure, thousands of current US$; milper: military "
            "personnel, thousands; irst: iron and steel production, thousands of tons; pec: "
            "primary energy consumption, thousands of coal-ton equivalents; tpop, upop: total "
            "and urban population, thousands; cinc: Composite Index of National Capability "
            "(share of the system total, 0-1). " + PACKAGER_NOTE,
        ),
        _reader("cow_nmc"),
    ),
    Source(
        DatasetInfo(
            id="democracy",
            short="V-Dem, Polity2 and UDS democracy scores",
            publisher="V-Dem Institute; Center for Systemic Peace (Polity); Pemstein, Meserve "
            "& Melton (Unified Democracy Scores)",
            title="Democracy scores: V-Dem polyarchy, Polity2, Unified Democracy Scores",
            edition="as packaged by peacesciencer (1816-2020)",
            licence="V-Dem: CC BY-SA 4.0; Polity and UDS: free for research use with citation",
            citation=(
                "Coppedge, Michael, John Gerring et al. V-Dem Dataset (v2x_polyarchy), V-Dem "
                "Institute. Marshall, Monty G., Ted Robert Gurr and Keith Jaggers. Polity IV "
                "Project (polity2), Center for Systemic Peace. Pemstein, Daniel, Stephen A. "
                "Meserve and James Melton (2010). Democratic Compromise: A Latent Variable "
                "Analysis of Ten Measures of Regime Type. Political Analysis 18(4): 426-449; "
                "extended by Marquez, Xavier (2016), A Quick Method for Extending the Unified "
                "Democracy Scores (xm_qudsest)."
            ),
            url="https://www.v-dem.net/",
            files=_files(TABLES["democracy"].file),
            tables=("democracy",),
            notes="v2x_polyarchy: 0-1; polity2: -10 (autocracy) to 10 (democracy); xm_qudsest: "
            "latent democracy score (mean about 0). " + PACKAGER_NOTE,
        ),
        _reader("democracy"),
    ),
    Source(
        DatasetInfo(
            id="cow_states",
            short="COW State System Membership 2016",
            publisher="Correlates of War Project",
            title="COW State System Membership and Major Powers",
            edition="2016",
            licence=_COW_LICENCE,
            citation=(
                "Correlates of War Project (2017). State System Membership List, v2016. "
                "http://correlatesofwar.org"
            ),
            url="https://correlatesofwar.org/data-sets/state-system-membership/",
            files=_files(_STATES_FILE, _MAJORS_FILE),
            tables=("cow_states", "cow_majors"),
            notes="Membership and major-power spells with start and end dates. " + PACKAGER_NOTE,
        ),
        _reader("cow_states", "cow_majors"),
    ),
]


def read(root: Path) -> dict[str, pd.DataFrame]:
    """Read every table of every source in this module from a data directory."""
    out: dict[str, pd.DataFrame] = {}
    for source in SOURCES:
        out.update(source.read(Path(root)))
    return out

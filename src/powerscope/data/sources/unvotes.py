"""UN General Assembly roll-call votes (Voeten, Strezhnev & Bailey).

Publisher: Erik Voeten, Anton Strezhnev and Michael Bailey, *United Nations General Assembly
Voting Data*, Harvard Dataverse, hdl:1902.1/12379, licence CC0 1.0. Method paper: Bailey,
Strezhnev & Voeten (2017), "Estimating Dynamic State Preferences from United Nations Voting
Data", *Journal of Conflict Resolution* 61(2): 430-456.

Three tables are read:

``un_votes``
    One row per country per recorded roll call: ``rcid`` (int32), ``code`` (categorical
    powerscope country code) and ``vote`` (int8, coded as in Voeten's original data:
    ``1`` yes, ``2`` abstain, ``3`` no; see :data:`VOTE_CODES`). Absences and non-members are not
    rows, as in the source.
``un_roll_calls``
    One row per roll call: ``rcid``, ``session`` (UNGA session number), ``year``, ``date``,
    ``importantvote``, ``unres`` (resolution symbol), ``amend``, ``para`` (nullable booleans),
    ``short`` and ``descr`` (text).
``un_roll_call_issues``
    Issue tags of roll calls: ``rcid``, ``issue_code`` (short name, e.g. ``"hr"``) and
    ``issue`` (e.g. ``"Human rights"``).

Row numbers in error messages count the header as row 1, as a spreadsheet does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from powerscope.countries import resolve_series
from powerscope.data.catalog import DatasetInfo, Source
from powerscope.data.sources._common import check_columns as _check_columns
from powerscope.data.sources._common import where as _where
from powerscope.errors import DataFormatError

#: Vote coding of the ``vote`` column of ``un_votes`` (Voeten's original coding).
VOTE_CODES: Final[dict[str, int]] = {"yes": 1, "abstain": 2, "no": 3}
#: The inverse of :data:`VOTE_CODES`.
VOTE_LABELS: Final[dict[int, str]] = {code: label for label, code in VOTE_CODES.items()}
YES: Final = 1
ABSTAIN: Final = 2
NO: Final = 3

VOTES_FILE: Final = "unvotes/un_votes.csv.gz"
ROLL_CALLS_FILE: Final = "unvotes/un_roll_calls.csv.gz"
ISSUES_FILE: Final = "unvotes/un_roll_call_issues.csv.gz"

_VOTE_COLUMNS: Final = ("rcid", "country", "country_code", "vote")
_ROLL_CALL_COLUMNS: Final = (
    "rcid",
    "session",
    "importantvote",
    "date",
    "unres",
    "amend",
    "para",
    "short",
    "descr",
)
_ISSUE_COLUMNS: Final = ("rcid", "short_name", "issue")
_FLAG_COLUMNS: Final = ("importantvote", "amend", "para")

INFO: Final = DatasetInfo(
    id="unvotes",
    short="UN General Assembly voting data (Voeten, Strezhnev & Bailey)",
    publisher="Erik Voeten, Anton Strezhnev and Michael Bailey (Harvard Dataverse)",
    title="United Nations General Assembly Voting Data",
    edition="sessions 1-74 (1946-01-01 to 2020-01-14)",
    licence="CC0-1.0",
    citation=(
        "Voeten, Erik; Strezhnev, Anton; Bailey, Michael (2009). United Nations General Assembly "
        "Voting Data. Harvard Dataverse, hdl:1902.1/12379. See also Bailey, Strezhnev & Voeten "
        "(2017), Estimating Dynamic State Preferences from United Nations Voting Data, Journal "
        "of Conflict Resolution 61(2): 430-456."
    ),
    url="https://dataverse.harvard.edu/dataset.xhtml?persistentId=hdl:1902.1/12379",
    files=(VOTES_FILE, ROLL_CALLS_FILE, ISSUES_FILE),
    tables=("un_votes", "un_roll_calls", "un_roll_call_issues"),
    notes=(
        "vote is int8: 1 yes, 2 abstain, 3 no (Voeten's coding); absences and non-members are "
        "not rows. Rows with an empty ISO2 code (Federal Republic of Germany, Yemen Arab "
        "Republic, Zanzibar) are resolved by country name. Yugoslavia (YU) after 3 June 2006 is "
        "Serbia (SRB), the continuing member."
    ),
)


def _first_non_integer(path: Path, column: str) -> DataFormatError:
    """Describe the first row of ``column`` that is not an integer (slow path, errors only)."""
    raw = pd.read_csv(path, usecols=[column], dtype=str, keep_default_na=False)[column]
    numbers = pd.to_numeric(raw, errors="coerce")
    bad = numbers.isna() | (numbers != numbers.round())
    position = int(np.flatnonzero(bad.to_numpy())[0]) if bad.any() else 0
    return DataFormatError(
        f"non-integer value {raw.iloc[position]!r}",
        where=_where(path, position + 2, column),
        fix=f"{column} must be a whole number",
    )


def read_roll_calls(path: Path) -> pd.DataFrame:
    """Read the roll calls (``un_roll_calls.csv.gz``).

    Parameters
    ----------
    path:
        The roll-calls CSV (plain or gzip).

    Returns
    -------
    DataFrame
        ``rcid`` (int32), ``session`` (int16, UNGA session number), ``year`` (int16, calendar
        year of the vote), ``date`` (datetime64), ``importantvote``, ``amend``, ``para``
        (nullable boolean: an "important vote" as classified by the US State Department, a vote
        on an amendment, a vote on a paragraph; missing where the source has no value),
        ``unres`` (resolution symbol), ``short`` and ``descr`` (text).

    Raises
    ------
    DataFormatError
        A missing column, a non-numeric rcid/session/flag, an unparsable date or a duplicate rcid.
    """
    path = Path(path)
    _check_columns(path, _ROLL_CALL_COLUMNS)
    frame = pd.read_csv(
        path,
        usecols=list(_ROLL_CALL_COLUMNS),
        dtype={"unres": str, "short": str, "descr": str, "date": str},
        keep_default_na=False,
        na_values=[""],
    )
    for column in ("rcid", "session", *_FLAG_COLUMNS):
        values = frame[column]
        if not pd.api.types.is_numeric_dtype(values):
            numbers = pd.to_numeric(values, errors="coerce")
            bad = np.flatnonzero((numbers.isna() & values.notna()).to_numpy())
            row = int(bad[0]) if len(bad) else 0
            raise DataFormatError(
                f"non-numeric value {values.iloc[row]!r}",
                where=_where(path, row + 2, column),
                fix=f"{column} must be a number",
            )
    for column in ("rcid", "session"):
        values = frame[column]
        bad = np.flatnonzero((values.isna() | (values != values.round())).to_numpy())
        if len(bad):
            raise DataFormatError(
                f"missing or non-integer value {values.iloc[bad[0]]!r}",
                where=_where(path, int(bad[0]) + 2, column),
                fix=f"every roll call needs a whole-number {column}",
            )
    for column in _FLAG_COLUMNS:
        values = frame[column]
        bad = np.flatnonzero((values.notna() & ~values.isin([0, 1])).to_numpy())
        if len(bad):
            raise DataFormatError(
                f"flag value {values.iloc[bad[0]]!r} is not 0 or 1",
                where=_where(path, int(bad[0]) + 2, column),
                fix=f"{column} must be 0, 1 or empty",
            )
    dates = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
    bad = np.flatnonzero(dates.isna().to_numpy())
    if len(bad):
        raise DataFormatError(
            f"unparsable date {frame['date'].iloc[bad[0]]!r}",
            where=_where(path, int(bad[0]) + 2, "date"),
            fix="dates must be YYYY-MM-DD",
        )
    rcid = frame["rcid"].astype("int32")
    duplicated = np.flatnonzero(rcid.duplicated().to_numpy())
    if len(duplicated):
        raise DataFormatError(
            f"duplicate roll call rcid {int(rcid.iloc[duplicated[0]])}",
            where=_where(path, int(duplicated[0]) + 2, "rcid"),
            fix="each roll call must appear once",
        )
    out = pd.DataFrame(
        {
            "rcid": rcid,
            "session": frame["session"].astype("int16"),
            "year": dates.dt.year.astype("int16"),
            "date": dates,
            "importantvote": frame["importantvote"].astype("boolean"),
            "unres": frame["unres"],
            "amend": frame["amend"].astype("boolean"),
            "para": frame["para"].astype("boolean"),
            "short": frame["short"],
            "descr": frame["descr"],
        }
    )
    return out.reset_index(drop=True)


def read_issues(path: Path, roll_calls: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read the issue tags of roll calls (``un_roll_call_issues.csv.gz``).

    Parameters
    ----------
    path:
        The issues CSV.
    roll_calls:
        The roll calls (from :func:`read_roll_calls`); when given, every tagged rcid must be one.

    Returns
    -------
    DataFrame
        ``rcid`` (int32), ``issue_code`` (categorical short name: ``co`` colonialism, ``di`` arms
        control and disarmament, ``ec`` economic development, ``hr`` human rights, ``me``
        Palestinian conflict, ``nu`` nuclear weapons) and ``issue`` (categorical label).

    Raises
    ------
    DataFormatError
        A missing column, a non-integer rcid, an empty issue, a duplicate (rcid, issue) or an
        rcid that is not a roll call.
    """
    path = Path(path)
    _check_columns(path, _ISSUE_COLUMNS)
    try:
        frame = pd.read_csv(
            path,
            usecols=list(_ISSUE_COLUMNS),
            dtype={"rcid": "int32", "short_name": "category", "issue": "category"},
            keep_default_na=False,
            na_values=[],
        )
    except ValueError as exc:
        raise _first_non_integer(path, "rcid") from exc
    for column in ("short_name", "issue"):
        empty = np.flatnonzero((frame[column].astype(str).str.strip() == "").to_numpy())
        if len(empty):
            raise DataFormatError(
                "empty issue",
                where=_where(path, int(empty[0]) + 2, column),
                fix="every tagged roll call needs an issue code and label",
            )
    duplicated = np.flatnonzero(frame.duplicated(["rcid", "short_name"]).to_numpy())
    if len(duplicated):
        raise DataFormatError(
            f"duplicate issue tag (rcid {int(frame['rcid'].iloc[duplicated[0]])})",
            where=_where(path, int(duplicated[0]) + 2),
            fix="tag each roll call with an issue once",
        )
    if roll_calls is not None:
        _check_known_rcids(frame["rcid"], roll_calls, path)
    return pd.DataFrame(
        {"rcid": frame["rcid"], "issue_code": frame["short_name"], "issue": frame["issue"]}
    )


def _check_known_rcids(rcid: pd.Series, roll_calls: pd.DataFrame, path: Path) -> None:
    known = np.sort(roll_calls["rcid"].to_numpy(dtype=np.int64))
    values = rcid.to_numpy(dtype=np.int64)
    position = np.searchsorted(known, values).clip(0, max(len(known) - 1, 0))
    unknown = np.flatnonzero(known[position] != values) if len(known) else np.arange(len(values))
    if len(unknown):
        first = int(unknown[0])
        n_unknown = len(np.unique(values[unknown]))
        raise DataFormatError(
            f"rcid {int(values[first])} is not a roll call ({n_unknown} unknown rcid(s) in all)",
            where=_where(path, first + 2, "rcid"),
            fix="use the roll-calls file of the same data release",
        )


def read_votes(votes_path: Path, roll_calls_path: Path | None = None) -> pd.DataFrame:
    """Read the votes (``un_votes.csv.gz``), keyed by powerscope country codes.

    Countries are resolved once per distinct (name, ISO2 code) pair: by ISO2 code, or by name
    when the code is empty (the source leaves it empty for the Federal Republic of Germany, the
    Yemen Arab Republic and Zanzibar).

    Parameters
    ----------
    votes_path:
        The votes CSV: ``rcid, country, country_code, vote``.
    roll_calls_path:
        The roll-calls CSV; when given, every voted rcid must be a roll call.

    Returns
    -------
    DataFrame
        ``rcid`` (int32), ``code`` (categorical powerscope code) and ``vote`` (int8: ``1`` yes,
        ``2`` abstain, ``3`` no; :data:`VOTE_CODES`). 870,109 rows for the full release.

    Raises
    ------
    DataFormatError
        A missing column, a non-integer rcid, a vote other than yes/no/abstain, a row without a
        country, two votes of one country on one roll call, or an rcid not among the roll calls.
    UnknownEntityError
        A country code or name the country resolver does not know.
    """
    votes_path = Path(votes_path)
    _check_columns(votes_path, _VOTE_COLUMNS)
    try:
        frame = pd.read_csv(
            votes_path,
            usecols=list(_VOTE_COLUMNS),
            dtype={
                "rcid": "int32",
                "country": "category",
                "country_code": "category",
                "vote": "category",
            },
            keep_default_na=False,  # "NA" is Namibia's ISO2 code
            na_values=[],
        )
    except ValueError as exc:
        raise _first_non_integer(votes_path, "rcid") from exc

    vote = _vote_codes(frame["vote"], votes_path)
    code = _resolve_countries(frame["country"], frame["country_code"], votes_path)

    rcid = frame["rcid"].to_numpy()
    n_codes = max(len(code.cat.categories), 1)
    key = rcid.astype(np.int64) * n_codes + code.cat.codes.to_numpy().astype(np.int64)
    duplicated = np.flatnonzero(pd.Series(key).duplicated().to_numpy())
    if len(duplicated):
        row = int(duplicated[0])
        raise DataFormatError(
            f"a second vote of {code.iloc[row]} (country {frame['country'].iloc[row]!r}) on "
            f"roll call {int(rcid[row])}",
            where=_where(votes_path, row + 2),
            fix="each country votes once per roll call; check the country names and codes",
        )
    out = pd.DataFrame({"rcid": frame["rcid"], "code": code, "vote": vote})
    if roll_calls_path is not None:
        _check_known_rcids(out["rcid"], read_roll_calls(Path(roll_calls_path)), votes_path)
    return out


def _vote_codes(vote: pd.Series, path: Path) -> np.ndarray:
    """Map the categorical yes/abstain/no column to int8 codes (1/2/3), validating it."""
    categories = [str(value) for value in vote.cat.categories]
    unknown = [value for value in categories if value not in VOTE_CODES]
    if unknown:
        bad_category = categories.index(unknown[0])
        row = int(np.flatnonzero(vote.cat.codes.to_numpy() == bad_category)[0])
        raise DataFormatError(
            f"vote {unknown[0]!r} is not yes, no or abstain",
            where=_where(path, row + 2, "vote"),
            fix="votes must be 'yes', 'no' or 'abstain' (absences are not rows)",
        )
    lookup = np.array([VOTE_CODES[value] for value in categories], dtype=np.int8)
    codes = vote.cat.codes.to_numpy()
    return lookup[codes] if len(lookup) else np.empty(0, dtype=np.int8)


def _resolve_countries(country: pd.Series, iso2: pd.Series, path: Path) -> pd.Series:
    """Resolve each distinct (name, ISO2) pair once and map rows through categorical codes."""
    names = np.asarray(country.cat.categories, dtype=object)
    codes2 = np.asarray(iso2.cat.categories, dtype=object)
    name_idx = country.cat.codes.to_numpy().astype(np.int64)
    code_idx = iso2.cat.codes.to_numpy().astype(np.int64)
    pair_key = name_idx * (len(codes2) + 1) + code_idx
    unique_keys, first_row, inverse = np.unique(pair_key, return_index=True, return_inverse=True)
    pair_names = [str(names[k // (len(codes2) + 1)]).strip() for k in unique_keys]
    pair_codes = [str(codes2[k % (len(codes2) + 1)]).strip() for k in unique_keys]

    for i, (name, code) in enumerate(zip(pair_names, pair_codes, strict=True)):
        if not name and not code:
            raise DataFormatError(
                "row has neither a country name nor a country code",
                where=_where(path, int(first_row[i]) + 2, "country"),
                fix="give each vote a country",
            )
    resolved: list[str] = [""] * len(unique_keys)
    by_code = [i for i, code in enumerate(pair_codes) if code]
    by_name = [i for i, code in enumerate(pair_codes) if not code]
    if by_code:
        distinct = sorted({pair_codes[i] for i in by_code})
        mapped = resolve_series(
            pd.Series(distinct, dtype=object),
            where=_where(path, None, "country_code"),
            scheme="iso2",
        )
        table = dict(zip(distinct, mapped.astype(str).tolist(), strict=True))
        for i in by_code:
            resolved[i] = table[pair_codes[i]]
    if by_name:
        distinct = sorted({pair_names[i] for i in by_name})
        mapped = resolve_series(
            pd.Series(distinct, dtype=object),
            where=_where(path, None, "country") + " (rows with an empty country_code)",
            scheme="name",
        )
        table = dict(zip(distinct, mapped.astype(str).tolist(), strict=True))
        for i in by_name:
            resolved[i] = table[pair_names[i]]

    categories = sorted(set(resolved))
    position = {value: j for j, value in enumerate(categories)}
    pair_to_category = np.array([position[value] for value in resolved], dtype=np.int32)
    row_codes = pair_to_category[inverse.ravel()] if len(pair_to_category) else inverse
    return pd.Series(pd.Categorical.from_codes(row_codes, categories=categories), name="code")


#: Serbia continued the UN membership of Serbia and Montenegro from 3 June 2006; the data keep
#: the name Yugoslavia (ISO2 YU) for it to 2020, as the UN Digital Library's "SERBIA" after.
SERBIA_FROM: Final = pd.Timestamp("2006-06-03")


def serbia_after_2006(votes: pd.DataFrame, roll_calls: pd.DataFrame) -> pd.DataFrame:
    """Code the votes of "Yugoslavia" after 3 June 2006 as Serbia (``SRB``), so that Serbia's
    votes are one series with the UN Digital Library's from 2020."""
    late = roll_calls.loc[roll_calls["date"] >= SERBIA_FROM, "rcid"]
    mask = ((votes["code"] == "YUG") & votes["rcid"].isin(late)).to_numpy()
    if not mask.any():
        return votes
    code = votes["code"].astype(str).to_numpy(copy=True)
    code[mask] = "SRB"
    return votes.assign(code=pd.Categorical(code))


def read(root: Path) -> dict[str, pd.DataFrame]:
    """Read the three UN voting tables from a data directory.

    Parameters
    ----------
    root:
        The data directory holding ``unvotes/`` (e.g. ``../shared/data``).

    Returns
    -------
    dict
        ``{"un_votes": ..., "un_roll_calls": ..., "un_roll_call_issues": ...}``; see the module
        docstring for their schemas. ``un_votes`` and ``un_roll_calls`` gain a ``source`` column
        (``"unvotes"``): the UN Digital Library votes from 2020
        (:mod:`powerscope.data.sources.unvotes_undl`) are appended to them with their own.
    """
    root = Path(root)
    roll_calls = read_roll_calls(root / ROLL_CALLS_FILE)
    votes = read_votes(root / VOTES_FILE)
    _check_known_rcids(votes["rcid"], roll_calls, root / VOTES_FILE)
    issues = read_issues(root / ISSUES_FILE, roll_calls)
    votes = serbia_after_2006(votes, roll_calls)
    votes["source"] = pd.Categorical([INFO.id] * len(votes))
    roll_calls["source"] = pd.Categorical([INFO.id] * len(roll_calls))
    return {"un_votes": votes, "un_roll_calls": roll_calls, "un_roll_call_issues": issues}


SOURCE: Final = Source(info=INFO, read=read)
SOURCES: Final[list[Source]] = [SOURCE]

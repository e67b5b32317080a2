"""UN General Assembly roll-call votes from 2020 on (United Nations Digital Library voting data).

The votes of Voeten, Strezhnev & Bailey (:mod:`powerscope.data.sources.unvotes`) stop in January
2020. This reader carries them on from the UN Digital Library's voting records, as recovered
from a public scraper's logs (files in ``unvotes_2020_2025/``):

``unga_votes_2020_2025-10.csv.gz``
    One row per member state per recorded General Assembly vote, 2020-01 to 2025-10:
    ``undl_record, resolution, vote_date, ms_name, vote`` (``Y``, ``N``, ``A``; empty = did not
    vote) and ``title``. Member states are named by the UN's upper-case names.
``unga_2025_resolutions_wide.csv``
    The whole 2025 session, one row per resolution (``Resolution, Date, Title, ..., UN Digital
    Library Link``), then one column per member state as ISO3 (``YES``/``NO``/``ABSTAIN``/empty).
    Only its roll calls that the first file lacks are added (November and December 2025).

The rows extend the ``un_votes`` and ``un_roll_calls`` tables of the Voeten data with the same
schema and coding (``1`` yes, ``2`` abstain, ``3`` no; absences are not rows), ``rcid`` being the
UN Digital Library record id, and a ``source`` column naming this dataset (``unvotes_undl``).
Roll calls the Voeten data already hold (January 2020) are left out: matched by resolution symbol
and date. :func:`check_overlap` compares the two sources on the years both cover.

An unknown member-state name is an error (:class:`~powerscope.errors.UnknownEntityError`)
naming it; add an alias (``countries/aliases.csv`` or ``POWERSCOPE_ALIASES``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from powerscope.countries import resolve_series
from powerscope.data.catalog import DatasetInfo, Source
from powerscope.data.sources._common import check_columns
from powerscope.data.sources._common import where as _where
from powerscope.errors import DataFormatError

DATASET_ID: Final = "unvotes_undl"
FOLDER: Final = "unvotes_2020_2025"
VOTES_FILE: Final = f"{FOLDER}/unga_votes_2020_2025-10.csv.gz"
WIDE_FILE: Final = f"{FOLDER}/unga_2025_resolutions_wide.csv"
#: the same source for 1946-2025 (General Assembly and Security Council): used by check_overlap
LONG_FILE: Final = f"{FOLDER}/unga_unsc_votes_1946_2025-10_long.csv.gz"
#: the Voeten roll calls, to leave out the roll calls both sources hold
VOETEN_ROLL_CALLS: Final = "unvotes/un_roll_calls.csv.gz"

_LONG_VOTES: Final[dict[str, int]] = {"Y": 1, "A": 2, "N": 3}
_WIDE_VOTES: Final[dict[str, int]] = {"YES": 1, "ABSTAIN": 2, "NO": 3}
_VOTE_COLUMNS: Final = ("undl_record", "resolution", "vote_date", "ms_name", "vote", "title")
_WIDE_COLUMNS: Final = ("Resolution", "Date", "Title", "UN Digital Library Link")

INFO: Final = DatasetInfo(
    id=DATASET_ID,
    short="UN Digital Library voting data 2020-2025",
    publisher="United Nations Digital Library",
    title="Voting data",
    edition=(
        "General Assembly recorded votes 2020-01 to 2025-10-29 (scraper logs, lefthand67/un_votes)"
        "; Nov-Dec 2025 from a separate scrape of the 2025 session"
    ),
    licence="United Nations terms of use (public UN records; cite the UN Digital Library)",
    citation=(
        "United Nations Digital Library, Voting data (General Assembly recorded votes), "
        "https://digitallibrary.un.org/search?cc=Voting+Data"
    ),
    url="https://digitallibrary.un.org/search?cc=Voting+Data",
    files=(VOTES_FILE, WIDE_FILE),
    tables=("un_votes", "un_roll_calls"),
    notes=(
        "Extends the Voeten tables from 2020 (rows with source 'unvotes_undl'); rcid is the UN "
        "Digital Library record id; roll calls already in the Voeten data (January 2020) are "
        "left out. Vote coding as Voeten's: 1 yes, 2 abstain, 3 no; absences are not rows."
    ),
)


def session_of(dates: pd.Series) -> pd.Series:
    """The General Assembly session of each date (session N opens in September of 1945 + N)."""
    year = dates.dt.year.astype("int16")
    return (year - 1946 + (dates.dt.month >= 9).astype("int16")).astype("int16")


def _key(symbol: pd.Series, dates: pd.Series) -> pd.Series:
    """A roll call's match key: the resolution symbol (upper case, no spaces) and the date."""
    clean = symbol.fillna("").astype(str).str.upper().str.replace(r"\s+", "", regex=True)
    # Voeten writes some sessions' symbols as R/73/5 for A/RES/73/5
    clean = clean.str.replace(r"^R/", "A/RES/", regex=True)
    return clean + "|" + pd.to_datetime(dates).dt.strftime("%Y-%m-%d")


def _read_csv(path: Path, required: tuple[str, ...], **kwargs: Any) -> pd.DataFrame:
    check_columns(path, required)
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], **kwargs)


def _dates(values: pd.Series, path: Path, column: str, offset: int = 2) -> pd.Series:
    dates = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    bad = np.flatnonzero(dates.isna().to_numpy())
    if len(bad):
        raise DataFormatError(
            f"unparsable date {values.iloc[bad[0]]!r}",
            where=_where(path, int(bad[0]) + offset, column),
            fix="dates must be YYYY-MM-DD",
        )
    return dates


def _votes(values: pd.Series, coding: dict[str, int], path: Path, column: str) -> pd.Series:
    """Map vote labels to 1/2/3 (empty: did not vote, NaN); anything else is an error."""
    text = values.astype(str).str.strip().str.upper()
    bad = np.flatnonzero((~text.isin([*coding, ""])).to_numpy())
    if len(bad):
        raise DataFormatError(
            f"vote {values.iloc[bad[0]]!r} is not one of {', '.join(coding)} or empty",
            where=_where(path, int(bad[0]) + 2, column),
            fix="votes must be yes, no, abstain or empty (did not vote)",
        )
    return text.map(coding)


def _calls(rcid: pd.Series, symbol: pd.Series, dates: pd.Series, title: pd.Series) -> pd.DataFrame:
    """Roll calls in the schema of the Voeten ``un_roll_calls`` table."""
    missing = pd.array([pd.NA] * len(rcid), dtype="boolean")
    return pd.DataFrame(
        {
            "rcid": rcid.astype("int32").to_numpy(),
            "session": session_of(dates).to_numpy(),
            "year": dates.dt.year.astype("int16").to_numpy(),
            "date": dates.to_numpy(),
            "importantvote": missing,
            "unres": symbol.astype(str).str.strip().to_numpy(),
            "amend": missing,
            "para": missing,
            "short": title.astype(str).to_numpy(),
            "descr": title.astype(str).to_numpy(),
        }
    )


def _check_unique_votes(votes: pd.DataFrame, path: Path) -> None:
    duplicated = votes.duplicated(["rcid", "code"])
    if duplicated.any():
        row = votes[duplicated].iloc[0]
        raise DataFormatError(
            f"a second vote of {row['code']} on record {int(row['rcid'])}",
            where=_where(path),
            fix="each member state votes once per roll call; check the member-state names",
        )


def read_long_votes(
    path: Path, *, years: tuple[int, int] | None = None, general_assembly: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a UN Digital Library votes file in long form (one row per member state and record).

    Parameters
    ----------
    path:
        ``unga_votes_2020_2025-10.csv.gz`` or ``unga_unsc_votes_1946_2025-10_long.csv.gz``.
    years:
        Keep only the records of these calendar years (first, last).
    general_assembly:
        Keep only General Assembly records (resolution symbols ``A/...``).

    Returns
    -------
    (votes, roll_calls)
        ``votes``: ``rcid`` (int32, the record id), ``code`` (categorical), ``vote`` (int8: 1
        yes, 2 abstain, 3 no; did-not-vote rows dropped). ``roll_calls``: the schema of
        :func:`powerscope.data.sources.unvotes.read_roll_calls` (flags missing).

    Raises
    ------
    DataFormatError
        A missing column, a bad record id, vote or date, a record with two dates, or two votes
        of one member state on one record.
    UnknownEntityError
        A member-state name the country resolver does not know (every one is named).
    """
    path = Path(path)
    required = tuple(c for c in _VOTE_COLUMNS if c != "title")
    frame = _read_csv(path, required)
    if "title" not in frame.columns:
        frame["title"] = ""
    if general_assembly:
        frame = frame[frame["resolution"].str.strip().str.startswith("A/")]
    dates = _dates(frame["vote_date"], path, "vote_date")
    if years is not None:
        keep = dates.dt.year.between(years[0], years[1]).to_numpy()
        frame, dates = frame[keep], dates[keep]
    frame = frame.reset_index(drop=True)
    dates = dates.reset_index(drop=True)
    rcid = pd.to_numeric(frame["undl_record"], errors="coerce")
    bad = np.flatnonzero((rcid.isna() | (rcid != rcid.round())).to_numpy())
    if len(bad):
        raise DataFormatError(
            f"record id {frame['undl_record'].iloc[bad[0]]!r} is not a whole number",
            where=_where(path, None, "undl_record"),
            fix="undl_record must be the UN Digital Library record number",
        )
    rcid = rcid.astype("int64")
    per_record = pd.DataFrame({"rcid": rcid, "date": dates}).drop_duplicates()
    if per_record["rcid"].duplicated().any():
        record = int(per_record.loc[per_record["rcid"].duplicated(), "rcid"].iloc[0])
        raise DataFormatError(
            f"record {record} has more than one vote date",
            where=_where(path, None, "vote_date"),
            fix="each record is one roll call on one date",
        )
    vote = _votes(frame["vote"], _LONG_VOTES, path, "vote")
    cast = vote.notna().to_numpy()
    names = frame["ms_name"].astype(str).str.strip()
    code = resolve_series(names[cast], where=_where(path, None, "ms_name"), scheme="name")
    votes = pd.DataFrame(
        {
            "rcid": rcid[cast].astype("int32").to_numpy(),
            "code": pd.Categorical(code.astype(str).to_numpy()),
            "vote": vote[cast].astype("int8").to_numpy(),
        }
    )
    _check_unique_votes(votes, path)
    first = ~rcid.duplicated()
    calls = _calls(rcid[first], frame["resolution"][first], dates[first], frame["title"][first])
    return votes, calls.sort_values(["date", "rcid"]).reset_index(drop=True)


def read_wide_votes(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the 2025 session in wide form (one row per resolution, one column per ISO3 code).

    The row under the header holding the member states' names (no resolution) is skipped. The
    roll call's ``rcid`` is the record number in its UN Digital Library link.

    Raises
    ------
    DataFormatError
        A missing column or link, a bad date or vote.
    UnknownEntityError
        A member-state column that is not a known ISO3 code.
    """
    path = Path(path)
    frame = _read_csv(path, _WIDE_COLUMNS)
    frame = frame[frame["Resolution"].str.strip() != ""].reset_index(drop=True)
    start = list(frame.columns).index("No Vote") + 1 if "No Vote" in frame.columns else 9
    members = list(frame.columns[start:])
    codes = resolve_series(
        pd.Series(members, dtype=object), where=_where(path) + " header", scheme="iso3"
    )
    record = frame["UN Digital Library Link"].str.extract(r"record/(\d+)", expand=False)
    bad = np.flatnonzero(record.isna().to_numpy())
    if len(bad):
        raise DataFormatError(
            f"no record number in link {frame['UN Digital Library Link'].iloc[bad[0]]!r}",
            where=_where(path, int(bad[0]) + 3, "UN Digital Library Link"),
            fix="each resolution needs its https://digitallibrary.un.org/record/N link",
        )
    rcid = record.astype("int64")
    dates = _dates(frame["Date"], path, "Date", offset=3)
    long = frame[members].set_axis(list(codes.astype(str)), axis=1)
    long.insert(0, "rcid", rcid)
    long = long.melt(id_vars="rcid", var_name="code", value_name="label")
    vote = _votes(long["label"], _WIDE_VOTES, path, "member-state column")
    cast = vote.notna().to_numpy()
    votes = pd.DataFrame(
        {
            "rcid": long["rcid"][cast].astype("int32").to_numpy(),
            "code": pd.Categorical(long["code"][cast].to_numpy()),
            "vote": vote[cast].astype("int8").to_numpy(),
        }
    )
    _check_unique_votes(votes, path)
    calls = _calls(rcid, frame["Resolution"], dates, frame["Title"])
    if calls["rcid"].duplicated().any():
        raise DataFormatError(
            f"record {int(calls.loc[calls['rcid'].duplicated(), 'rcid'].iloc[0])} appears twice",
            where=_where(path),
            fix="each resolution appears once",
        )
    return votes, calls.sort_values(["date", "rcid"]).reset_index(drop=True)


@dataclass
class Merged:
    """The new roll calls and votes, and what was left out as already held."""

    votes: pd.DataFrame
    calls: pd.DataFrame
    dropped: dict[str, int] = field(default_factory=dict)


def merge_new(
    known_calls: pd.DataFrame,
    parts: list[tuple[str, pd.DataFrame, pd.DataFrame]],
) -> Merged:
    """Add the roll calls of each part (name, votes, calls) in turn, leaving out those already
    held: the same resolution symbol and date, or the same record id.

    ``known_calls`` are the roll calls held before (the Voeten data's: ``rcid``, ``unres``,
    ``date``). Returns the new votes and roll calls only, and per part the roll calls left out.
    """
    keys = set(_key(known_calls["unres"], known_calls["date"]))
    rcids = set(known_calls["rcid"].astype(int))
    out_votes, out_calls, dropped = [], [], {}
    for name, votes, calls in parts:
        key = _key(calls["unres"], calls["date"])
        held = key.isin(keys) | calls["rcid"].astype(int).isin(rcids)
        dropped[name] = int(held.sum())
        new = calls[~held.to_numpy()]
        out_calls.append(new)
        out_votes.append(votes[votes["rcid"].isin(new["rcid"])])
        keys.update(key[~held.to_numpy()])
        rcids.update(new["rcid"].astype(int))
    votes = pd.concat(out_votes, ignore_index=True)
    votes["code"] = votes["code"].astype(str).astype("category")
    return Merged(votes, pd.concat(out_calls, ignore_index=True), dropped)


def read(root: Path) -> dict[str, pd.DataFrame]:
    """The votes and roll calls from 2020 on that the Voeten data lack, with ``source``.

    Returns ``{"un_votes": ..., "un_roll_calls": ...}`` in the Voeten tables' schema plus a
    ``source`` column (``"unvotes_undl"``); the store appends them to the Voeten tables.
    """
    from powerscope.data.sources.unvotes import read_roll_calls

    root = Path(root)
    known = read_roll_calls(root / VOETEN_ROLL_CALLS)
    merged = merge_new(
        known,
        [
            (VOTES_FILE, *read_long_votes(root / VOTES_FILE)),
            (WIDE_FILE, *read_wide_votes(root / WIDE_FILE)),
        ],
    )
    votes, calls = merged.votes, merged.calls.sort_values(["date", "rcid"])
    votes["source"] = pd.Categorical([DATASET_ID] * len(votes))
    calls = calls.reset_index(drop=True)
    calls["source"] = pd.Categorical([DATASET_ID] * len(calls))
    return {"un_votes": votes, "un_roll_calls": calls}


# --------------------------------------------------------------------------- overlap check


@dataclass
class OverlapReport:
    """How the UN Digital Library votes agree with the Voeten data on the years both cover."""

    years: tuple[int, int]
    voeten_roll_calls: int
    undl_records: int
    matched_roll_calls: int
    country_votes_compared: int
    identical_votes: int
    differing_votes: int
    only_voeten: int
    only_undl: int
    #: per year: matched roll calls, votes compared and the share identical
    by_year: pd.DataFrame
    #: the differing votes: key, code, the Voeten vote and the UN Digital Library vote
    differences: pd.DataFrame

    @property
    def share_identical(self) -> float:
        """Identical votes / votes both sources record on the matched roll calls."""
        return (
            self.identical_votes / self.country_votes_compared
            if self.country_votes_compared
            else float("nan")
        )

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k not in ("by_year", "differences")}
        out["years"] = list(self.years)
        out["share_identical"] = self.share_identical
        out["by_year"] = self.by_year.to_dict(orient="records")
        return out


def check_overlap(root: Path, years: tuple[int, int] = (2015, 2019)) -> OverlapReport:
    """Compare the Voeten votes with the UN Digital Library's (the long 1946-2025 file) on the
    General Assembly roll calls both hold in ``years``, matched by resolution symbol and date.

    Roll calls whose symbol and date are not unique on either side (the Voeten data's separate
    votes on paragraphs and amendments carry the resolution's symbol) are not matched.
    """
    from powerscope.data.sources.unvotes import (
        ROLL_CALLS_FILE,
        VOTES_FILE,
        read_votes,
        serbia_after_2006,
    )
    from powerscope.data.sources.unvotes import read_roll_calls as read_voeten_calls

    root = Path(root)
    first, last = years
    vcalls = read_voeten_calls(root / ROLL_CALLS_FILE)
    vcalls = vcalls[vcalls["year"].between(first, last)]
    vvotes = serbia_after_2006(read_votes(root / VOTES_FILE), vcalls)
    vvotes = vvotes[vvotes["rcid"].isin(vcalls["rcid"])]
    uvotes, ucalls = read_long_votes(root / LONG_FILE, years=years)

    vkey = pd.Series(_key(vcalls["unres"], vcalls["date"]).to_numpy(), index=vcalls["rcid"])
    ukey = pd.Series(_key(ucalls["unres"], ucalls["date"]).to_numpy(), index=ucalls["rcid"])
    vkey = vkey[~vkey.duplicated(keep=False) & ~vkey.str.startswith("|")]
    ukey = ukey[~ukey.duplicated(keep=False)]
    common = set(vkey) & set(ukey)
    vmap = vkey[vkey.isin(common)]
    umap = ukey[ukey.isin(common)]
    left = vvotes[vvotes["rcid"].isin(vmap.index)].assign(
        key=lambda f: f["rcid"].map(vmap), code=lambda f: f["code"].astype(str)
    )[["key", "code", "vote"]]
    right = uvotes[uvotes["rcid"].isin(umap.index)].assign(
        key=lambda f: f["rcid"].map(umap), code=lambda f: f["code"].astype(str)
    )[["key", "code", "vote"]]
    both = left.merge(right, on=["key", "code"], how="outer", suffixes=("_voeten", "_undl"))
    compared = both.dropna(subset=["vote_voeten", "vote_undl"])
    same = compared["vote_voeten"] == compared["vote_undl"]
    compared = compared.assign(year=compared["key"].str[-10:-6].astype(int), same=same)
    by_year = (
        compared.groupby("year")
        .agg(roll_calls=("key", "nunique"), votes=("same", "size"), identical=("same", "sum"))
        .reset_index()
    )
    by_year["share_identical"] = by_year["identical"] / by_year["votes"]
    differences = compared[~compared["same"]][["key", "code", "vote_voeten", "vote_undl"]]
    return OverlapReport(
        years=(first, last),
        voeten_roll_calls=len(vcalls),
        undl_records=len(ucalls),
        matched_roll_calls=len(common),
        country_votes_compared=len(compared),
        identical_votes=int(same.sum()),
        differing_votes=int((~same).sum()),
        only_voeten=int(both["vote_undl"].isna().sum()),
        only_undl=int(both["vote_voeten"].isna().sum()),
        by_year=by_year,
        differences=differences.reset_index(drop=True),
    )


SOURCE: Final = Source(info=INFO, read=read)
SOURCES: Final[list[Source]] = [SOURCE]


def votes_per_year(votes: pd.DataFrame, calls: pd.DataFrame, first: int = 2020) -> pd.DataFrame:
    """Roll calls, voting countries and votes per year from ``first``, with each year's sources.

    ``votes`` and ``calls`` are the store's ``un_votes`` and ``un_roll_calls`` tables."""
    calls = calls[calls["year"] >= first]
    joined = votes[votes["rcid"].isin(calls["rcid"])].merge(
        calls[["rcid", "year"]], on="rcid", how="left"
    )
    out = (
        joined.groupby("year")
        .agg(countries=("code", "nunique"), votes=("vote", "size"))
        .join(calls.groupby("year").agg(roll_calls=("rcid", "size")))
        .reset_index()
    )
    if "source" in calls.columns:
        sources = calls.groupby("year")["source"].agg(
            lambda s: ", ".join(sorted({str(v) for v in s}))
        )
        out["sources"] = out["year"].map(sources)
    return out[["year", "roll_calls", "countries", "votes", *out.columns[4:]]]

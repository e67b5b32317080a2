"""Like-minded partners: a transparent, re-weightable like-mindedness index for a focal country.

For a focal country F, every other UN member P is scored on components, each with its evidence,
and the scores are combined by the composite-index engine (``indices/partners.yaml``: min-max
normalisation, weighted arithmetic mean; every weight changeable with the one weights grammar of
:mod:`powerscope.index.weights`, rank intervals from the uncertainty analysis):

- ``un_votes``: percent agreement of P with F in the UN General Assembly over a window of years
  (Voeten, Strezhnev & Bailey to January 2020, the UN Digital Library after; default: the last
  five full years of votes, 2021-2025). Shown beside it, not scored: the *trend*, P's agreement
  with F year by year over the ten years that end with the window (:data:`TREND_YEARS`) and its
  Theil-Sen slope in percentage points per year (:func:`trend_slopes`), read as converging
  (>= +:data:`TREND_THRESHOLD` pp/year), drifting apart (<= -1) or steady;
- ``alliance``: ATOP (Leeds et al. 2002) in the last year of its data, split by obligation into
  three leaves, each 1 when the pair has an obligation *at least* that strong (the hierarchy of
  the COW alliance typology: defence > consultation/neutrality > non-aggression):
  ``alliance/defence`` (a defence or offence pact), ``alliance/consultation`` (a consultation or
  neutrality pact, or a defence pact) and ``alliance/nonaggression`` (any obligation, a
  non-aggression pact included). The alliance score is their weighted mean: with the default
  weights 0.8 / 0.2 / 0 a defence pact scores 100, a consultation or neutrality pact 20 and a
  non-aggression pact alone 0, since promising not to attack each other is no evidence of
  like-mindedness (South Korea's obligations with China and North Korea are of that kind).
  Re-weight them as any node: ``alliance/nonaggression=0.5,alliance/defence=0.5,
  alliance/consultation=0`` restores the old scoring (defence 1, any other obligation 0.5);
- ``shared_igos``: intergovernmental organisations both belong to (COW IGO, its last year);
- ``democracy``: similarity of regimes, ``1 - |polyarchy(P) - polyarchy(F)|`` (V-Dem electoral
  democracy index, each country's latest year of data);
- ``trade``: P's share of F's total trade, ``log(1 + %)`` (COW Trade, its last year);
- ``institutions``: how many of the curated institutional ties of ``institutions.yaml`` (forums,
  agreements, summit invitations, partnerships named in the debate; each cited) P shares with F.

A component a source does not cover for P is missing (not zero) and the index averages over the
components P has; absence of an alliance or a shared institution is a real zero. The years each
component reads are reported with the result (``years``), and each dataset's edition and data
years by its citation (:func:`powerscope.data.store.Store.citation`). The embedded ATOP data are
dyad-years of obligation flags: they do not name the treaties (ATOP's treaty list, with its
``atopid`` and names, is at http://www.atopdata.org), so the evidence names the obligations.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from powerscope.data.store import Store
from powerscope.errors import DataFormatError, NotFoundError, PeriodError, SpecError
from powerscope.files import load_yaml, read_yaml_file, shown_path
from powerscope.index.engine import Matrix

#: The index's components (the top-level nodes of ``indices/partners.yaml``).
COMPONENTS = (
    "un_votes",
    "alliance",
    "democracy",
    "institutions",
    "embassies",
    "shared_igos",
    "trade_agreements",
    "trade",
)
#: The alliance component's leaves (``alliance/defence``, ``alliance/consultation``,
#: ``alliance/nonaggression``), by their indicator names.
ALLIANCE_LEAVES = ("alliance_defence", "alliance_consultation", "alliance_nonaggression")
#: The embassies component's leaves (``embassies/focal``: the focal country's embassy in the
#: partner; ``embassies/partner``: the partner's in the focal country), by indicator name.
EMBASSY_LEAVES = ("embassy_focal", "embassy_partner")
#: The indicators (the matrix's columns).
INDICATORS = (
    "un_votes",
    *ALLIANCE_LEAVES,
    "shared_igos",
    "democracy",
    "trade",
    "institutions",
    "trade_agreements",
    *EMBASSY_LEAVES,
)
#: ATOP's obligation flags and their names in the evidence.
OBLIGATIONS = {
    "defense": "defence pact",
    "offense": "offence pact",
    "neutral": "neutrality pact",
    "consul": "consultation pact",
    "nonagg": "non-aggression pact",
}


def load_institutions(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """The curated institutional ties (``institutions.yaml``), or a user's file of that shape.

    Both are read safely (:func:`powerscope.files.load_yaml`: plain YAML types, aliases
    capped); a user's file must be a regular UTF-8 file of at most 8 MB.

    Raises
    ------
    DataFormatError
        A missing, unreadable or malformed file or entry (naming the file, and the line of
        invalid YAML).
    """
    if path is None:
        text = resources.files(__package__).joinpath("institutions.yaml").read_text("utf-8")
        where = "powerscope/alignment/institutions.yaml"
        raw = load_yaml(text, where)
    else:
        where = shown_path(path)
        try:
            raw = read_yaml_file(path, "institutions file", parameter="institutions")
        except DataFormatError as exc:  # invalid YAML: the reader names no parameter
            exc.parameter = exc.parameter or "institutions"
            raise
    if not isinstance(raw, Mapping):
        raise DataFormatError("an institutions file must map ids to entries", where=where)
    from powerscope.countries import resolve_many

    out: dict[str, dict[str, Any]] = {}
    for key, entry in raw.items():
        if not isinstance(entry, Mapping) or not entry.get("members") or not entry.get("source"):
            raise DataFormatError(
                f"institution {key!r} needs 'members' and 'source'",
                where=where,
                fix="give the member ISO3 codes and where the list comes from",
            )
        members = resolve_many(entry["members"], where=f"{where}: {key}")
        out[str(key)] = {**entry, "members": members}
    return out


@dataclass
class PartnerData:
    """The component matrix for a focal country, and the evidence behind each value.

    ``matrix`` holds the index's indicators (:data:`INDICATORS`); ``evidence`` one row per
    partner (``code`` and the raw values: see :func:`partner_data`); ``years`` the data years of
    every component; ``trend`` the UN vote agreement by year (``code, year, percent, n``)."""

    focal: str
    matrix: Matrix
    evidence: pd.DataFrame
    years: dict[str, Any]
    trend: pd.DataFrame


def _last(frame: pd.DataFrame, year: int | None) -> tuple[pd.DataFrame, int]:
    last = int(frame["year"].max()) if year is None else year
    return frame[frame["year"] == last], last


def _dyad(frame: pd.DataFrame, focal: str, value: pd.Series) -> pd.Series:
    """Values of dyads with the focal country, keyed by the other country (either order)."""
    a = frame["code1"].astype(str)
    b = frame["code2"].astype(str)
    left = pd.Series(value[a == focal].to_numpy(), index=b[a == focal].to_numpy())
    right = pd.Series(value[b == focal].to_numpy(), index=a[b == focal].to_numpy())
    both = pd.concat([left, right])
    return both.groupby(level=0).max()


#: Fewer roll calls than this in a year make a partial session (the January votes of a session
#: that began the year before), not a year of data to default to.
FULL_SESSION = 20

#: Years of UN votes in the default agreement window (ending with the last full year of votes).
UN_WINDOW = 5
#: Years of the agreement trend (ending with the last year of the agreement window).
TREND_YEARS = 10
#: A trend of at least this many percentage points per year (up or down) reads as converging or
#: drifting apart; a smaller one as steady.
TREND_THRESHOLD = 1.0
#: The fewest years with votes for a trend to be fitted.
TREND_MIN_YEARS = 3


def last_full_year(calls: pd.DataFrame) -> int:
    """The last year of UN roll calls (``calls``, with a ``year`` column) with a full session."""
    per_year = calls.groupby("year").size()
    return int(per_year[per_year >= FULL_SESSION].index.max())


def parse_years(text: str, *, parameter: str = "years") -> tuple[int, int]:
    """``"2021-2025"`` to ``(2021, 2025)``; one year (``"2025"``) is a window of one year.

    Raises
    ------
    PeriodError
        Text that is not ``FIRST-LAST`` or a year, or a window that ends before it starts.
    """
    match = re.fullmatch(r"\s*(\d{4})\s*(?:[-\u2013:]\s*(\d{4})\s*)?", str(text))
    if match is None:
        raise PeriodError(
            f"cannot read the years {text!r}",
            parameter=parameter,
            fix="write FIRST-LAST, e.g. 2021-2025, or one year, e.g. 2025",
        )
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        raise PeriodError(
            f"the years {text!r} end before they start", parameter=parameter, fix="e.g. 2021-2025"
        )
    return first, last


def check_vote_years(
    years: tuple[int, int], calls: pd.DataFrame, *, parameter: str = "years"
) -> tuple[int, int]:
    """Refuse a window of UN votes with a year outside the votes' years (an agreement titled
    2021-2030 on votes that end in 2025 would misstate what it measures); the error names the
    years there are."""
    first, last = (int(y) for y in years)
    have = (int(calls["year"].min()), int(calls["year"].max()))
    if last < first:
        raise PeriodError(
            f"the years {first}-{last} end before they start",
            parameter=parameter,
            fix="e.g. 2021-2025",
        )
    if first < have[0] or last > have[1]:
        raise PeriodError(
            f"no UN votes for {first}-{last}: the votes cover {have[0]}-{have[1]}",
            parameter=parameter,
            fix=f"choose years within {have[0]}-{have[1]}, e.g. {have[1] - 4}-{have[1]}",
        )
    return first, last


def agreement_trend(
    focal: str, votes: pd.DataFrame, calls: pd.DataFrame, *, years: tuple[int, int]
) -> pd.DataFrame:
    """UN General Assembly vote agreement of ``focal`` with every other country, year by year.

    Returns
    -------
    DataFrame
        ``code`` (the partner), ``year`` (calendar year of the votes), ``percent`` (percent of
        common roll calls voted alike, 0-100) and ``n`` (common roll calls), for the years of
        ``years`` in which the two shared at least 10 roll calls.
    """
    from powerscope.alignment.agreement import agreement_of

    # one pass over the votes: the focal country's row in every year (as agreement_with gives
    # year by year; a year with too few roll calls has no pair, not a zero agreement)
    frame = agreement_of([focal], votes, calls, by="year", years=(int(years[0]), int(years[1])))
    frame = frame.sort_values(
        ["year", "agreement_score", "partner"], ascending=[True, False, True], kind="stable"
    )
    return pd.DataFrame(
        {
            "code": frame["partner"].astype(str).to_numpy(),
            "year": frame["year"].to_numpy().astype(int),
            "percent": frame["percent_agreement"].to_numpy(float) * 100.0,
            "n": frame["n"].to_numpy(int),
        }
    )


def theil_sen(x: np.ndarray, y: np.ndarray) -> float:
    """The Theil-Sen slope of ``y`` on ``x``: the median of the slopes of every pair of points
    (Theil 1950; Sen 1968). Unlike a least-squares slope it is not swung by one unusual year
    (such as 2025, when the General Assembly's agenda and the US's votes changed)."""
    i, j = np.triu_indices(len(x), 1)
    keep = x[j] != x[i]
    return float(np.median((y[j] - y[i])[keep] / (x[j] - x[i])[keep]))


def trend_slopes(by_year: pd.DataFrame) -> pd.DataFrame:
    """The trend of each partner's agreement by year (:func:`agreement_trend`): its Theil-Sen
    slope (:func:`theil_sen`).

    Returns
    -------
    DataFrame
        Indexed by ``code``: ``slope`` (percentage points per year; NaN with fewer than
        :data:`TREND_MIN_YEARS` years), ``first``, ``last`` (the years fitted), ``change`` (the
        fitted change over those years, percentage points) and ``trend``: ``converging``
        (slope >= :data:`TREND_THRESHOLD`), ``drifting apart`` (<= -:data:`TREND_THRESHOLD`),
        ``steady``, or ``""`` without a slope.
    """
    rows = []
    for code, part in by_year.groupby("code", sort=True):
        x = part["year"].to_numpy(float)
        y = part["percent"].to_numpy(float)
        slope = theil_sen(x, y) if len(part) >= TREND_MIN_YEARS else float("nan")
        if np.isnan(slope):
            label = ""
        elif slope >= TREND_THRESHOLD:
            label = "converging"
        elif slope <= -TREND_THRESHOLD:
            label = "drifting apart"
        else:
            label = "steady"
        rows.append(
            {
                "code": str(code),
                "slope": slope,
                "first": int(x.min()),
                "last": int(x.max()),
                "change": slope * (x.max() - x.min()),
                "trend": label,
            }
        )
    frame = pd.DataFrame(rows, columns=["code", "slope", "first", "last", "change", "trend"])
    return frame.set_index("code")


def obligations(row: Mapping[str, Any]) -> str:
    """The ATOP obligations of a dyad in words (``"defence pact, non-aggression pact"``), or
    ``"none"``."""
    named = [label for flag, label in OBLIGATIONS.items() if bool(row.get(flag))]
    return ", ".join(named) or "none"


def alliance_leaves(atop: pd.DataFrame) -> pd.DataFrame:
    """The three alliance leaves of every ATOP dyad-year (see module doc): 1.0 when the pair has
    an obligation at least as strong as the leaf's, else 0.0."""
    flag = {c: atop[c].fillna(False).astype(bool).to_numpy() for c in OBLIGATIONS}
    defence = flag["defense"] | flag["offense"]
    consultation = defence | flag["consul"] | flag["neutral"]
    any_obligation = consultation | flag["nonagg"]
    return pd.DataFrame(
        {
            "alliance_defence": defence.astype(float),
            "alliance_consultation": consultation.astype(float),
            "alliance_nonaggression": any_obligation.astype(float),
        },
        index=atop.index,
    )


def _span(values: Any) -> int | str:
    years = sorted({int(v) for v in values})
    if not years:
        return "none"
    return years[0] if len(years) == 1 else f"{years[0]}-{years[-1]}"


def partner_data(
    focal: str,
    store: Store,
    *,
    years: tuple[int, int] | None = None,
    trend_years: int = TREND_YEARS,
    institutions: Path | None = None,
) -> PartnerData:
    """Every component for every partner of ``focal`` (see module doc).

    Parameters
    ----------
    focal:
        The focal country's code (``"KOR"``).
    store:
        Where the data are read from.
    years:
        ``(first, last)`` calendar years of UN votes for the agreement; default: the last
        :data:`UN_WINDOW` full years of votes (2021-2025).
    trend_years:
        Years of the agreement trend, ending with ``years``'s last year (default 10).
    institutions:
        A user's institutions file instead of the shipped ``institutions.yaml``.

    Returns
    -------
    PartnerData
        The evidence columns: ``un_agreement_pct`` (percent of common roll calls voted alike in
        the window), ``un_roll_calls`` (common roll calls), ``un_trend_pp_per_year``,
        ``un_trend`` (converging, drifting apart, steady), ``un_by_year`` (``{year: percent}``),
        ``alliance`` (the ATOP obligations in words), ``shared_igos`` (count), ``polyarchy``
        and ``polyarchy_year``, ``trade_share_pct`` (percent of the focal country's trade),
        ``institutions`` (shared ties' ids).

    Raises
    ------
    PeriodError
        ``years`` outside the years of UN votes (naming them), ``trend_years`` < 2.
    SpecError
        A focal country with no UN votes in the window or no democracy score.
    """
    from powerscope.alignment.agreement import agreement_with

    calls = store.table("un_roll_calls")
    if years is None:
        last_year = last_full_year(calls)
        years = (last_year - UN_WINDOW + 1, last_year)
    years = check_vote_years(years, calls)  # before reading the votes: a bad window fails fast
    if int(trend_years) < 2:
        raise PeriodError(
            f"a trend needs at least 2 years, not {trend_years}",
            parameter="trend_years",
            fix=f"e.g. {TREND_YEARS}",
        )
    votes = store.table("un_votes")
    agree = agreement_with(focal, votes, calls, years=years)
    common = agree.set_index("partner")["n"]
    agree = agree.set_index("partner")["percent_agreement"] * 100.0
    partners = sorted(c for c in agree.index.astype(str) if c != focal)
    if not partners:
        raise SpecError(f"{focal} has no UN votes in {years[0]}-{years[1]}")
    trend_span = (max(int(calls["year"].min()), years[1] - int(trend_years) + 1), years[1])
    by_year = agreement_trend(focal, votes, calls, years=trend_span)
    slopes = trend_slopes(by_year).reindex(partners)
    series = {
        str(code): {int(y): float(p) for y, p in zip(part["year"], part["percent"], strict=True)}
        for code, part in by_year.groupby("code")
    }
    atop, atop_year = _last(store.table("atop_alliance"), None)
    leaves = alliance_leaves(atop)
    alliance = pd.DataFrame({c: _dyad(atop, focal, leaves[c]) for c in ALLIANCE_LEAVES})
    alliance = alliance.reindex(partners).fillna(0.0)
    words = pd.Series(
        [obligations(r) for r in atop[list(OBLIGATIONS)].to_dict(orient="records")],
        index=atop.index,
    )
    named = _named(atop, focal, words)
    igo, igo_year = _last(store.table("cow_igo_dyad"), None)
    igos = _dyad(igo, focal, igo["dyadigos"].astype(float))
    demo = store.table("democracy").dropna(subset=["v2x_polyarchy"])
    demo_last = demo.sort_values("year").groupby(demo["code"].astype(str)).tail(1)
    demo_last = demo_last[demo_last["year"] >= int(demo["year"].max()) - 10]
    polyarchy = pd.Series(
        demo_last["v2x_polyarchy"].to_numpy(), index=demo_last["code"].astype(str)
    )
    poly_year = pd.Series(demo_last["year"].to_numpy(int), index=demo_last["code"].astype(str))
    trade, trade_year = _last(store.table("cow_trade_dyad"), None)
    flows = trade["flow1"].fillna(0) + trade["flow2"].fillna(0)
    dyad_trade = _dyad(trade, focal, flows)
    total_trade = float(dyad_trade.sum())
    ties = load_institutions(institutions)
    focal_ties = {k: set(v["members"]) for k, v in ties.items() if focal in v["members"]}
    shared = {p: sorted(k for k, m in focal_ties.items() if p in m) for p in partners}
    if focal not in polyarchy.index:
        raise SpecError(f"no democracy score for {focal}", fix="choose a country V-Dem covers")
    agreements, desta_year = _trade_agreements(store, focal, partners)
    posts, lowy_edition, by_edition = _embassies(store, focal, partners)
    evidence = pd.DataFrame(
        {
            "code": partners,
            "un_agreement_pct": agree.reindex(partners).to_numpy(),
            "un_roll_calls": common.reindex(partners).to_numpy(),
            "un_trend_pp_per_year": slopes["slope"].to_numpy(float),
            "un_trend": slopes["trend"].fillna("").to_numpy(),
            "un_by_year": [series.get(p, {}) for p in partners],
            "alliance": [named.get(p, "none") for p in partners],
            "shared_igos": igos.reindex(partners).to_numpy(),
            "polyarchy": polyarchy.reindex(partners).to_numpy(),
            "polyarchy_year": poly_year.reindex(partners).to_numpy(float),
            "trade_share_pct": (
                dyad_trade.reindex(partners).to_numpy() / total_trade * 100
                if total_trade > 0
                else np.full(len(partners), np.nan)
            ),
            "institutions": [", ".join(shared[p]) for p in partners],
            "trade_agreements": agreements["n_agreements"].to_numpy(float),
            "trade_agreement_titles": agreements["agreements"].fillna("").to_numpy(),
            "embassy": [
                _presence(f, q, focal)
                for f, q in zip(posts["focal"], posts["partner"], strict=True)
            ],
            "embassies_by_edition": [by_edition.get(p, {}) for p in partners],
        }
    )
    values = np.column_stack(
        [
            evidence["un_agreement_pct"].to_numpy(float),
            *(alliance[c].to_numpy(float) for c in ALLIANCE_LEAVES),
            evidence["shared_igos"].to_numpy(float),
            1.0 - np.abs(evidence["polyarchy"].to_numpy(float) - float(polyarchy[focal])),
            np.log1p(evidence["trade_share_pct"].to_numpy(float)),
            np.array([len(shared[p]) for p in partners], dtype=float),
            agreements["n_agreements"].to_numpy(float),
            posts["focal"].to_numpy(float),
            posts["partner"].to_numpy(float),
        ]
    )
    since = [str(v.get("since", ""))[:4] for v in ties.values() if focal in v["members"]]
    since = [s for s in since if s.isdigit()]
    data_years = {
        "un_votes": f"{years[0]}-{years[1]}",
        "un_trend": f"{trend_span[0]}-{trend_span[1]}",
        "alliance": atop_year,
        "shared_igos": igo_year,
        "democracy": _span([*poly_year.reindex(partners).dropna(), poly_year[focal]]),
        "trade": trade_year,
        "institutions": f"{min(since)}-{max(since)}" if since else "undated",
        "embassies": lowy_edition,
        "trade_agreements": desta_year,
    }
    matrix = Matrix(partners, list(INDICATORS), values)
    return PartnerData(focal, matrix, evidence, data_years, by_year)


def _named(atop: pd.DataFrame, focal: str, words: pd.Series) -> dict[str, str]:
    """The obligations of each dyad with ``focal`` in words, from either direction of the
    directed dyad-years (the two directions carry the same obligations)."""
    a = atop["code1"].astype(str)
    b = atop["code2"].astype(str)
    out: dict[str, str] = {}
    for other, text in zip(
        pd.concat([b[a == focal], a[b == focal]]),
        pd.concat([words[a == focal], words[b == focal]]),
        strict=True,
    ):
        if out.get(str(other), "none") == "none":
            out[str(other)] = str(text)
    return out


def _trade_agreements(
    store: Store, focal: str, partners: list[str]
) -> tuple[pd.DataFrame, int | str]:
    """DESTA trade agreements in force with each partner in DESTA's last year
    (:func:`powerscope.alignment.links.trade_agreements`): ``n_agreements`` (missing for a
    country DESTA does not cover) and ``agreements`` (titles), and the year; all missing when
    the focal country is in no DESTA agreement."""
    from powerscope.alignment.links import trade_agreements

    try:
        frame = trade_agreements(store, focal)
    except NotFoundError:
        empty = pd.DataFrame(index=partners, columns=["n_agreements", "agreements"], dtype=object)
        empty["n_agreements"] = np.nan
        return empty, "none"
    year = int(frame["year"].iloc[0]) if len(frame) else "none"
    out = frame.set_index("code")[["n_agreements", "agreements"]].reindex(partners)
    return out, year


def _presence(focal: Any, partner: Any, code: str = "the focal country") -> str:
    """Who keeps an embassy in the other, in words (``code``: the focal country)."""
    if pd.isna(focal) and pd.isna(partner):
        return "not covered"
    if pd.isna(partner):
        ours = "an embassy" if focal else "no embassy"
        return f"{code} keeps {ours} there; the partner is not a Lowy reporting country"
    if pd.isna(focal):
        theirs = "an embassy" if partner else "no embassy"
        return f"the partner keeps {theirs} in {code}; {code} is not a Lowy reporting country"
    if focal and partner:
        return "both ways"
    if focal:
        return f"{code}'s embassy there only"
    if partner:
        return f"its embassy in {code} only"
    return "neither"


def _embassies(
    store: Store, focal: str, partners: list[str]
) -> tuple[pd.DataFrame, int | str, dict[str, dict[int, str]]]:
    """Embassies each keeps in the other (Lowy Global Diplomacy Index,
    :func:`powerscope.alignment.links.embassies`), in the latest edition: columns ``focal``
    and ``partner`` (1.0/0.0; ``partner`` missing when the partner is not one of Lowy's
    reporting countries, ``focal`` missing when the focal country is not), the edition, and
    each partner's presence by edition in words (:func:`_presence`)."""
    from powerscope.alignment.links import embassies, lowy_editions

    editions = lowy_editions(store)
    if not editions:
        return pd.DataFrame({"focal": np.nan, "partner": np.nan}, index=partners), "none", {}
    by_edition: dict[str, dict[int, str]] = {p: {} for p in partners}
    latest = pd.DataFrame()
    for edition in editions:
        frame = embassies(store, focal, edition=edition).set_index("code")
        focal_reports = bool(frame["focal_embassy"].notna().any())
        ours = frame["focal_embassy"].reindex(partners).astype("float")
        if focal_reports:  # a country with no post of the focal country's: a real no
            ours = ours.fillna(0.0)
        theirs = frame["partner_embassy"].reindex(partners).astype("float")
        for p, f, q in zip(partners, ours, theirs, strict=True):
            by_edition[p][int(edition)] = _presence(f, q, focal)
        latest = pd.DataFrame({"focal": ours.to_numpy(), "partner": theirs.to_numpy()},
                              index=partners)  # fmt: skip
    return latest, int(editions[-1]), by_edition

"""Like-minded partners: a transparent, re-weightable like-mindedness index for a focal country.

For a focal country F, every other UN member P is scored on six components, each with its
evidence, and the scores are combined by the composite-index engine (``indices/partners.yaml``:
min-max normalisation, weighted arithmetic mean; every weight changeable, rank intervals from the
uncertainty analysis):

- ``un_votes``: percent agreement of P with F in the UN General Assembly over a window of years
  (Voeten, Strezhnev & Bailey; default: the last five years of votes in the store);
- ``alliance``: ATOP (Leeds et al. 2002) in the last year of its data: 1 for a defence pact with
  F, 0.5 for any other obligation (offence, neutrality, non-aggression, consultation), 0 for none;
- ``shared_igos``: intergovernmental organisations both belong to (COW IGO, its last year);
- ``democracy``: similarity of regimes, ``1 - |polyarchy(P) - polyarchy(F)|`` (V-Dem electoral
  democracy index, the latest year of data);
- ``trade``: P's share of F's total trade, ``log(1 + %)`` (COW Trade, its last year);
- ``institutions``: how many of the curated institutional ties of ``institutions.yaml`` (forums,
  agreements, summit invitations, partnerships named in the debate; each cited) P shares with F.

A component a source does not cover for P is missing (not zero) and the index averages over the
components P has; absence of an alliance or a shared institution is a real zero. The years each
component reads are reported with the result (``years``), and each dataset's edition and data
years by its citation (:func:`powerscope.data.store.Store.citation`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from powerscope.data.store import Store
from powerscope.errors import DataFormatError, SpecError
from powerscope.index.engine import Matrix

COMPONENTS = ("un_votes", "alliance", "shared_igos", "democracy", "trade", "institutions")


def load_institutions(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """The curated institutional ties (``institutions.yaml``), or a user's file of that shape."""
    if path is None:
        text = resources.files(__package__).joinpath("institutions.yaml").read_text("utf-8")
        where = "powerscope/alignment/institutions.yaml"
    else:
        if not path.is_file():
            raise DataFormatError("institutions file not found", where=str(path))
        text, where = path.read_text(encoding="utf-8"), str(path)
    raw = yaml.safe_load(text)
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
    """The component matrix for a focal country, and the evidence behind each value."""

    focal: str
    matrix: Matrix
    evidence: pd.DataFrame  # code + raw values per component
    years: dict[str, Any]


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


def last_full_year(calls: pd.DataFrame) -> int:
    """The last year of UN roll calls (``calls``, with a ``year`` column) with a full session."""
    per_year = calls.groupby("year").size()
    return int(per_year[per_year >= FULL_SESSION].index.max())


def partner_data(
    focal: str,
    store: Store,
    *,
    un_years: tuple[int, int] | None = None,
    institutions: Path | None = None,
) -> PartnerData:
    """Every component for every partner of ``focal`` (see module doc)."""
    from powerscope.alignment.agreement import agreement_with

    votes = store.table("un_votes")
    calls = store.table("un_roll_calls")
    last_year = last_full_year(calls)
    un_years = un_years or (last_year - 4, last_year)
    agree = agreement_with(focal, votes, calls, years=un_years)
    agree = agree.set_index(agree.columns[0])["percent_agreement"] * (
        100.0 if agree["percent_agreement"].max() <= 1.0 else 1.0
    )
    partners = sorted(c for c in agree.index.astype(str) if c != focal)
    if not partners:
        raise SpecError(f"{focal} has no UN votes in {un_years[0]}-{un_years[1]}")
    atop, atop_year = _last(store.table("atop_alliance"), None)
    obligation = atop[["offense", "neutral", "nonagg", "consul"]].any(axis=1)
    alliance_value = np.where(atop["defense"], 1.0, np.where(obligation, 0.5, 0.0))
    alliance = _dyad(atop, focal, pd.Series(alliance_value, index=atop.index))
    igo, igo_year = _last(store.table("cow_igo_dyad"), None)
    igos = _dyad(igo, focal, igo["dyadigos"].astype(float))
    demo = store.table("democracy").dropna(subset=["v2x_polyarchy"])
    demo_last = demo.sort_values("year").groupby(demo["code"].astype(str)).tail(1)
    polyarchy = pd.Series(
        demo_last["v2x_polyarchy"].to_numpy(), index=demo_last["code"].astype(str)
    )
    trade, trade_year = _last(store.table("cow_trade_dyad"), None)
    flows = trade["flow1"].fillna(0) + trade["flow2"].fillna(0)
    dyad_trade = _dyad(trade, focal, flows)
    total_trade = float(dyad_trade.sum())
    ties = load_institutions(institutions)
    focal_ties = {k: set(v["members"]) for k, v in ties.items() if focal in v["members"]}
    shared = {p: sorted(k for k, m in focal_ties.items() if p in m) for p in partners}
    if focal not in polyarchy.index:
        raise SpecError(f"no democracy score for {focal}", fix="choose a country V-Dem covers")
    evidence = pd.DataFrame(
        {
            "code": partners,
            "un_agreement_pct": agree.reindex(partners).to_numpy(),
            "alliance": alliance.reindex(partners).fillna(0.0).to_numpy(),
            "shared_igos": igos.reindex(partners).to_numpy(),
            "polyarchy": polyarchy.reindex(partners).to_numpy(),
            "trade_share_pct": (
                dyad_trade.reindex(partners).to_numpy() / total_trade * 100
                if total_trade > 0
                else np.full(len(partners), np.nan)
            ),
            "institutions": [", ".join(shared[p]) for p in partners],
        }
    )
    values = np.column_stack(
        [
            evidence["un_agreement_pct"].to_numpy(float),
            evidence["alliance"].to_numpy(float),
            evidence["shared_igos"].to_numpy(float),
            1.0 - np.abs(evidence["polyarchy"].to_numpy(float) - float(polyarchy[focal])),
            np.log1p(evidence["trade_share_pct"].to_numpy(float)),
            np.array([len(shared[p]) for p in partners], dtype=float),
        ]
    )
    years = {
        "un_votes": f"{un_years[0]}-{un_years[1]}",
        "alliance": atop_year,
        "shared_igos": igo_year,
        "democracy": "latest (to 2020)",
        "trade": trade_year,
    }
    return PartnerData(focal, Matrix(partners, list(COMPONENTS), values), evidence, years)

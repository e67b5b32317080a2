"""What the open power index says about a country over time: rank history, the measures that
move it, gaps to peers, rank under other weights, and agreement with published rankings.

Every function takes a computed :class:`~powerscope.index.panel.PanelResult` (or computes the
``power`` index from the store) and returns plain pandas; citations travel in the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from powerscope.data.store import Store, open_store
from powerscope.errors import NotFoundError
from powerscope.index.panel import PanelResult, compute_panel
from powerscope.index.spec import IndexSpec, load_spec
from powerscope.power.compare import LOWY_API_2024, RankComparison, compare_ranks

#: alternative measure weights a reader may hold (each sums to 1), to show what moves a rank
SCENARIOS: dict[str, dict[str, float]] = {
    "equal measures": {m: 0.125 for m in (
        "Economic capability", "Military capability", "Resilience", "Future resources",
        "Economic relationships", "Defence networks", "Diplomatic influence", "Technology",
    )},
    "hard power (economy and military 0.35 each)": {
        "Economic capability": 0.35, "Military capability": 0.35, "Resilience": 0.05,
        "Future resources": 0.05, "Economic relationships": 0.05, "Defence networks": 0.05,
        "Diplomatic influence": 0.05, "Technology": 0.05,
    },
    "technology first (0.35)": {
        "Economic capability": 0.15, "Military capability": 0.15, "Resilience": 0.05,
        "Future resources": 0.10, "Economic relationships": 0.10, "Defence networks": 0.05,
        "Diplomatic influence": 0.05, "Technology": 0.35,
    },
}  # fmt: skip


def power_spec() -> IndexSpec:
    """The ``power`` index spec shipped with powerscope."""
    return load_spec("power")


def power_result(
    store: Store | None = None, *, weights: Mapping[str, float] | None = None
) -> PanelResult:
    """The ``power`` index computed for every state and year (2000-2024)."""
    return compute_panel(power_spec(), store=store or open_store(), weights=weights)


def _row(result: PanelResult, code: str) -> int:
    if code not in result.codes:
        raise NotFoundError(
            f"{code!r} is not a unit of the power index",
            parameter="code",
            fix="give the ISO3 code of a sovereign state, e.g. KOR",
        )
    return result.codes.index(code)


def measure_ranks(result: PanelResult, year: int) -> pd.DataFrame:
    """Every state's score and rank in the index and in each measure in ``year``.

    Returns
    -------
    pandas.DataFrame
        Indexed by code: ``score, rank`` and ``<measure>`` (score 0-100) and
        ``<measure> rank`` for each of the eight measures.
    """
    one = result.for_year(year)
    scores = one.scores
    out = pd.DataFrame({"score": scores["index"], "rank": one.ranks["index"]})
    for measure in result.measures:
        out[measure] = scores[measure]
        out[f"{measure} rank"] = scores[measure].rank(ascending=False, method="min")
    return out.sort_values("rank")


def rank_history(result: PanelResult, code: str) -> pd.DataFrame:
    """A state's score and rank in every year, and its score in each measure (0-100)."""
    _row(result, code)
    frame = result.frame
    return frame[frame["code"] == code].drop(columns=["name"]).reset_index(drop=True)


def contributions(result: PanelResult, code: str, year: int) -> pd.Series:
    """Points of the index score each measure contributes (measure score x measure weight,
    rescaled over the measures present), by measure."""
    one = result.for_year(year)
    return pd.Series({m: one.contribution(code, m) for m in result.measures}, name=year)


def rank_drivers(result: PanelResult, code: str, first: int, last: int) -> pd.DataFrame:
    """The measures that moved a state between two years: change of each measure's score and of
    its contribution to the index (points), largest contribution change first."""
    _row(result, code)
    a, b = contributions(result, code, first), contributions(result, code, last)
    ra, rb = measure_ranks(result, first), measure_ranks(result, last)
    table = pd.DataFrame(
        {
            "score_first": [ra.loc[code, m] for m in result.measures],
            "score_last": [rb.loc[code, m] for m in result.measures],
            "rank_first": [ra.loc[code, f"{m} rank"] for m in result.measures],
            "rank_last": [rb.loc[code, f"{m} rank"] for m in result.measures],
            "contribution_change": (b - a).to_numpy(),
        },
        index=result.measures,
    )
    order = np.argsort(-np.abs(table["contribution_change"].to_numpy()), kind="stable")
    return table.iloc[order]


def peer_gaps(result: PanelResult, code: str, peers: Sequence[str], year: int) -> pd.DataFrame:
    """The index gap (points) between a state and each peer in ``year``, and the measure whose
    contributions differ most (the state's minus the peer's; among the measures both have)."""
    own = contributions(result, code, year)
    one = result.for_year(year)
    scores = one.scores
    rows = []
    for peer in peers:
        _row(result, peer)
        # a measure missing for either state is left out of the measure comparison
        both = [m for m in result.measures if scores.loc[[code, peer], m].notna().all()]
        diff = (own - contributions(result, peer, year))[both]
        largest = diff.abs().idxmax()
        rows.append(
            {
                "peer": peer,
                "gap": one.score(code) - one.score(peer),
                "peer_rank": one.rank(peer),
                "largest_measure": largest,
                "largest_measure_gap": float(diff[largest]),
            }
        )
    return pd.DataFrame(rows)


def weight_scenarios(
    code: str,
    year: int,
    *,
    store: Store | None = None,
    scenarios: Mapping[str, Mapping[str, float]] | None = None,
) -> pd.DataFrame:
    """A state's rank in ``year`` under the default and other measure weights."""
    store = store or open_store()
    rows = [{"weights": "default", "rank": power_result(store).for_year(year).rank(code)}]
    for name, weights in (scenarios or SCENARIOS).items():
        rank = power_result(store, weights=dict(weights)).for_year(year).rank(code)
        rows.append({"weights": name, "rank": rank})
    return pd.DataFrame(rows)


def published_comparisons(
    result: PanelResult, year: int, store: Store | None = None
) -> dict[str, RankComparison]:
    """Rank correlations of the open index in ``year`` with Global Firepower 2026, the Belfer
    CETI 2025 and the Lowy Asia Power Index 2024 (see :mod:`powerscope.power.compare`)."""
    from powerscope.index.service import compute_index

    store = store or open_store()
    ours = measure_ranks(result, year)["rank"].astype(float)
    gfp = store.table("gfp_index", columns=["code", "rank"])
    gfp_ranks = pd.Series(gfp["rank"].to_numpy(float), index=gfp["code"].astype(str))
    ceti = compute_index(load_spec("ceti"), store=store, exclude_aggregates=True)
    ceti_ranks = ceti.ranks["index"].dropna().astype(float)
    lowy = pd.Series(LOWY_API_2024, dtype=float)
    return {
        "gfp": compare_ranks(ours, gfp_ranks, "Global Firepower 2026"),
        "ceti": compare_ranks(ours, ceti_ranks, "Belfer CETI 2025"),
        "lowy": compare_ranks(ours, lowy, "Lowy Asia Power Index 2024 (13 stated ranks)"),
    }


def summary(result: PanelResult, code: str, peers: Sequence[str]) -> dict[str, Any]:
    """Figures for a report: rank by year, drivers 2000 -> last year, gaps to peers."""
    history = rank_history(result, code)
    last = int(history["year"].max())
    return {
        "ranks": dict(zip(history["year"].astype(int), history["rank"].astype(int), strict=True)),
        "drivers": rank_drivers(result, code, int(history["year"].min()), last),
        "peers": peer_gaps(result, code, peers, last),
    }

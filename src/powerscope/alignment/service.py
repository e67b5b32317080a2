"""Alignment figures as the shells ask for them: data from the store, cited."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from powerscope.data.catalog import Citation
from powerscope.data.store import Store, open_store

#: the UN votes' dataset id in the catalog
VOTES_DATASET = "unvotes"


#: the UN votes' datasets, in order: Voeten's to January 2020, the UN Digital Library's after
VOTES_DATASETS = (VOTES_DATASET, "unvotes_undl")


def votes_citations(store: Store | None = None) -> list[Citation]:
    """The citations of every UN votes dataset in the store (Voeten's and, from 2020, the UN
    Digital Library's), each with its edition and data years."""
    store = store or open_store()
    present = {str(i) for i in store.datasets()["id"]}
    return [store.citation(d) for d in VOTES_DATASETS if d in present]


def last_vote_year(store: Store | None = None) -> int:
    """The last year of UN votes in the store with a full session: the default last year of
    the alignment measures."""
    from powerscope.alignment.partners import last_full_year

    return last_full_year((store or open_store()).table("un_roll_calls", columns=["year"]))


def like_minded(
    focal: str,
    *,
    weights: Mapping[str, float] | None = None,
    renormalise: bool = False,
    runs: int = 0,
    seed: int = 1,
    years: tuple[int, int] | None = None,
    trend_years: int | None = None,
    institutions: Path | None = None,
    store: Store | None = None,
) -> dict[str, Any]:
    """Rank every country by like-mindedness with ``focal``, with each component's evidence.

    ``years`` is the window of UN votes (default: the last five full years, 2021-2025) and
    ``trend_years`` the length of the agreement trend ending with it (default 10; see
    :func:`powerscope.alignment.partners.partner_data`). With ``runs`` > 0 a rank-uncertainty
    analysis (the index's declared assumptions, around the weights given) adds each partner's
    median rank and 5th-95th percentile interval. ``years`` in the result holds every
    component's data years; each partner's ``evidence`` its raw values (the ATOP obligations in
    words, the agreement by year and its trend in percentage points per year).
    """
    from powerscope.alignment.partners import TREND_THRESHOLD, TREND_YEARS, partner_data
    from powerscope.countries import members, name_of
    from powerscope.index import compute, load_spec
    from powerscope.index.robustness import uncertainty
    from powerscope.index.service import index_citations, source_text

    store = store or open_store()
    spec = load_spec("partners")
    data = partner_data(focal, store, years=years, institutions=institutions,
                        trend_years=TREND_YEARS if trend_years is None else trend_years)  # fmt: skip
    names = {c: (name_of(c), False) for c in data.matrix.units}
    result = compute(spec, data.matrix, weights=weights, renormalise=renormalise, units=names)
    named = members("LMC")
    citations = index_citations(spec, store)
    evidence = data.evidence.set_index("code")
    rows = []
    for rec in result.rows():
        code = rec["code"]
        ev = evidence.loc[code]
        rows.append(
            {
                "rank": rec["rank"],
                "code": code,
                "name": rec["name"],
                "score": rec["score"],
                "named_like_minded": code in named,
                "components": {c: _num(result.score(code, c)) for c in result.children_of()},
                "evidence": {k: _num(v) if not isinstance(v, str) else v for k, v in ev.items()},
            }
        )
    out: dict[str, Any] = {
        "focal": focal,
        "name": name_of(focal),
        "weights": result.method["weights"],
        "years": data.years,
        "trend": {
            "years": data.years["un_trend"],
            "measure": "Theil-Sen slope of the yearly UN vote agreement (median of the slopes "
            "between every two years), percentage points per year",
            "converging": f">= +{TREND_THRESHOLD:g}",
            "drifting apart": f"<= -{TREND_THRESHOLD:g}",
        },
        "notes": {
            "alliance": "ATOP obligations of the dyad in its last year of data; the embedded "
            "ATOP data are dyad-year obligation flags and do not name the treaties (ATOP's "
            "treaty list: http://www.atopdata.org)",
        },
        "source": source_text(spec, citations),
        "citations": [c.to_dict() for c in citations],
        "partners": rows,
    }
    if runs:
        weighted = spec.with_weights(weights or {}, renormalise=renormalise)
        ua = uncertainty(weighted, runs=runs, seed=seed, data=data.matrix, units=names)
        summary = ua.summary().set_index("code")
        for row in rows:
            s = summary.loc[row["code"]]
            row.update(
                median_rank=float(s["median_rank"]),
                q05_rank=float(s["q05_rank"]),
                q95_rank=float(s["q95_rank"]),
            )
        out["uncertainty"] = {"runs": runs, "seed": seed, "failed_runs": len(ua.failed)}
    return out


def _num(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    return value


def named_partner_ranks(report: Mapping[str, Any]) -> pd.DataFrame:
    """Where the debate's named like-minded countries rank, with their components."""
    rows = [
        {
            "rank": p["rank"],
            "code": p["code"],
            "name": p["name"],
            "score": p["score"],
            **p["components"],
        }
        for p in report["partners"]
        if p["named_like_minded"]
    ]
    return pd.DataFrame(rows)


def fit_cached(start: int, end: int, store: Store | None = None) -> Any:
    """Ideal points for ``start``-``end``, fitted once and kept in ``$POWERSCOPE_HOME/cache``
    (keyed by the years, the estimator's source code and the sha256 of the UN votes data)."""
    import hashlib
    import os
    import pickle
    import tempfile

    from powerscope import __version__
    from powerscope.alignment.agreement import load
    from powerscope.alignment.idealpoints import fit_idealpoints
    from powerscope.data.store import home

    store = store or open_store()
    record = store.dataset(VOTES_DATASET) or {}
    from powerscope.alignment import idealpoints as model

    code_digest = hashlib.sha256(Path(model.__file__).read_bytes()).hexdigest()
    key = (start, end, __version__, code_digest, sorted((record.get("sha256") or {}).items()))
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:16]
    cache = home() / "cache" / f"idealpoints-{start}-{end}-{digest}.pickle"
    if cache.is_file():
        with cache.open("rb") as handle:
            return pickle.load(handle)
    data = load(store)
    fitted = fit_idealpoints(data.votes, data.calls, start=start, end=end)
    cache.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=".idealpoints.")
    with os.fdopen(fd, "wb") as handle:
        pickle.dump(fitted, handle)
    os.replace(tmp, cache)
    return fitted


def idealpoints(
    start: int, end: int, *, country: str | None = None, store: Store | None = None
) -> pd.DataFrame:
    """Ideal points by country and year (``code, year, idealpoint, lower, upper, n_votes``)."""
    fitted = fit_cached(start, end, store)
    frame = fitted.frame
    if country:
        code = fitted._code(country)
        frame = frame[frame["code"] == code]
    columns = [
        c for c in ("code", "year", "idealpoint", "lower", "upper", "n_votes") if c in frame.columns
    ]
    return frame[columns].reset_index(drop=True)


def distances(
    country: str, others: list[str], start: int, end: int, *, store: Store | None = None
) -> pd.DataFrame:
    """Year-by-year ideal-point distance from ``country`` to each of ``others``, with intervals."""
    fitted = fit_cached(start, end, store)
    frames = []
    for other in others:
        part = fitted.distance(country, other)
        part.insert(0, "other", fitted._code(other))
        frames.append(part)
    return pd.concat(frames, ignore_index=True)

"""The open comprehensive-power index: time to derive and compute it, and the figures quoted in
docs/power.md (coverage, South Korea's rank by year, rank under other weights, rank
correlations with Global Firepower 2026, the Belfer CETI 2025 and the Lowy Asia Power Index
2024). Prints JSON.

Usage: python benchmarks/bench_power.py [--year 2024] [--country KOR]
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--country", default="KOR")
    args = parser.parse_args()

    from powerscope.data.store import open_store
    from powerscope.power.analysis import (
        measure_ranks,
        power_result,
        published_comparisons,
        rank_drivers,
        rank_history,
        weight_scenarios,
    )
    from powerscope.power.indicators import coverage, power_panel, sovereign_states

    store = open_store()
    start = time.perf_counter()
    panel = power_panel(store)
    derive_s = time.perf_counter() - start
    start = time.perf_counter()
    result = power_result(store)
    compute_s = time.perf_counter() - start
    states = sovereign_states(store)
    report = coverage(panel, states)
    year = report[report["year"] == args.year].set_index("indicator")
    history = rank_history(result, args.country)
    ranks = measure_ranks(result, args.year)
    code = args.country
    out: dict[str, Any] = {
        "seconds": {"derive": round(derive_s, 2), "compute": round(compute_s, 2)},
        "states": len(states),
        "ranked_per_year": {
            int(y): int(n) for y, n in result.frame.groupby("year")["code"].size().items()
        },
        "missing_share": {k: round(float(v), 3) for k, v in year["missing_share"].items()},
        "carried_share": {k: round(float(v), 3) for k, v in year["carried_share"].items()},
        "top15": [
            {"code": c, "rank": int(r), "score": round(float(s), 1)}
            for c, r, s in zip(
                ranks.index[:15], ranks["rank"][:15], ranks["score"][:15], strict=True
            )
        ],
        "country": code,
        "ranks": dict(zip(history["year"].astype(int), history["rank"].astype(int), strict=True)),
        "scores": {
            int(y): round(float(s), 1)
            for y, s in zip(history["year"], history["score"], strict=True)
        },
        "measure_ranks": {m: int(ranks.loc[code, f"{m} rank"]) for m in result.measures},
        "drivers": {
            m: round(float(v), 2)
            for m, v in rank_drivers(result, code, 2000, args.year)["contribution_change"].items()
        },
        "scenarios": {
            str(r["weights"]): int(r["rank"])
            for _, r in weight_scenarios(code, args.year, store=store).iterrows()
        },
        "comparisons": {},
    }
    for key, comp in published_comparisons(result, args.year, store).items():
        out["comparisons"][key] = {
            "name": comp.name,
            "n": comp.n,
            "spearman": round(comp.spearman, 3),
            "largest_differences": [
                {
                    "code": str(r.code),
                    "ours": int(r.ours),
                    "theirs": int(r.theirs),
                    "ours_among": float(r.ours_among),
                    "theirs_among": float(r.theirs_among),
                }
                for r in comp.table.head(8).itertuples()
            ],
        }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

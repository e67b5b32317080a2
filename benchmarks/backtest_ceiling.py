"""How high can any forecast go against the backtests' goal? Ceilings with hindsight. Prints JSON.

The goal set for the dynamic model is to beat both naive forecasts (last value and drift) on at
least 60% of series-country-origin cases. This scores, on the same 16 countries, origins and
test years as ``backtest_summary.py``, the model, AutoETS and the whole trend family between and
around the naive forecasts (:mod:`powerscope.dynamics.ceiling`), and reports the shares they
reach, including choices made with hindsight that no honest forecast can make.

Usage: python benchmarks/backtest_ceiling.py [--runs 300] [--countries KOR,CHN,...]
"""

from __future__ import annotations

import argparse
import json
import time

import pandas as pd

COUNTRIES = ("KOR", "CHN", "JPN", "USA", "DEU", "GBR", "FRA", "ITA", "CAN", "ESP", "SWE",
             "POL", "TUR", "RUS", "IND", "SGP")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--origins", default="2005,2010,2014")
    parser.add_argument("--countries", default=",".join(COUNTRIES))
    parser.add_argument(
        "--before",
        action="store_true",
        help="Also the recommendation known at each origin, from the earlier origins' "
        "backtests up to it (slower: more backtests).",
    )
    args = parser.parse_args()

    from powerscope.data.store import open_store
    from powerscope.dynamics.backtest import backtest_origins
    from powerscope.dynamics.ceiling import ceilings, family_errors, recommended_at
    from powerscope.dynamics.history import load_history

    store = open_store()
    origins = tuple(int(o) for o in args.origins.split(","))
    started = time.perf_counter()
    frames = []
    for code in args.countries.split(","):
        report = backtest_origins(code, origins, runs=args.runs, seed=args.seed, store=store)
        history = load_history(code, store)
        use = {s["name"]: s["use"] for s in report["series"]}
        for backtest in report["backtests"]:
            origin = int(backtest["fit"][1])
            model = pd.DataFrame(
                [
                    {
                        "series": s["name"],
                        "model_error": s["model_error"],
                        "ets_error": s["ets_error"],
                        "use": use[s["name"]],
                    }
                    for s in backtest["series"]
                    if s["model_beats_naive"] is not None
                ]
            )
            earlier = tuple(o for o in origins if o < origin)
            if args.before and earlier:
                before = recommended_at(code, origin, earlier, runs=args.runs, store=store)
                model["use_before"] = model["series"].map(before)
            elif args.before:
                model["use_before"] = None
            family = family_errors(history, origin, end=int(report["last"]))
            frames.append(model.merge(family, on="series").assign(code=code))
    out = ceilings(pd.concat(frames, ignore_index=True))
    out["countries"] = args.countries.split(",")
    out["origins"] = list(origins)
    out["runs"] = args.runs
    out["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

"""The dynamic model against naive forecasts over many countries and forecast origins.

For each country the model and its benchmarks (last value, drift, AutoETS) are fitted on
1996-T for every origin T and scored on T+1 to the data's last year
(:func:`powerscope.dynamics.backtest.backtest_origins`). Prints JSON: per country and overall,
the share of series-country-origin cases where the model beats both naive forecasts, where ETS
does, where the forecast powerscope recommends does, and the coverage of the model's 90% bands.

The 16 countries are those of docs/dynamics.md: large R&D spenders with World Bank researcher
series from 1996 (Australia and Israel lack them). Ensembles use 300 runs (not 1,000) to keep
the 48 backtests to about a minute; medians and 5th/95th percentiles move by well under a
percent between the two.

Usage: python benchmarks/backtest_summary.py [--runs 300] [--countries KOR,CHN,...]
"""

from __future__ import annotations

import argparse
import json
import time

COUNTRIES = ("KOR", "CHN", "JPN", "USA", "DEU", "GBR", "FRA", "ITA", "CAN", "ESP", "SWE",
             "POL", "TUR", "RUS", "IND", "SGP")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--origins", default="2005,2010,2014")
    parser.add_argument("--countries", default=",".join(COUNTRIES))
    parser.add_argument("--detail", action="store_true", help="Print every series too.")
    parser.add_argument(
        "--pooled", action="store_true", help="Priors pooled over the 16 countries (not default)."
    )
    parser.add_argument(
        "--wpp",
        action="store_true",
        help="Labour force and population from WPP 2022 in the test years (hindsight).",
    )
    args = parser.parse_args()

    from powerscope.dynamics.backtest import backtest_origins, summarise

    origins = tuple(int(o) for o in args.origins.split(","))
    started = time.perf_counter()
    reports = [
        backtest_origins(
            code,
            origins,
            runs=args.runs,
            seed=args.seed,
            pooled=args.pooled,
            demography="wpp" if args.wpp else "trend",
        )
        for code in args.countries.split(",")
    ]
    out = summarise(reports, detail=args.detail)
    out["runs"] = args.runs
    out["pooled"] = args.pooled
    out["demography"] = "wpp" if args.wpp else "trend"
    out["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

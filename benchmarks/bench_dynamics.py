"""Dynamic-model speed: ensembles of the calibrated South Korea model as array operations.

Target: 10,000 runs x 30 years under 2 s (parameter draws + simulation, with the WPP 2022
labour-force and population paths). Also times a scenario
with its baseline (common random numbers: two simulations) and the calibration. Prints JSON.

Usage: python benchmarks/bench_dynamics.py [--runs 10000] [--years 30] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import resource
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--country", default="KOR")
    args = parser.parse_args()

    import numpy as np

    from powerscope.dynamics.calibrate import calibrate, draw_parameters
    from powerscope.dynamics.demography import with_paths
    from powerscope.dynamics.ensemble import run_ensemble
    from powerscope.dynamics.model import simulate
    from powerscope.dynamics.scenario import load_scenario

    start = time.perf_counter()
    cal = calibrate(args.country)
    calibrated = time.perf_counter() - start
    years = np.arange(cal.start, cal.start + args.years + 1)  # 30 steps after the start year

    def ensemble_once() -> float:
        t0 = time.perf_counter()
        params = draw_parameters(cal, args.runs, np.random.default_rng(1))
        params = with_paths(cal, params, years)  # WPP 2022 labour and population paths
        simulate(params, cal.initial, years, runs=args.runs)
        return time.perf_counter() - t0

    ensemble_once()  # warm-up
    plain = [ensemble_once() for _ in range(args.repeat)]
    talents = load_scenario("thousand-talents")
    pair = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        run_ensemble(cal, talents, last=int(years[-1]), runs=args.runs, seed=1)
        pair.append(time.perf_counter() - t0)
    print(
        json.dumps(
            {
                "country": cal.code,
                "runs": args.runs,
                "years": args.years,
                "calibrate_s": round(calibrated, 3),
                "ensemble_s_median": round(float(np.median(plain)), 3),
                "ensemble_s_max": round(max(plain), 3),
                "scenario_and_baseline_s_median": round(float(np.median(pair)), 3),
                "target_s": 2.0,
                "meets_target": max(plain) < 2.0,
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()

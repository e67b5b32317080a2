"""Benchmark of panel indices: a full rank-uncertainty analysis over every year at once.

190 units x 40 indicators (8 measures of 5) x 25 years of generated data, 10,000 Monte Carlo
runs varying the weights at both levels (+/-25%), the normalisation (min-max or percentile
rank over the panel) and the aggregation (arithmetic or geometric on 1-100): the time of the
local and the Dask engines (identical results), the memory it takes (peak RSS of the process,
and the largest numpy allocation traced for 1,000 and 10,000 runs: it does not grow with the
runs), the time of a Sobol sensitivity analysis of every year and of the period from one
Saltelli design (``--sensitivity-n`` base samples), and the time to re-weight one year through
the re-weighting session.

Prints JSON. Not a timed test: run it on a quiet machine (``uptime`` and the other processes
are reported, so a figure can be read against the load it was measured under)::

    PYTHONPATH=src python benchmarks/bench_panel.py [--runs 10000] [--no-dask]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from typing import Any

import numpy as np
import pandas as pd

from powerscope.index import parse_spec
from powerscope.index.panel import Panel, compute_panel, panel_sensitivity, panel_uncertainty
from powerscope.index.session import IndexSession

UNITS, INDICATORS, YEARS, MEASURES = 190, 40, 25, 8
ASSUMPTIONS: dict[str, Any] = {
    "weights": [{"level": 1, "noise": 0.25}, {"level": 2, "noise": 0.25}],
    "normalisation": ["minmax", "percentile_rank"],
    "aggregation": ["arithmetic", {"method": "geometric", "rescale": [1, 100]}],
}


def generated(seed: int = 1) -> tuple[Any, Panel]:
    """The spec and its panel: every unit's indicators grow on their own trend, with noise and
    5% of the cells missing (carried forward at most 3 years)."""
    per = INDICATORS // MEASURES
    spec = parse_spec(
        {
            "id": "bench_panel",
            "normalise": "minmax",
            "scale": 100,
            "panel": {"years": [2000, 2000 + YEARS - 1], "carry_forward": 3},
            "children": [
                {
                    "id": f"m{m}",
                    "weight": 1 / MEASURES,
                    "children": [{"id": f"i{m}_{k}", "weight": 1 / per} for k in range(per)],
                }
                for m in range(MEASURES)
            ],
        }
    )
    rng = np.random.default_rng(seed)
    level = rng.lognormal(0, 1, (UNITS, INDICATORS))
    growth = rng.normal(0.03, 0.05, (UNITS, INDICATORS))
    t = np.arange(YEARS)[:, None, None]
    values = level[None] * np.exp(growth[None] * t) * rng.lognormal(0, 0.1, (YEARS, *level.shape))
    values[rng.random(values.shape) < 0.05] = np.nan
    units = [f"U{i:03d}" for i in range(UNITS)]
    indicators = [f"i{m}_{k}" for m in range(MEASURES) for k in range(per)]
    return spec, Panel(list(range(2000, 2000 + YEARS)), units, indicators, values)


def others() -> list[str]:
    """What else was running (the machine is shared): the busiest processes but this one."""
    try:
        lines = subprocess.run(
            ["ps", "-eo", "pid,pcpu,rss,etimes,comm", "--sort=-pcpu"], capture_output=True,
            text=True, check=False,
        ).stdout.splitlines()[1:]  # fmt: skip
    except OSError:
        return []
    mine = {os.getpid(), os.getppid()}
    busy = [line.split() for line in lines if int(line.split()[0]) not in mine]
    return [
        f"pid {pid}: {comm} {pcpu}% CPU (average over its {etimes} s), {int(rss) // 1024} MB"
        for pid, pcpu, rss, etimes, comm in busy[:6]
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--sensitivity-n", type=int, default=1024, help="Sobol base sample.")
    args = parser.parse_args()
    spec, panel = generated()
    out: dict[str, Any] = {
        "shape": {"units": UNITS, "indicators": INDICATORS, "years": YEARS, "runs": args.runs},
        "assumptions": ASSUMPTIONS,
        "load_before": os.getloadavg(),
        "cpus": os.cpu_count(),
        "others_running": others(),
    }
    start = time.perf_counter()
    compute_panel(spec, data=panel)
    out["compute_panel_s"] = round(time.perf_counter() - start, 3)

    start, cpu = time.perf_counter(), time.process_time()
    local = panel_uncertainty(spec, runs=args.runs, seed=1, data=panel, assumptions=ASSUMPTIONS)
    out["uncertainty_local_s"] = round(time.perf_counter() - start, 2)
    # CPU seconds of this process (all its threads): what the run costs whatever else runs
    out["uncertainty_local_cpu_s"] = round(time.process_time() - cpu, 2)
    out["threads"] = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")}
    out["peak_rss_mb_after_local"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    if not args.no_dask:
        start = time.perf_counter()
        dask = panel_uncertainty(
            spec, runs=args.runs, seed=1, data=panel, assumptions=ASSUMPTIONS, engine="dask"
        )
        out["uncertainty_dask_s"] = round(time.perf_counter() - start, 2)
        out["dask_identical"] = bool(np.array_equal(local.counts, dask.counts))
    # Sobol sensitivity of every year and of the period from one Saltelli design
    start, cpu = time.perf_counter(), time.process_time()
    sens = panel_sensitivity(
        spec, n=args.sensitivity_n, seed=1, data=panel, assumptions=ASSUMPTIONS, bootstrap=200
    )
    out["sensitivity"] = {
        "n": args.sensitivity_n,
        "runs": sens.runs,
        "seconds": round(time.perf_counter() - start, 2),
        "cpu_s": round(time.process_time() - cpu, 2),
        "across_years_ST": {
            r["assumption"]: round(float(r["ST"]), 3) for r in sens.across_years.to_dict("records")
        },
    }
    # memory: the largest traced allocation for 1,000 and for all runs
    for runs in (1000, args.runs):
        tracemalloc.start()
        panel_uncertainty(spec, runs=runs, seed=1, data=panel, assumptions=ASSUMPTIONS)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out[f"traced_peak_mb_{runs}_runs"] = round(peak / 2**20, 1)
    out["dense_runs_x_years_x_units_x_indicators_mb"] = round(
        args.runs * YEARS * UNITS * INDICATORS * 8 / 2**20, 1
    )
    # re-weighting one year through the session
    default = compute_panel(spec, data=panel).for_year(2024)
    session = IndexSession(spec, "generated", {u: (u, False) for u in panel.units}, None,
                           default, panel=panel)  # fmt: skip
    session.evaluate(year=2023)  # compiles the panel once (the session keeps it)
    rng = np.random.default_rng(2)
    times = []
    for _ in range(200):
        w = rng.dirichlet(np.ones(MEASURES))
        weights = {f"m{m}": float(w[m]) for m in range(MEASURES)}
        start = time.perf_counter()
        session.payload(session.evaluate(weights, year=2023, renormalise=True))
        times.append(time.perf_counter() - start)
    out["session_reweight_one_year_ms"] = {
        "median": round(1000 * float(np.median(times)), 2),
        "p95": round(1000 * float(np.quantile(times, 0.95)), 2),
        "max": round(1000 * float(np.max(times)), 2),
    }
    start = time.perf_counter()
    session.evaluate(year=2005)
    out["session_first_call_other_year_ms"] = round(1000 * (time.perf_counter() - start), 2)
    out["load_after"] = os.getloadavg()
    out["python"] = sys.version.split()[0]
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    pd.set_option("mode.copy_on_write", True)
    main()

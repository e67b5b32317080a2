"""Uncertainty-analysis speed and memory. Prints JSON figures; each scenario in its own process.

Targets (issue: robustness): CETI 10,000 runs < 2 s; synthetic 200 units x 100 indicators x 3
aggregation levels, 1,000 runs < 5 s with bounded memory (peak RSS reported); COINr's ASEM
sensitivity-vignette analysis (winsorisation 1-5 points, min-max [1,100] vs z-score (10, 2),
weights +/-25% at the pillar and sub-index levels, arithmetic vs geometric; full pipeline of
denomination, group-mean imputation, screening, treatment, normalisation, aggregation) at
N = 1,000 < 2 s (COINr: ~225 s). Also the ratio to a plain numpy matrix product of the same
shape (runs x indicators x units), and the Dask engine on a local cluster.

Usage: python benchmarks/bench_uncertainty.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def ceti(runs: int = 10_000, engine: str = "local") -> dict[str, Any]:
    from powerscope.data.store import SnapshotStore
    from powerscope.index import load_spec
    from powerscope.index.data import index_data
    from powerscope.index.uncertainty import (
        CETI_DEFAULT,
        parse_uncertainty,
        simple_builder,
        uncertainty,
    )

    spec = load_spec("ceti")
    matrix, units = index_data(spec, SnapshotStore())
    uspec = parse_uncertainty(CETI_DEFAULT, spec)
    builder = simple_builder(spec, matrix)
    start = time.perf_counter()
    result = uncertainty(spec, uspec, builder, runs=runs, seed=1, units=units, engine=engine)
    seconds = time.perf_counter() - start
    kor = result.summary().set_index("code").loc["KOR"]
    return {
        "runs": runs,
        "engine": engine,
        "seconds": round(seconds, 3),
        "failed_runs": len(result.failed),
        "korea": {
            k: float(kor[k]) for k in ("nominal_rank", "median_rank", "q05_rank", "q95_rank")
        },
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def synthetic(runs: int = 1000) -> dict[str, Any]:
    import pandas as pd

    from powerscope.index import parse_spec
    from powerscope.index.uncertainty import parse_uncertainty, simple_builder, uncertainty

    rng = np.random.default_rng(0)
    n_units, n_ind = 200, 100
    pillars = [
        {"id": f"P{p}", "weight": 0.1,
         "children": [{"id": f"i{p * 10 + k}", "weight": 0.1} for k in range(10)]}
        for p in range(10)
    ]  # fmt: skip
    raw = {
        "id": "synthetic",
        "children": [
            {"id": "S1", "weight": 0.5, "children": [dict(p, weight=0.2) for p in pillars[:5]]},
            {"id": "S2", "weight": 0.5, "children": [dict(p, weight=0.2) for p in pillars[5:]]},
        ],
    }
    spec = parse_spec(raw)
    data = pd.DataFrame(
        rng.lognormal(size=(n_units, n_ind)),
        index=[f"U{i:03d}" for i in range(n_units)],
        columns=[f"i{j}" for j in range(n_ind)],
    )
    uspec = parse_uncertainty(
        {
            "weights": [{"level": lv, "noise": 0.25} for lv in (1, 2, 3)],
            "aggregation": ["arithmetic", "geometric"],
            "normalisation": ["minmax", "rank"],
        },
        spec,
    )
    builder = simple_builder(spec, data)
    start = time.perf_counter()
    result = uncertainty(spec, uspec, builder, runs=runs, seed=1)
    seconds = time.perf_counter() - start
    # the machine's limit: one matrix product of the same shape (runs x indicators x units)
    weights = rng.random((runs, n_ind))
    values = rng.random((n_ind, n_units))
    best = min(_time(lambda: weights @ values) for _ in range(20))
    return {
        "runs": runs,
        "units": n_units,
        "indicators": n_ind,
        "levels": 3,
        "nodes": len(spec.paths()) + 1,
        "seconds": round(seconds, 3),
        "failed_runs": len(result.failed),
        "numpy_matmul_same_shape_s": round(best, 5),
        "ratio_to_matmul": round(seconds / best, 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def _time(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def asem(shared: Path, runs: int = 1000) -> dict[str, Any]:
    from powerscope.index import load_spec
    from powerscope.index.build import COINR_EXAMPLE_STEPS, build_inputs, load_data
    from powerscope.index.coinr import import_coinr, write_spec
    from powerscope.index.uncertainty import parse_uncertainty, uncertainty

    folder = Path(tempfile.mkdtemp())
    spec_raw, data = import_coinr(
        shared / "coinr_asem" / "ASEM_iData.csv", shared / "coinr_asem" / "ASEM_iMeta.csv"
    )
    write_spec(spec_raw, data, folder / "asem.yaml")
    spec = load_spec(folder / "asem.yaml")
    frame = load_data(spec)
    raw = {
        "weights": [{"level": 2, "noise": 0.25}, {"level": 3, "noise": 0.25}],
        "aggregation": ["arithmetic", "geometric"],
        "normalisation": [
            {"method": "minmax", "lower": 1, "upper": 100},
            {"method": "zscore", "mean": 10, "sd": 2},
        ],
        "steps": {"treat.winmax": [1, 2, 3, 4, 5]},
    }
    start = time.perf_counter()
    builder, options, units = build_inputs(spec, steps=COINR_EXAMPLE_STEPS, frame=frame)
    uspec = parse_uncertainty(raw, spec, data_options=options)
    result = uncertainty(spec, uspec, builder, runs=runs, seed=1, units=units)
    seconds = time.perf_counter() - start
    coinr_seconds = 225.0
    return {
        "runs": runs,
        "seconds": round(seconds, 3),
        "variants_built": int(result.parameters["variant"].nunique()),
        "failed_runs": len(result.failed),
        "coinr_reference_s": coinr_seconds,
        "speed_up_vs_coinr": round(coinr_seconds / seconds, 0),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


SCENARIOS = ("ceti", "ceti_dask", "synthetic", "asem")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).parents[1] / ".." / "shared" / "data"
    )
    parser.add_argument("--scenario", choices=SCENARIOS)
    args = parser.parse_args()
    if args.scenario:
        if args.scenario == "ceti":
            out = ceti()
        elif args.scenario == "ceti_dask":
            out = ceti(engine="dask")
        elif args.scenario == "synthetic":
            out = synthetic()
        else:
            out = asem(args.shared.resolve())
        print(json.dumps(out))
        return
    figures: dict[str, Any] = {}
    for name in SCENARIOS:
        if name == "asem" and not (args.shared / "coinr_asem").is_dir():
            figures[name] = {"skipped": f"no {args.shared / 'coinr_asem'}"}
            continue
        proc = subprocess.run(
            [sys.executable, __file__, "--scenario", name, "--shared", str(args.shared)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        figures[name] = json.loads(proc.stdout.strip().splitlines()[-1])
    figures["targets"] = {
        "ceti_10000_runs_s": "< 2",
        "synthetic_200x100x3_1000_runs_s": "< 5",
        "asem_coinr_vignette_1000_runs_s": "< 2 (COINr ~225 s)",
    }
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()

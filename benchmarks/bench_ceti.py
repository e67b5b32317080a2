"""CETI speed: in-process re-weighting and CLI start-up. Prints JSON figures.

Targets (issue: foundation): recomputing CETI with new weights in-process well under 1 ms;
``powerscope`` start-up to first output under 1 s.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np


def _timeit(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    from powerscope.data.store import SnapshotStore
    from powerscope.index import compile_index, compute, load_spec
    from powerscope.index.data import index_data

    spec = load_spec("ceti")
    matrix, units = index_data(spec, SnapshotStore())
    compiled = compile_index(spec, matrix)
    rng = np.random.default_rng(0)
    weights = compiled.weights * rng.uniform(0.75, 1.25, compiled.weights.shape)
    equal = {"Semiconductors": 0.2, "AI": 0.2, "Biotechnology": 0.2, "Space": 0.2, "Quantum": 0.2}

    def reweight_core() -> None:
        compiled.evaluate(weights)

    def reweight_spec() -> None:
        compiled.evaluate(compiled.weight_vector(equal))

    def full_result() -> None:
        compute(spec, matrix, weights=equal, units=units)

    from powerscope.index.session import IndexSession

    session = IndexSession(spec, "", units, matrix, compute(spec, matrix, units=units))

    def session_payload() -> None:  # what the web app does for one slider move
        session.payload(session.evaluate(equal))

    batch = np.tile(weights, (10_000, 1))
    figures: dict[str, object] = {
        "reweight_evaluate_us": round(_timeit(reweight_core, 2000) * 1e6, 1),
        "reweight_with_validation_us": round(_timeit(reweight_spec, 500) * 1e6, 1),
        "reweight_full_result_ms": round(_timeit(full_result, 50) * 1e3, 2),
        "session_reweight_payload_us": round(_timeit(session_payload, 500) * 1e6, 1),
        "batch_10000_weight_vectors_ms": round(
            _timeit(lambda: compiled.evaluate(batch), 5) * 1e3, 1
        ),
    }
    exe = shutil.which("powerscope") or os.path.join(os.path.dirname(sys.executable), "powerscope")
    env = dict(os.environ, POWERSCOPE_HOME=tempfile.mkdtemp())  # no warehouse: the snapshot
    for label, args in {
        "cli_version_s": ["--version"],
        "cli_compute_ceti_json_s": ["index", "compute", "ceti", "--format", "json"],
        "cli_compute_ceti_table_s": ["index", "compute", "ceti"],
        "cli_country_kor_s": ["country", "KOR"],
    }.items():
        runs, first = [], []
        for _ in range(5):
            start = time.perf_counter()
            with subprocess.Popen(
                [exe, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
            ) as proc:
                assert proc.stdout is not None
                proc.stdout.readline()  # the first line a user sees
                first.append(time.perf_counter() - start)
                proc.stdout.read()
                assert proc.wait() == 0, args
            runs.append(time.perf_counter() - start)
        figures[label] = round(statistics.median(runs), 3)
        figures[label.removesuffix("_s") + "_first_output_s"] = round(statistics.median(first), 3)
    figures["targets"] = {"reweight_us": "< 1000", "cli_first_output_s": "< 1.0"}
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()

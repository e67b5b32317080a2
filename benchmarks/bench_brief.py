"""A country brief (HTML) built from scratch: South Korea on the embedded snapshot. Prints JSON.

Target: under 4 s to build and render a brief (``build_brief`` + ``render_html``). Each build
runs in a fresh Python process (as ``powerscope brief KOR --output ...`` does), so imports are
paid every time and reported apart. *Cold*: an empty cache directory (``POWERSCOPE_HOME`` set to
a new temporary folder, so ``$POWERSCOPE_HOME/cache`` is empty: the Global Firepower model is
fitted and cross-validated). *Warm*: the same folder again (the fit is read from the cache).
Wall-clock and CPU seconds are both printed: on a shared machine the wall clock also counts the
time other processes held the CPU, CPU seconds do not.

    python benchmarks/bench_brief.py [--repeats 3] [--country KOR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from typing import Any

CHILD = """
import json, sys, time
wall, cpu = time.perf_counter(), time.process_time()
from powerscope.brief import build_brief, render_html
from powerscope.data.store import SnapshotStore
imported = time.perf_counter() - wall
start, start_cpu = time.perf_counter(), time.process_time()
brief = build_brief(sys.argv[1], store=SnapshotStore())
built = time.perf_counter() - start
html = render_html(brief)
print(json.dumps({
    "import_s": imported,
    "build_s": built,
    "render_s": time.perf_counter() - start - built,
    "brief_s": time.perf_counter() - start,
    "brief_cpu_s": time.process_time() - start_cpu,
    "process_s": time.perf_counter() - wall,
    "process_cpu_s": time.process_time() - cpu,
    "html_bytes": len(html.encode()),
}))
"""


def one(country: str, home: str) -> dict[str, float]:
    env = dict(os.environ, POWERSCOPE_HOME=home)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, country], env=env, capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def summary(runs: list[dict[str, float]]) -> dict[str, Any]:
    keys = ("brief_s", "brief_cpu_s", "import_s", "process_s", "process_cpu_s")
    out: dict[str, Any] = {
        f"{k}_median": round(statistics.median(r[k] for r in runs), 2) for k in keys
    }
    out["brief_s_all"] = [round(r["brief_s"], 2) for r in runs]
    out["brief_cpu_s_all"] = [round(r["brief_cpu_s"], 2) for r in runs]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--country", default="KOR")
    args = parser.parse_args()
    cold, warm = [], []
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory(prefix="powerscope-bench-brief-") as home:
            cold.append(one(args.country, home))
            warm.append(one(args.country, home))
    load = os.getloadavg()
    print(
        json.dumps(
            {
                "country": args.country,
                "repeats": args.repeats,
                "target_s": 4.0,
                "cold": summary(cold),
                "warm": summary(warm),
                "load_average_1_5_15": [round(x, 2) for x in load],
                "cpus": os.cpu_count(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()

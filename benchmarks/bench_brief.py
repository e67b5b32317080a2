"""A country brief (HTML and PDF) built from scratch: South Korea on the embedded snapshot.
Prints JSON.

Target: under 4 s for what a user runs, ``powerscope brief KOR --output x.html --pdf x.pdf``.
Two measurements, each build in a fresh Python process so imports are paid every time:

- ``html``: ``build_brief`` + ``render_html`` timed inside the process (imports reported apart),
  with as many build processes as the command uses (``workers``: two on two CPUs);
- ``cli``: the whole command, HTML and PDF (``--pdf``, Chromium printing included), timed from
  outside: wall-clock seconds from starting the process to its exit, and the CPU seconds of the
  process and everything it waited for (the browser's processes too). Skipped, with a reason
  in the JSON, when no Chromium is found.
 *Cold*: an empty cache directory (``POWERSCOPE_HOME`` set to
a new temporary folder, so ``$POWERSCOPE_HOME/cache`` is empty: the Global Firepower model is
fitted and cross-validated). *Warm*: the same folder again (the fit is read from the cache,
and the command reads the brief's sections kept from the first build). For the command also:
*warm, sections rebuilt* (``--fresh``: every section computed again, the shared caches warm)
and *another country, first time* (``--other``, default JPN, after the first country's builds:
its sections and its own forecasts computed, the shared caches warm).
Each case has its own cache folder. Wall-clock and CPU seconds are both printed: on a shared
machine the wall clock also counts the time other processes held the CPU, CPU seconds do not
(CPU seconds can exceed the wall clock when the browser and Python run side by side).

    python benchmarks/bench_brief.py [--repeats 3] [--country KOR] [--no-pdf]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CHILD = """
import json, os, resource, sys, time
wall, cpu = time.perf_counter(), time.process_time()
from powerscope.brief import build_brief, render_html
from powerscope.data.store import SnapshotStore
imported = time.perf_counter() - wall
def children():  # the CPU seconds of the second build process (reaped)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
workers = min(2, len(os.sched_getaffinity(0)))  # as powerscope brief chooses
start, start_cpu = time.perf_counter(), time.process_time()
brief = build_brief(sys.argv[1], store=SnapshotStore(), workers=workers)
built = time.perf_counter() - start
html = render_html(brief)
print(json.dumps({
    "import_s": imported,
    "build_s": built,
    "render_s": time.perf_counter() - start - built,
    "brief_s": time.perf_counter() - start,
    "brief_cpu_s": time.process_time() - start_cpu + children(),
    "process_s": time.perf_counter() - wall,
    "process_cpu_s": time.process_time() - cpu + children(),
    "workers": workers,
    "html_bytes": len(html.encode()),
}))
"""


def one(country: str, home: str) -> dict[str, float]:
    env = dict(os.environ, POWERSCOPE_HOME=home)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, country], env=env, capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


CLI = "from powerscope.cli.main import main; main()"


def one_cli(country: str, home: str, *extra: str) -> dict[str, float]:
    """``powerscope brief COUNTRY --output x.html --pdf x.pdf [extra]`` in a fresh process:
    wall-clock and CPU seconds (the process and the browser processes it waited for)."""
    env = dict(os.environ, POWERSCOPE_HOME=home)
    out = Path(home) / "out"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    files = ["--output", str(out / "brief.html"), "--pdf", str(out / "brief.pdf")]
    subprocess.run(
        [sys.executable, "-c", CLI, "brief", country, *files, *extra],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    pdf = (out / "brief.pdf").read_bytes()
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    result = {
        "total_s": wall,
        "total_cpu_s": cpu,
        "html_bytes": (out / "brief.html").stat().st_size,
        "pdf_bytes": len(pdf),
        "pdf_pages": pages,
    }
    shutil.rmtree(out)
    return result


def cli_summary(runs: list[dict[str, float]]) -> dict[str, Any]:
    out: dict[str, Any] = {
        f"{k}_median": round(statistics.median(r[k] for r in runs), 2)
        for k in ("total_s", "total_cpu_s")
    }
    out["total_s_all"] = [round(r["total_s"], 2) for r in runs]
    out["total_cpu_s_all"] = [round(r["total_cpu_s"], 2) for r in runs]
    out["pdf_pages"] = sorted({int(r["pdf_pages"]) for r in runs})
    out["pdf_bytes_median"] = int(statistics.median(r["pdf_bytes"] for r in runs))
    return out


def summary(runs: list[dict[str, float]]) -> dict[str, Any]:
    keys = ("brief_s", "brief_cpu_s", "import_s", "process_s", "process_cpu_s")
    out: dict[str, Any] = {
        f"{k}_median": round(statistics.median(r[k] for r in runs), 2) for k in keys
    }
    out["workers"] = int(runs[0]["workers"])
    out["brief_s_all"] = [round(r["brief_s"], 2) for r in runs]
    out["brief_cpu_s_all"] = [round(r["brief_cpu_s"], 2) for r in runs]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--country", default="KOR")
    parser.add_argument(
        "--other", default="JPN", help="a second country, built after the first's caches"
    )
    parser.add_argument(
        "--no-pdf", action="store_true", help="measure the HTML only (no browser needed)"
    )
    args = parser.parse_args()
    browser, skipped = None, ""
    if not args.no_pdf:
        from powerscope.brief.pdf import BrowserError, find_browser

        try:
            browser = find_browser()
        except BrowserError as exc:
            skipped = exc.message
    load_before = os.getloadavg()
    cold, warm, cli_cold, cli_warm, cli_fresh, cli_other = [], [], [], [], [], []
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory(prefix="powerscope-bench-brief-") as home:
            cold.append(one(args.country, home))
            warm.append(one(args.country, home))
        if browser is not None:
            with tempfile.TemporaryDirectory(prefix="powerscope-bench-brief-") as home:
                cli_cold.append(one_cli(args.country, home))
                cli_warm.append(one_cli(args.country, home))
                cli_fresh.append(one_cli(args.country, home, "--fresh"))
                cli_other.append(one_cli(args.other, home))
    load = os.getloadavg()
    result: dict[str, Any] = {
        "country": args.country,
        "repeats": args.repeats,
        "target_s": 4.0,
        "html": {"cold": summary(cold), "warm": summary(warm)},
    }
    if browser is not None:
        result["cli_html_and_pdf"] = {
            "cold": cli_summary(cli_cold),
            "warm": cli_summary(cli_warm),
            "warm_sections_rebuilt": cli_summary(cli_fresh),
            "another_country_first_time": {"country": args.other, **cli_summary(cli_other)},
        }
    elif args.no_pdf:
        result["cli_html_and_pdf"] = "not measured (--no-pdf)"
    else:
        result["cli_html_and_pdf"] = f"not measured: {skipped}"
    result["load_average_1_5_15_before"] = [round(x, 2) for x in load_before]
    result["load_average_1_5_15_after"] = [round(x, 2) for x in load]
    result["cpus"] = os.cpu_count()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

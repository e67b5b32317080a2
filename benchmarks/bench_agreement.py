"""UN vote agreement speed: every pair, every session, every measure. Prints JSON figures.

Target: the full data (74 sessions, 870,109 votes, all pairs, all measures) in a few seconds on
2 cores. Times are medians of ``--repeat`` runs after one warm-up; the peak resident set size
is the process's maximum (``getrusage``), including the loaded tables.

Usage: python benchmarks/bench_agreement.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any


def _median_seconds(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    result = fn()  # warm-up (imports, page cache, BLAS start-up)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    start = time.perf_counter()
    from powerscope.alignment.agreement import (
        MEASURES,
        agreement,
        agreement_series,
        agreement_with,
        all_sessions,
        load,
    )
    from powerscope.data.store import SnapshotStore

    imported = time.perf_counter()
    data = load(SnapshotStore())
    loaded = time.perf_counter()
    votes, calls, issues = data.votes, data.calls, data.issues

    sessions_s, by_session = _median_seconds(lambda: all_sessions(votes, calls), args.repeat)
    years_s, by_year = _median_seconds(lambda: all_sessions(votes, calls, by="year"), args.repeat)
    issue_s, by_issue = _median_seconds(
        lambda: all_sessions(votes, calls, issues, issue="hr"), args.repeat
    )
    one_year_s, one_year = _median_seconds(lambda: agreement(votes, calls, year=2019), args.repeat)
    pooled_s, pooled = _median_seconds(
        lambda: agreement(votes, calls, years=(1946, 2019)), args.repeat
    )
    with_s, _ = _median_seconds(lambda: agreement_with("KOR", votes, calls, year=2019), args.repeat)
    series_s, series = _median_seconds(
        lambda: agreement_series("USA", "ISR", votes, calls), args.repeat
    )
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

    print(
        json.dumps(
            {
                "votes": len(votes),
                "roll_calls": len(calls),
                "measures": list(MEASURES),
                "import_s": round(imported - start, 3),
                "load_tables_s": round(loaded - imported, 3),
                "all_sessions_s": round(sessions_s, 3),
                "all_sessions_pairs": len(by_session),
                "all_sessions_periods": int(by_session["session"].nunique()),
                "all_years_s": round(years_s, 3),
                "all_years_pairs": len(by_year),
                "all_sessions_issue_hr_s": round(issue_s, 3),
                "all_sessions_issue_hr_pairs": len(by_issue),
                "one_year_2019_s": round(one_year_s, 4),
                "one_year_2019_pairs": len(one_year),
                "pooled_1946_2019_s": round(pooled_s, 3),
                "pooled_1946_2019_pairs": len(pooled),
                "agreement_with_KOR_2019_s": round(with_s, 4),
                "series_USA_ISR_by_year_s": round(series_s, 4),
                "series_USA_ISR_years": len(series),
                "peak_rss_mib": round(peak_kib / 1024, 1),
                "cpus": os.cpu_count(),
                "load_average_1min": round(os.getloadavg()[0], 2),
                "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
                "python": sys.version.split()[0],
                "target": "all sessions, all pairs, all measures in a few seconds on 2 cores",
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()

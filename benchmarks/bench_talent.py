"""Talent flows speed: the brief's part on researcher migration (a country against three peers,
its main partners, the two sources), on the embedded snapshot. Prints JSON figures. Target: the
brief part under 0.3 s with the brief's libraries loaded (a fresh store: its tables read once).

Usage: python benchmarks/bench_talent.py [--code KOR] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--code", default="KOR")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    import pandas  # noqa: F401  (loaded by every brief before this part)
    import pyarrow.parquet  # noqa: F401

    from powerscope.brief.sections.context import BriefContext
    from powerscope.brief.sections.talent import talent_part
    from powerscope.countries import name_of
    from powerscope.data.store import SnapshotStore
    from powerscope.talent import net_migration

    name_of(args.code)
    imported = time.perf_counter()
    fresh, warm = [], []
    for _ in range(args.repeat):
        ctx = BriefContext(args.code, runs=10, seed=1, store=SnapshotStore())
        t0 = time.perf_counter()
        section = talent_part(ctx)
        t1 = time.perf_counter()
        talent_part(ctx)
        t2 = time.perf_counter()
        fresh.append(t1 - t0)
        warm.append(t2 - t1)
    store = SnapshotStore()
    t0 = time.perf_counter()
    series = net_migration(args.code, store=store)
    t1 = time.perf_counter()
    print(
        json.dumps(
            {
                "code": args.code,
                "facts": len(section.facts),
                "import_s": round(imported - start, 3),
                "brief_part_fresh_store_median_s": round(statistics.median(fresh), 3),
                "brief_part_same_store_median_s": round(statistics.median(warm), 3),
                "net_migration_fresh_store_s": round(t1 - t0, 3),
                "net_migration_years": len(series),
                "target_brief_part_s": "< 0.3",
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()

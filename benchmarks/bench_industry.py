"""Defence-industry speed: read the SIPRI Top 100 workbooks, load the tables from the embedded
snapshot, compute a country's profile against three peers, and build the brief's industry part
(cold, and with the arms-transfer data already loaded, as in a full brief where the arms section
has loaded them). Prints JSON figures. Target: the brief part under 0.3 s within a brief.

Usage: python benchmarks/bench_industry.py [--shared ../shared/data] [--country KOR]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).parents[1] / ".." / "shared" / "data"
    )
    parser.add_argument("--country", default="KOR")
    args = parser.parse_args()
    start = time.perf_counter()
    from powerscope.arms.service import load as load_arms
    from powerscope.brief.sections import BriefContext
    from powerscope.brief.sections.industry import industry_part
    from powerscope.data.sources.sipri_top100 import read
    from powerscope.data.store import SnapshotStore
    from powerscope.industry import industry, load

    imported = time.perf_counter()
    figures: dict[str, object] = {"import_s": round(imported - start, 3)}
    if (args.shared / "sipri_top100").is_dir():
        tick = time.perf_counter()
        tables = read(args.shared.resolve())
        figures["read_workbooks_s"] = round(time.perf_counter() - tick, 3)
        figures["rows"] = {name: len(frame) for name, frame in tables.items()}
    store = SnapshotStore()
    tick = time.perf_counter()
    data = load(store)
    figures["load_snapshot_tables_s"] = round(time.perf_counter() - tick, 3)
    tick = time.perf_counter()
    arms = load_arms(store)
    figures["load_arms_data_s"] = round(time.perf_counter() - tick, 3)
    tick = time.perf_counter()
    industry(args.country, peers=["JPN", "DEU", "ISR"], data=data, arms=arms)
    figures["profile_with_3_peers_s"] = round(time.perf_counter() - tick, 3)
    tick = time.perf_counter()
    industry_part(BriefContext(args.country, runs=10, seed=1, store=store))
    figures["brief_part_cold_s"] = round(time.perf_counter() - tick, 3)
    context = BriefContext(args.country, runs=10, seed=1, store=store)
    context.arms  # noqa: B018 - loaded first, as the arms section of a brief does
    tick = time.perf_counter()
    industry_part(context)
    figures["brief_part_in_a_brief_s"] = round(time.perf_counter() - tick, 3)
    figures["target_brief_part_in_a_brief_s"] = "< 0.3"
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()

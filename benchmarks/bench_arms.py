"""Arms-transfer speed: parse the raw SIPRI register, annualise it, and compute every five-year
window from 1950 for all suppliers. Prints JSON figures. Target: under 3 s in all.

Usage: python benchmarks/bench_arms.py [--shared ../shared/data]
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
    args = parser.parse_args()
    root = args.shared.resolve() / "sipri_arms"
    start = time.perf_counter()
    from powerscope.arms.analytics import rolling
    from powerscope.arms.transfers import annualise
    from powerscope.data.sources.sipri import read_tiv_tables, read_trade_register

    imported = time.perf_counter()
    register = read_trade_register(root / "trade-register_all_1950-2024_gen2025-03-13.csv.gz")
    parsed = time.perf_counter()
    tiv = read_tiv_tables(root / "lajh87_export_tiv.csv.gz", None)
    tables = time.perf_counter()
    deliveries = annualise(register, tiv)
    annualised = time.perf_counter()
    windows = rolling(deliveries, width=5, by="supplier", start=1950)
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "deals": len(register),
                "delivery_rows": len(deliveries),
                "windows": int(windows["end"].nunique()),
                "supplier_windows": len(windows),
                "import_s": round(imported - start, 3),
                "parse_register_s": round(parsed - imported, 3),
                "read_tiv_tables_s": round(tables - parsed, 3),
                "annualise_fitted_s": round(annualised - tables, 3),
                "all_windows_all_suppliers_s": round(done - annualised, 3),
                "total_s": round(done - start, 3),
                "target_total_s": "< 3",
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()

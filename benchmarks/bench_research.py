"""Research-output speed on the embedded snapshot: the brief's research part (all S&E and
AI-related articles, the field-by-field comparison with China, the working-age population to
2050), the CLI's by-field comparison and one field's articles. Prints JSON figures. Target: the
brief part under 0.3 s once the data are open (the median of five runs).

Usage: python benchmarks/bench_research.py [--country KOR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any


def _median(run: Callable[[], Any], times: int = 5) -> float:
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        spent.append(time.perf_counter() - start)
    return statistics.median(spent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--country", default="KOR")
    args = parser.parse_args()
    start = time.perf_counter()
    from powerscope.brief.sections import BriefContext
    from powerscope.brief.sections.research import research_part
    from powerscope.data.store import SnapshotStore
    from powerscope.research import articles, compare_fields

    store = SnapshotStore()
    ctx = BriefContext(args.country, runs=10, seed=1, store=store)
    imported = time.perf_counter()
    research_part(ctx)  # the first: opens the tables, measures the citations' data years
    first = time.perf_counter()
    part = _median(lambda: research_part(ctx))
    by_field = _median(lambda: compare_fields(args.country, "CHN", store=store))
    one_field = _median(lambda: articles([args.country, "CHN", "USA", "JPN"], store=store))
    print(
        json.dumps(
            {
                "country": args.country,
                "import_s": round(imported - start, 3),
                "brief_part_first_s": round(first - imported, 3),
                "brief_part_median_s": round(part, 3),
                "compare_fields_median_s": round(by_field, 3),
                "articles_four_countries_median_s": round(one_field, 3),
                "target_brief_part_median_s": "< 0.3",
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()

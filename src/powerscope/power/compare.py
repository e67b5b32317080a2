"""The open power index beside other published power rankings.

Three rankings are compared with the open index's ranks in a year:

* **Global Firepower 2026** (``gfp_index`` in the store): military strength only, 145 states,
  formula unpublished; lower PowerIndex is stronger.
* **Belfer CETI 2025** (the ``ceti`` index): critical and emerging technologies, 25 states.
* **Lowy Institute Asia Power Index 2024**: comprehensive power *in Asia*, 27 states and
  territories. Lowy publishes its ranks on its website (closed data); the ranks below are those the
  Lowy Institute and press reports of the 2024 edition state, for the 13 units those reports
  name. The remaining 14 ranks were not found in a source that could be cited, and are left out
  rather than guessed.

The comparison is Spearman's rank correlation over the units both rankings hold (ranks taken
among those units only), and the units whose ranks differ most.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from powerscope.errors import SpecError

#: Lowy Institute Asia Power Index 2024: ranks stated by the publisher and press reports of it
LOWY_API_2024: dict[str, int] = {
    "USA": 1, "CHN": 2, "IND": 3, "JPN": 4, "AUS": 5,
    "RUS": 6, "KOR": 7, "SGP": 8, "IDN": 9, "THA": 10,
    "VNM": 12, "NZL": 13, "TWN": 14,
}  # fmt: skip

#: where each of the Lowy ranks above is stated
LOWY_API_2024_SOURCES: tuple[str, ...] = (
    "Lowy Institute, 'US widens lead in Asian power stakes, but loses ground to China on military "
    "capability' (Asia Power Index 2024 release): top five United States, China, India, Japan, "
    "Australia. https://lowyinstitute.org/us-widens-lead-asian-power-stakes-loses-ground-china-"
    "military-capability",
    "Siasat Daily, 26 Sep 2024, reporting the Lowy Institute Asia Power Index 2024 top ten: "
    "United States, China, India, Japan, Australia, Russia, South Korea, Singapore, Indonesia, "
    "Thailand. "
    "https://www.siasat.com/list-of-top-10-powerful-countries-on-asia-power-index-3103005/",
    "Lowy Institute, The Interpreter, 'Power in Asia: Outliers and curiosities' (2024): Singapore "
    "8th, Indonesia 9th. https://lowyinstitute.org/the-interpreter/power-asia-outliers-curiosities",
    "Vietnam News Agency via baolongan.vn, 15 Oct 2024: Vietnam 12th of 27. "
    "https://news.baolongan.vn/vietnam-fares-better-in-asia-power-index-2024-a184172.html",
    "Asia Media Centre, 2 Oct 2024: New Zealand 13th, just behind Vietnam and slightly ahead of "
    "Taiwan (Taiwan 14th is read from this sentence). "
    "https://asiamediacentre.org.nz/asia-power-index-new-zealand-s-place-in-the-region",
)


@dataclass(frozen=True)
class RankComparison:
    """Two rankings over their common units.

    ``table`` has ``code, ours, theirs, ours_among, theirs_among, difference`` (ranks among the
    common units; ``difference`` = ours_among - theirs_among, positive when the open index
    ranks the unit lower), sorted by the absolute difference, largest first.
    """

    name: str
    n: int
    spearman: float
    table: pd.DataFrame


def _among(ranks: pd.Series) -> pd.Series:
    return ranks.rank(method="average")


def spearman(a: pd.Series, b: pd.Series) -> float:
    """Spearman's rank correlation of two series over their common index (average ranks for
    ties; Spearman 1904)."""
    common = a.index.intersection(b.index)
    if len(common) < 3:
        raise SpecError(
            f"only {len(common)} unit(s) in common: a rank correlation needs at least 3",
            parameter="codes",
            fix="compare rankings that share at least three units",
        )
    x = _among(a[common]).to_numpy(float)
    y = _among(b[common]).to_numpy(float)
    return float(np.corrcoef(x, y)[0, 1])


def compare_ranks(ours: pd.Series, theirs: pd.Series, name: str) -> RankComparison:
    """Compare the open index's ranks (``code -> rank``) with another ranking's (1 = strongest).

    Both are re-ranked among the common units only, so a rank difference says how the two
    orderings of the same units differ.
    """
    ours = ours.dropna()
    theirs = theirs.dropna()
    common = ours.index.intersection(theirs.index)
    rho = spearman(ours, theirs)
    table = pd.DataFrame(
        {
            "code": list(common),
            "ours": ours[common].to_numpy(float),
            "theirs": theirs[common].to_numpy(float),
            "ours_among": _among(ours[common]).to_numpy(),
            "theirs_among": _among(theirs[common]).to_numpy(),
        }
    )
    table["difference"] = table["ours_among"] - table["theirs_among"]
    order = np.argsort(-np.abs(table["difference"].to_numpy()), kind="stable")
    return RankComparison(name, len(common), rho, table.iloc[order].reset_index(drop=True))

"""What the sections of a brief share: the country, the run settings and the library results
several sections use (computed once per brief), and small formatting helpers."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from powerscope.brief.sections.model import Section
from powerscope.data.store import Store

if TYPE_CHECKING:
    from powerscope.arms.service import ArmsData
    from powerscope.index.engine import IndexResult
    from powerscope.index.uncertainty import UncertaintyResult

#: Runs of the rank-uncertainty analyses in a brief (CETI, like-minded partners): enough for
#: stable 5th-95th percentiles of ranks, and fast.
DEFAULT_RUNS = 2000
DEFAULT_SEED = 1

#: The datasets behind the like-mindedness index (indices/partners.yaml).
PARTNER_SOURCES = (
    "unvotes",
    "atop",
    "cow_igo",
    "democracy",
    "cow_trade",
    "powerscope_institutions",
)


class BriefContext:
    """The country, the run settings, and the library results that several sections use,
    each computed on first use and kept for the one brief (nothing is cached on disk)."""

    def __init__(self, code: str, *, runs: int, seed: int, store: Store) -> None:
        from powerscope.countries import name_of

        self.code = code
        self.name = name_of(code)
        self.runs = runs
        self.seed = seed
        self.store = store

    @cached_property
    def ceti(self) -> IndexResult:
        from powerscope.index import load_spec
        from powerscope.index.service import compute_index

        return compute_index(load_spec("ceti"), store=self.store)

    @cached_property
    def ceti_profile(self) -> dict[str, Any] | None:
        """The country's CETI profile, or None when the CETI does not cover it."""
        from powerscope.index.service import country_profile

        return country_profile(self.ceti, self.code) if self.ceti.has(self.code) else None

    def ceti_uncertainty(self, exclude_aggregates: bool) -> UncertaintyResult:
        """The CETI's rank uncertainty with its default assumptions (as ``powerscope index
        uncertainty ceti`` runs it)."""
        from powerscope.index import load_spec
        from powerscope.index.service import robustness_inputs
        from powerscope.index.uncertainty import uncertainty

        spec = load_spec("ceti")
        uspec, builder, units = robustness_inputs(
            spec, exclude_aggregates=exclude_aggregates, store=self.store
        )
        return uncertainty(spec, uspec, builder, runs=self.runs, seed=self.seed, units=units)

    @cached_property
    def military(self) -> dict[str, Any]:
        from powerscope.military.measures import profile

        return profile(self.code, store=self.store, years=15)

    @cached_property
    def arms(self) -> ArmsData:
        from powerscope.arms.service import load

        return load(self.store)

    @cached_property
    def arms_periods(self) -> list[tuple[int, int]]:
        """The last two non-overlapping five-year periods of the SIPRI data."""
        last = int(self.arms.deliveries["year"].max())
        return [(last - 9, last - 5), (last - 4, last)]

    @cached_property
    def like_minded(self) -> dict[str, Any]:
        from powerscope.alignment.service import like_minded

        return like_minded(self.code, runs=self.runs, seed=self.seed, store=self.store)

    def dataset(self, source_id: str) -> dict[str, Any] | None:
        return self.store.dataset(source_id)


SectionBuilder = Callable[[BriefContext], Section]


def ordinal(n: int | None) -> str:
    """1 -> '1st', 12 -> '12th', 23 -> '23rd'; None -> 'n/a'."""
    if n is None:
        return "n/a"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def period_text(span: tuple[int, int]) -> str:
    """(2020, 2024) -> '2020-2024'."""
    return f"{span[0]}-{span[1]}"

"""What the sections of a brief share: the country, the run settings and the library results
several sections use (computed once per brief), and small formatting helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from powerscope.brief.sections.model import Section
from powerscope.data.catalog import Citation
from powerscope.data.store import Store

if TYPE_CHECKING:
    from powerscope.arms.service import ArmsData
    from powerscope.index.engine import IndexResult
    from powerscope.index.panel import PanelResult
    from powerscope.index.uncertainty import UncertaintyResult
    from powerscope.profile import (
        AlignmentPart,
        ArmsPart,
        MilitaryPart,
        TechnologyPart,
        Unavailable,
    )

#: Runs of the rank-uncertainty analyses in a brief (CETI, like-minded partners): enough for
#: stable 5th-95th percentiles of ranks, and fast.
DEFAULT_RUNS = 2000
DEFAULT_SEED = 1


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
    def technology(self) -> TechnologyPart | Unavailable:
        """The country's part of the profile on the CETI (unavailable when not covered)."""
        from powerscope.profile import technology_part, try_part

        return try_part("technology", lambda: technology_part(self.ceti, self.code))

    def ceti_uncertainty(self, exclude_aggregates: bool) -> UncertaintyResult:
        """The CETI's rank uncertainty with its default assumptions (as ``powerscope index
        uncertainty ceti`` runs it)."""
        from powerscope.index.robustness import uncertainty

        return uncertainty(
            "ceti",
            runs=self.runs,
            seed=self.seed,
            exclude_aggregates=exclude_aggregates,
            store=self.store,
        )

    @cached_property
    def military(self) -> MilitaryPart | Unavailable:
        """The country on every measure of military strength, spending over 15 years."""
        from powerscope.profile import military_part, try_part

        return try_part("military", lambda: military_part(self.code, self.store, years=15))

    @cached_property
    def arms(self) -> ArmsData:
        from powerscope.arms.service import load

        return load(self.store)

    @cached_property
    def arms_profile(self) -> ArmsPart | Unavailable:
        """The country's arms exports in the last two five-year periods, eight clients."""
        from powerscope.profile import arms_part, try_part

        return try_part("arms", lambda: arms_part(self.code, self.arms, clients=8))

    @cached_property
    def arms_periods(self) -> list[tuple[int, int]]:
        """The last two non-overlapping five-year periods of the SIPRI data."""
        from powerscope.profile import last_periods

        return list(last_periods(self.arms))

    @cached_property
    def alignment(self) -> AlignmentPart | Unavailable:
        """Every country ranked as a like-minded partner (with rank intervals over the brief's
        runs) and UN vote agreement with the major powers."""
        from powerscope.profile import alignment_part, try_part

        return try_part(
            "alignment",
            lambda: alignment_part(
                self.code, self.store, partners=None, runs=self.runs, seed=self.seed
            ),
        )

    @cached_property
    def power(self) -> PanelResult:
        """The open comprehensive-power index, every state and year 2000-2024 (the panel is
        derived with the SIPRI deliveries the arms section already annualised)."""
        from powerscope.power.analysis import power_result
        from powerscope.power.indicators import power_panel

        power_panel(self.store, deliveries=self.arms.deliveries)  # fills the deriver's cache
        return power_result(self.store)

    def dataset(self, source_id: str) -> dict[str, Any] | None:
        return self.store.dataset(source_id)

    @cached_property
    def ceti_citation(self) -> Citation:
        """The CETI's citation, as its computed result carries it."""
        return self.ceti.citations[0]


SectionBuilder = Callable[[BriefContext], Section]


def ids(citations: Iterable[Citation]) -> tuple[str, ...]:
    """The catalog ids of the datasets ``citations`` cite, each once, in order: what a fact, a
    table, a chart or a note names as its sources."""
    return tuple(dict.fromkeys(c.dataset for c in citations))


def ordinal(n: int | None) -> str:
    """1 -> '1st', 12 -> '12th', 23 -> '23rd'; None -> 'n/a'."""
    if n is None:
        return "n/a"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def period_text(span: tuple[int, int]) -> str:
    """(2020, 2024) -> '2020-2024'."""
    return f"{span[0]}-{span[1]}"

"""A country's profile across domains: technology, military strength, arms exports, alignment.

One call gives what the ``powerscope country`` command, the country brief and the web API show
about a country::

    from powerscope.profile import country_profile

    profile = country_profile("KOR")
    profile.technology.rank            # 5 (of the 26 entities the CETI covers)
    profile.military.measures["gfp"]   # Global Firepower rank, value, year, unit, citations
    profile.technology.citations[0]    # Citation: Belfer Center, CETI, its edition and years
    profile.to_dict()                  # plain JSON-ready data

Every part carries where its figures come from as :class:`~powerscope.data.catalog.Citation`
values (:attr:`citations`: publisher, title, edition, data years, licence, URL), taken from the
library's results and the store, never written out here. A part the data cannot give (a country
the CETI does not cover, a country without UN votes) is :class:`Unavailable`, with the reason,
instead of failing the whole profile. Only the library's service functions compute figures here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from powerscope.data.catalog import Citation
from powerscope.data.store import Store, open_store
from powerscope.errors import PowerscopeError, SpecError

if TYPE_CHECKING:
    from powerscope.arms.service import ArmsData
    from powerscope.index.engine import IndexResult

#: The powers whose UN vote agreement with the country a profile reports.
MAJOR_POWERS = ("USA", "CHN", "JPN", "RUS")


def _plain(value: Any) -> Any:
    """Dataclasses, tuples and mappings as JSON-ready dicts and lists."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value.item() if hasattr(value, "item") else value


class _Plain:
    """``to_dict()``: every field, as plain data."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]


class _Part(_Plain):
    """A part of a profile the data gives; its ``citations`` say where the figures come from."""

    available: ClassVar[bool] = True


@dataclass(frozen=True)
class Unavailable(_Plain):
    """A part of the profile the data cannot give, and why."""

    part: str
    reason: str
    available: ClassVar[bool] = False

    def to_dict(self) -> dict[str, Any]:
        return {"available": False, "reason": self.reason}


@dataclass(frozen=True)
class SectorStanding(_Plain):
    """The country on one top-level component of an index (a CETI sector)."""

    name: str
    score: float
    rank: int
    rank_excluding_aggregates: int
    contribution: float
    strongest: str
    strongest_rank: int
    weakest: str
    weakest_rank: int


@dataclass(frozen=True)
class TechnologyPart(_Part):
    """The country on a technology index (the CETI by default): score, ranks, sectors."""

    index: str
    index_name: str
    edition: str
    score: float
    rank: int
    of: int
    rank_excluding_aggregates: int
    of_countries: int
    sectors: tuple[SectorStanding, ...]
    strongest: str
    weakest: str
    source: str
    citations: tuple[Citation, ...]

    def to_dict(self) -> dict[str, Any]:
        """As :func:`powerscope.index.service.country_profile` gives it, with the citations."""
        return {
            "index": {
                "id": self.index,
                "name": self.index_name,
                "edition": self.edition,
                "score": self.score,
                "rank": self.rank,
                "of": self.of,
                "rank_excluding_aggregates": self.rank_excluding_aggregates,
                "of_countries": self.of_countries,
            },
            "sectors": _plain(self.sectors),
            "strongest": self.strongest,
            "weakest": self.weakest,
            "source": self.source,
            "citations": _plain(self.citations),
        }


@dataclass(frozen=True)
class Measure(_Plain):
    """The country on one measure of military strength (rank 1 = strongest), and the datasets
    the measure is read from."""

    value: float | None
    rank: int | None
    of: int
    year: int
    unit: str
    source: str
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class MilitaryPart(_Part):
    """GFP, SIPRI spending, COW CINC and the open index, with spending and CINC over time."""

    measures: Mapping[str, Measure]
    milex_trend: tuple[Mapping[str, Any], ...]
    cinc_trend: tuple[Mapping[str, Any], ...]
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Window(_Plain):
    """Arms exports in one five-year period: volume (TIV, millions), world share %, rank."""

    period: str
    tiv: float
    share: float
    rank: int


@dataclass(frozen=True)
class Client(_Plain):
    """A recipient of the country's arms exports in a period, with its share of them (%)."""

    code: str
    name: str
    tiv: float
    share: float


@dataclass(frozen=True)
class ArmsPart(_Part):
    """SIPRI arms exports: the latest and the previous five-year period, the largest clients,
    pending orders, and every five-year window since 1950 (``trend``)."""

    period: str
    previous_period: str
    current: Window | None
    previous: Window | None
    clients: tuple[Client, ...]
    client_concentration_hhi: float | None
    pending_orders: int
    pending_tiv: float
    trend: tuple[Window, ...]
    edition: str
    source: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Partner(_Plain):
    """A like-minded partner: rank and score (0-100) on the like-mindedness index, the score of
    each component and its evidence (UN agreement %, alliance, shared institutions, ...); with
    uncertainty runs, its median and 5th-95th percentile ranks."""

    rank: int
    code: str
    name: str
    score: float
    named_like_minded: bool
    median_rank: float | None = None
    q05_rank: float | None = None
    q95_rank: float | None = None
    components: Mapping[str, float | None] = field(default_factory=dict)
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Agreement(_Plain):
    """UN General Assembly vote agreement with another country in one year (share 0-1 of
    roll calls voted alike; kappa: corrected for chance)."""

    code: str
    name: str
    agreement: float
    kappa: float | None
    roll_calls: int


@dataclass(frozen=True)
class AlignmentPart(_Part):
    """The most like-minded partners and UN vote agreement with the major powers."""

    partners: tuple[Partner, ...]
    years: Mapping[str, Any]
    agreement_year: int | None
    agreement: tuple[Agreement, ...]
    source: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class CountryProfile:
    """A country across domains. Each part is its own dataclass, or :class:`Unavailable`."""

    code: str
    name: str
    technology: TechnologyPart | Unavailable
    military: MilitaryPart | Unavailable
    arms: ArmsPart | Unavailable
    alignment: AlignmentPart | Unavailable

    def parts(self) -> dict[str, Any]:
        """The parts by name, in order."""
        return {
            "technology": self.technology,
            "military": self.military,
            "arms": self.arms,
            "alignment": self.alignment,
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: ``code``, ``name`` and each part (``available`` true or false,
        with ``reason`` when false)."""
        out: dict[str, Any] = {"code": self.code, "name": self.name}
        for name, part in self.parts().items():
            made = part.to_dict()
            if part.available:  # each part names the country, as the web API's parts do
                made = {"available": True, "code": self.code, "name": self.name, **made}
            out[name] = made
        return out


# ---------------------------------------------------------------------------------------------


def cited(store: Store, citations: Iterable[Mapping[str, Any] | Citation]) -> tuple[Citation, ...]:
    """Citation values for the citations a service function returns as plain data
    (``citation.to_dict()``), looked up again in the store; each dataset once, in order."""
    out: dict[str, Citation] = {}
    for item in citations:
        dataset = item.dataset if isinstance(item, Citation) else str(item["dataset"])
        if dataset not in out:
            out[dataset] = item if isinstance(item, Citation) else store.citation(dataset)
    return tuple(out.values())


def technology_part(result: IndexResult, code: str) -> TechnologyPart:
    """The country on a computed index (see :func:`powerscope.index.service.country_profile`)."""
    from powerscope.countries import name_of
    from powerscope.index.service import country_profile as index_profile

    spec = result.spec
    if not result.has(code):
        label = spec.id.upper() if len(spec.id) <= 5 else spec.name  # "the CETI"
        raise SpecError(f"{name_of(code)} is not covered by the {label}",
                        fix=f"the {label} covers: " + ", ".join(sorted(result.codes)))  # fmt: skip
    made = index_profile(result, code)
    head = made["index"]
    return TechnologyPart(
        index=spec.id,
        index_name=spec.name,
        edition=str(spec.edition or ""),
        score=float(head["score"]),
        rank=int(head["rank"]),
        of=int(head["of"]),
        rank_excluding_aggregates=int(head["rank_excluding_aggregates"]),
        of_countries=int(head["of_countries"]),
        sectors=tuple(SectorStanding(**s) for s in made["sectors"]),
        strongest=str(made["strongest"]),
        weakest=str(made["weakest"]),
        source=str(made["source"]),
        citations=tuple(result.citations),
    )


def military_part(code: str, store: Store, *, years: int = 10) -> MilitaryPart:
    """The country on every measure of military strength (see
    :func:`powerscope.military.measures.profile`); trends over the last ``years`` years."""
    from powerscope.military.measures import profile

    report = profile(code, store=store, years=years)
    measures = {
        k: Measure(**{**m, "citations": cited(store, m["citations"])})
        for k, m in report["measures"].items()
    }
    return MilitaryPart(
        measures=measures,
        milex_trend=tuple(report["milex_trend"]),
        cinc_trend=tuple(report["cinc_trend"]),
        citations=cited(store, (c for m in measures.values() for c in m.citations)),
    )


def last_periods(data: ArmsData) -> tuple[tuple[int, int], tuple[int, int]]:
    """The last two non-overlapping five-year periods of the SIPRI data
    (:func:`powerscope.arms.service.latest_period` and the five years before it)."""
    from powerscope.arms.service import latest_period

    first, last = latest_period(data)
    return (first - 5, last - 5), (first, last)


def arms_part(code: str, data: ArmsData, *, clients: int = 5) -> ArmsPart:
    """The country's arms exports in the last two five-year periods of the SIPRI data (see
    :func:`powerscope.arms.service.profile`)."""
    from powerscope.arms.service import profile

    previous, current = (f"{a}-{b}" for a, b in last_periods(data))
    report = profile(data, code, current)
    trend = tuple(Window(**w) for w in report["trend"])
    by_period = {w.period: w for w in trend}
    return ArmsPart(
        period=current,
        previous_period=previous,
        current=by_period.get(current),
        previous=by_period.get(previous),
        clients=tuple(Client(**c) for c in report["clients"][:clients]),
        client_concentration_hhi=report["client_concentration_hhi"],
        pending_orders=len(report["pending"]),
        pending_tiv=float(report["pending_tiv"]),
        trend=trend,
        edition=str(report["edition"]),
        source=str(report["source"]),
        citations=tuple(data.citations),
    )


def alignment_part(
    code: str, store: Store, *, partners: int | None = 10, runs: int = 0, seed: int = 1
) -> AlignmentPart:
    """The most like-minded partners (see :func:`powerscope.alignment.service.like_minded`)
    and UN vote agreement with the major powers in the latest year of votes."""
    from powerscope.alignment.service import like_minded

    report = like_minded(code, runs=runs, seed=seed, store=store)
    keep = {f.name for f in fields(Partner)}
    top = tuple(
        Partner(**{k: v for k, v in p.items() if k in keep}) for p in report["partners"][:partners]
    )
    from powerscope.alignment.service import votes_citations

    year, agreement = _agreement(code, store)
    return AlignmentPart(
        partners=top,
        years=dict(report["years"]),
        agreement_year=year,
        agreement=agreement,
        source=str(report["source"]),
        citations=cited(store, [*report["citations"], *votes_citations(store)]),
    )


def _agreement(code: str, store: Store) -> tuple[int | None, tuple[Agreement, ...]]:
    """UN vote agreement with the major powers in the last year of votes."""
    from powerscope.alignment.agreement import agreement_with
    from powerscope.alignment.agreement import load as load_votes
    from powerscope.countries import name_of

    votes = load_votes(store)
    last = int(votes.calls["year"].max())
    for year in range(last, last - 5, -1):  # the last year has few roll calls when it is partial
        try:
            frame = agreement_with(code, votes.votes, votes.calls, votes.issues, year=year)
        except PowerscopeError:
            continue
        rows = frame.set_index("partner")
        if any(other in rows.index for other in MAJOR_POWERS if other != code):
            break
    else:
        return None, ()
    out = tuple(
        Agreement(
            code=other,
            name=name_of(other),
            agreement=float(rows.at[other, "percent_agreement"]),
            kappa=_number(rows.at[other, "kappa"]),
            roll_calls=int(rows.at[other, "n"]),
        )
        for other in MAJOR_POWERS
        if other != code and other in rows.index
    )
    return year, out


def _number(value: Any) -> float | None:
    number = float(value)
    return None if number != number else number


T = TypeVar("T")


def try_part(name: str, make: Callable[[], T]) -> T | Unavailable:
    """One part of a profile; a part the data cannot give says why instead of failing."""
    try:
        return make()
    except PowerscopeError as exc:
        return Unavailable(name, exc.message)


def country_profile(
    country: str,
    *,
    store: Store | None = None,
    index: str = "ceti",
    index_result: IndexResult | None = None,
    arms_data: ArmsData | None = None,
    military_years: int = 10,
    clients: int = 5,
    partners: int | None = 10,
    runs: int = 0,
    seed: int = 1,
    on_part: Callable[[str, Any], None] | None = None,
) -> CountryProfile:
    """A country's profile across technology, military strength, arms exports and alignment.

    Parameters
    ----------
    country:
        A country's name or code (``"KOR"``, ``"South Korea"``).
    store:
        Where the data is read from (default: the warehouse, else the embedded snapshot).
    index, index_result:
        The technology index by name (default: the CETI), or an index already computed.
    arms_data:
        SIPRI data already loaded (:func:`powerscope.arms.service.load`), to reuse it.
    military_years:
        Years of SIPRI spending and CINC in the military part's trends.
    clients, partners:
        How many arms clients and like-minded partners to keep (the largest, the closest;
        ``partners=None``: every country, ranked).
    runs, seed:
        Monte Carlo runs (0: none) and seed of the partners' rank intervals.
    on_part:
        Called with each part's name and the part (or :class:`Unavailable`) as soon as it is
        computed, in the order technology, military, arms, alignment: a terminal can show the
        first part while the others are computed.

    Raises
    ------
    UnknownEntityError
        When ``country`` resolves to no known country (the error names it).
    """
    from powerscope.countries import name_of, resolve

    code = resolve(country, parameter="country")
    store = store or open_store()

    def technology() -> TechnologyPart:
        result = index_result
        if result is None:
            from powerscope.index import load_spec
            from powerscope.index.service import compute_index

            result = compute_index(load_spec(index), store=store)
        return technology_part(result, code)

    def arms() -> ArmsPart:
        from powerscope.arms.service import load

        return arms_part(code, arms_data or load(store), clients=clients)

    makers: dict[str, Callable[[], Any]] = {
        "technology": technology,
        "military": lambda: military_part(code, store, years=military_years),
        "arms": arms,
        "alignment": lambda: alignment_part(code, store, partners=partners, runs=runs, seed=seed),
    }
    parts: dict[str, Any] = {}
    for name, make in makers.items():
        parts[name] = try_part(name, make)
        if on_part is not None:
            on_part(name, parts[name])
    return CountryProfile(code=code, name=name_of(code), **parts)


def citations_of(profile: CountryProfile) -> list[Citation]:
    """Every dataset the profile cites, each once, in the order of the parts."""
    seen: dict[str, Citation] = {}
    for part in profile.parts().values():
        for citation in getattr(part, "citations", ()):
            seen.setdefault(citation.dataset, citation)
    return list(seen.values())


__all__ = [
    "AlignmentPart",
    "ArmsPart",
    "CountryProfile",
    "MilitaryPart",
    "TechnologyPart",
    "Unavailable",
    "citations_of",
    "country_profile",
]

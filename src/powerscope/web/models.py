"""Request bodies and the documented shapes of the responses (the OpenAPI schema).

Responses are written directly as JSON (:mod:`powerscope.web.tables`), so these response models
document and let clients (and the schema tests) check them without costing a validation per
request. They list the fields the contract guarantees and allow more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from powerscope.errors import PowerscopeError, WeightsError
from powerscope.index import weights as library_weights
from powerscope.index.spec import AGGREGATIONS, NORMALISATIONS
from powerscope.index.weights import RENORMALISE_DEFAULT

# the methods offered are exactly the library's catalogue (one source): a Literal of its names
# for validation and the schema's enum; type checkers see a str
if TYPE_CHECKING:
    Aggregation = str
    Normalisation = str
else:
    Aggregation = Literal[AGGREGATIONS]
    Normalisation = Literal[NORMALISATIONS]

WeightsText = Annotated[str, StringConstraints(max_length=2000)]
WEIGHTS_STRING = "Semiconductors=0.4,AI=0.3,Biotechnology=0.1,Space=0.1,Quantum=0.1"


def parse_weights(text: str | None, field: str = "weights") -> dict[str, float]:
    """Weights written as text in the request field ``field``, in the one grammar of the CLI's
    ``--weights`` (:func:`powerscope.index.weights.parse_weights`, ``NODE=W`` or ``NODE:W``
    pairs separated by commas); an error names the field."""
    try:
        return library_weights.parse_weights(text, parameter=field)
    except WeightsError as error:
        error.parameter = error.parameter or field
        raise


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ComputeRequest(BaseModel):
    """Weights and methods for one computation of an index; everything optional."""

    model_config = ConfigDict(extra="forbid")

    weights: dict[str, float] | WeightsText | None = Field(
        default=None,
        description="Weights by node path, name or alias, e.g. {'Semiconductors': 0.5, "
        "'AI/Human Capital': 0.3}, or the same as text in the grammar of the CLI's --weights: "
        "NODE=W pairs separated by commas (NODE:W works too), e.g. "
        f"'{WEIGHTS_STRING}'. Nodes not named keep their default weight. Weights must be "
        "finite and >= 0, and a group cannot sum to 0.",
        examples=[
            {"Semiconductors": 1, "AI": 0, "Biotechnology": 0, "Space": 0, "Quantum": 0},
            WEIGHTS_STRING,
        ],
    )
    renormalise: bool = Field(
        default=RENORMALISE_DEFAULT,
        description="Rescale each group of sibling weights to sum to 1. Default false, as in "
        "the library and the CLI (--renormalise): a group that does not sum to 1 (within 1e-6) "
        "is refused with 422, never silently rescaled. The dashboard sends true: its sliders "
        "are relative weights.",
    )
    aggregation: Aggregation | None = Field(
        default=None, description="Override the spec's aggregation."
    )
    normalisation: Normalisation | None = Field(
        default=None, description="Override the spec's normalisation."
    )
    exclude_aggregates: bool = Field(
        default=False,
        description="Drop aggregates (e.g. the CETI's Europe) before normalising and ranking.",
    )
    rescale: tuple[float, float] | None = Field(
        default=None,
        description="[low, high]: map the normalised values from [0, 1] to this range before "
        "aggregating (e.g. [1, 100], so a geometric mean is not zeroed by one zero); scores are "
        "then on that scale. 0 <= low < high.",
        examples=[[1, 100]],
    )
    focal: str | None = Field(
        default=None,
        max_length=64,
        description="The focal country of the 'partners' index (default KOR); ignored by the "
        "other indices.",
    )
    year: int | None = Field(
        default=None,
        ge=1000,
        le=9999,
        description="The year of a panel index (one with 'years' in GET /api/indices; default "
        "its last year); a snapshot index has no years and refuses one with 422.",
    )

    @field_validator("weights")
    @classmethod
    def _parse_weights(cls, value: dict[str, float] | str | None) -> dict[str, float] | None:
        # a weights string is read by the library's one parser (errors name 'weights')
        return parse_weights(value) if isinstance(value, str) else value

    @property
    def overrides(self) -> dict[str, float] | None:
        """The weights as ``{node: weight}`` (a string is parsed when the request is read)."""
        return parse_weights(self.weights) if isinstance(self.weights, str) else self.weights

    @field_validator("rescale")
    @classmethod
    def _check_rescale(cls, value: tuple[float, float] | None) -> tuple[float, float] | None:
        if value is None:
            return None
        from powerscope.index.engine import check_rescale

        try:
            return check_rescale(value)
        except PowerscopeError as error:
            raise ValueError(error.message) from None


class ErrorDetail(BaseModel):
    what: str = Field(description="What is wrong.")
    where: str | None = Field(default=None, description="Where: a parameter, file, row or node.")
    fix: str | None = Field(default=None, description="How to fix it.")
    parameter: str | None = Field(
        default=None,
        description="The parameter at fault, as the library names it (e.g. years, weights).",
    )
    field: str | None = Field(
        default=None,
        description="The request's query, path or body field that gives it (usually the same "
        "name as parameter).",
    )


class ErrorOut(BaseModel):
    error: ErrorDetail


class HealthOut(Open):
    status: Literal["ok"]
    version: str
    store: str


class DatasetsOut(Open):
    datasets: list[dict[str, Any]]


class IndexEntry(Open):
    name: str
    title: str
    source: str
    years: list[int] | None = Field(
        default=None,
        description="[first, last] year of a panel index (one computed for every year); null "
        "for a snapshot index (one edition).",
    )


class IndexTrendRow(Open):
    code: str
    name: str
    year: int
    score: float | None
    rank: int | None
    median_rank: float | None
    q05_rank: float | None
    q95_rank: float | None


WEIGHTS_APPLIED = (
    "Every node's weight as applied, by path (the published weights unless custom_weights; "
    "after renormalise, each group rescaled to sum to 1)."
)
CUSTOM_WEIGHTS = (
    "True when the request gave weights: the figures are not those of the published weights "
    "(the dashboard then says 'custom weights' in titles, source lines and downloads, and the "
    "CSV's file name ends in -custom-weights)."
)


class IndexTrendOut(Open):
    name: str
    title: str
    source: str
    runs: int
    seed: int
    custom_weights: bool = Field(description=CUSTOM_WEIGHTS)
    weights: dict[str, float] = Field(description=WEIGHTS_APPLIED)
    renormalise: bool
    rows: list[IndexTrendRow]
    citations: list[CitationOut] = Field(
        default_factory=list, description="The datasets behind the figures (GET /api/datasets)."
    )


class MoverRow(Open):
    code: str
    name: str
    score_first: float | None
    score_last: float | None
    score_change: float | None
    rank_first: int | None
    rank_last: int | None
    rank_change: int | None
    change_q05: float | None = Field(
        default=None, description="5th percentile of the rank change over the runs (with runs)."
    )
    change_q95: float | None = Field(
        default=None, description="95th percentile of the rank change over the runs (with runs)."
    )
    share_up: float | None = Field(
        default=None, description="Share of the runs in which the unit climbed, 0-1 (with runs)."
    )
    top_measure: str | None
    top_measure_change: float | None
    measures: dict[str, float | None]


class CompareYearsOut(Open):
    name: str
    title: str
    source: str
    custom_weights: bool = Field(description=CUSTOM_WEIGHTS)
    weights: dict[str, float] = Field(description=WEIGHTS_APPLIED)
    renormalise: bool
    runs: int | None = Field(default=None, description="Monte Carlo runs of the bands, if any.")
    seed: int | None = None
    rows: list[MoverRow]
    citations: list[CitationOut] = Field(
        default_factory=list, description="The datasets behind the figures (GET /api/datasets)."
    )


class IndicesOut(Open):
    indices: list[IndexEntry]


class NodeOut(Open):
    path: str
    label: str
    parent: str
    level: int
    weight: float


class UnitOut(Open):
    code: str
    name: str
    is_aggregate: bool


class IndexTreeOut(Open):
    name: str
    title: str
    source: str
    nodes: list[NodeOut]
    units: list[UnitOut]


class RankingRow(Open):
    code: str
    name: str
    is_aggregate: bool
    score: float | None
    rank: int | None
    rank_excluding_aggregates: int | None


class ComputeOut(Open):
    name: str
    source: str
    method: dict[str, Any]
    ranking: list[RankingRow]
    children: list[str]
    contributions: dict[str, dict[str, float | None]]
    node_scores: dict[str, dict[str, float | None]]
    citations: list[CitationOut] = Field(
        default_factory=list, description="The datasets behind the figures (GET /api/datasets)."
    )


class RankingOut(Open):
    name: str
    source: str
    ranking: list[dict[str, Any]]
    citations: list[CitationOut] = Field(
        default_factory=list, description="The datasets behind the figures (GET /api/datasets)."
    )


class UncertaintyRow(Open):
    code: str
    name: str
    nominal: float | None
    median: float | None
    p05: float | None
    p95: float | None


class UncertaintyOut(Open):
    runs: int
    seed: int
    assumptions: dict[str, Any]
    countries: list[UncertaintyRow]
    citations: list[CitationOut] = Field(
        default_factory=list, description="The datasets behind the figures (GET /api/datasets)."
    )


class CitationOut(Open):
    """How to cite one dataset, as the store gives it (``Citation.to_dict()``)."""

    dataset: str = Field(description="The dataset's id in the store (GET /api/datasets).")
    publisher: str
    title: str
    edition: str
    years: list[int] | None = Field(description="First and last year of data present.")
    licence: str
    url: str
    short: str = Field(description="A short name for labels.")
    reference: str = Field(description="The publisher's preferred citation.")
    text: str = Field(description="A one-line citation: publisher, title, edition, years, URL.")


class CountryPartOut(Open):
    """One part of a country's profile; ``available`` false with the ``reason`` when the data
    cannot give it."""

    available: bool
    reason: str | None = None
    citations: list[CitationOut] = Field(
        default_factory=list, description="Where the part's figures come from."
    )


class CountryOut(Open):
    code: str
    name: str
    technology: CountryPartOut
    military: CountryPartOut
    arms: CountryPartOut
    alignment: CountryPartOut


class MilitaryRow(Open):
    code: str
    name: str
    value: float | None
    rank: int


class MilitaryRankOut(Open):
    measure: str
    source: str
    ranking: list[MilitaryRow]


class ProfileOut(Open):
    code: str | None = None


class ExporterRow(Open):
    code: str
    name: str
    tiv: float
    share: float | None
    rank: int


class ExportersOut(Open):
    period: str
    source: str
    ranking: list[ExporterRow]


class SeriesOut(Open):
    code: str
    name: str
    years: list[int]
    tiv: list[float]


class TrendOut(Open):
    source: str
    series: list[SeriesOut]


class PartnerRow(Open):
    code: str
    name: str
    rank: int | None
    median: float | None = None
    p05: float | None = None
    p95: float | None = None


class PartnersOut(Open):
    source: str
    partners: list[PartnerRow]


class AgreementRow(Open):
    code: str
    name: str
    agreement: float | None


class AgreementOut(Open):
    year: int
    source: str
    agreement: list[AgreementRow]


class ClaimRow(Open):
    id: str
    statement: str
    verdict: str
    stated: Any = None
    computed: float | None
    edition: str | None


class ClaimsOut(Open):
    claims: list[ClaimRow]


class UploadOut(Open):
    id: str
    kind: str
    name: str
    bytes: int
    sha256: str


class UploadsOut(Open):
    uploads: list[UploadOut]


# -- the dynamic model (/api/dynamics) ------------------------------------------------------

ScenarioName = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class RunRequest(BaseModel):
    """A scenario run: a scenario (by name or written inline), the years, runs and seed."""

    model_config = ConfigDict(extra="forbid")

    scenario: ScenarioName | dict[str, Any] = Field(
        default="baseline",
        description="A shipped or saved scenario's name (GET /api/dynamics/scenarios), or a "
        "scenario written inline in the YAML shape of docs/dynamics.md: {name, set, add, scale, "
        "uncertain}. Unknown parameters and values outside a parameter's meaningful range are "
        "refused with 422.",
        examples=[
            "thousand-talents",
            {
                "name": "my-programme",
                "set": {"recruits": {"value": 800, "from": 2026, "to": 2035}},
                "add": {"rd_target": {"value": 0.5, "from": 2026}},
            },
        ],
    )
    years: str = Field(
        default="2025-2050",
        pattern=r"^\d{4}-\d{4}$",
        description="Projection years FIRST-LAST (after the calibration's last year, at most "
        "2100).",
    )
    runs: int = Field(
        default=2000, ge=1, le=20000, description="Ensemble runs (parameter draws), 1-20000."
    )
    seed: int = Field(default=1, ge=0, le=2**32 - 1, description="Random seed.")
    noise: bool = Field(
        default=False,
        description="Add year-by-year shocks with each equation's residual sd (bands for levels, "
        "not only parameter uncertainty).",
    )


class DynScenarioRow(Open):
    name: str
    title: str
    description: str
    kind: Literal["shipped", "saved"]


class DynScenariosOut(Open):
    scenarios: list[DynScenarioRow]


class DynParameterRow(Open):
    name: str
    kind: str
    unit: str
    low: float
    high: float
    default: float | None
    meaning: str


class DynParametersOut(Open):
    parameters: list[DynParameterRow]


class DynCited(Open):
    code: str
    name: str
    source: str
    sources: dict[str, str]


class DynCalibrationOut(DynCited):
    fit: list[int]
    parameters: list[dict[str, Any]]
    equations: list[dict[str, Any]]
    initial: dict[str, Any]


class DynBacktestRow(Open):
    name: str
    unit: str
    metric: str
    model_error: float | None
    baseline_error: float | None
    last_value_error: float | None
    coverage_90: float | None
    test_years: str


class DynBacktestOut(DynCited):
    fit: list[int]
    test: list[int]
    runs: int
    seed: int
    baseline: str
    series: list[DynBacktestRow]


class DynBacktestOriginsRow(Open):
    name: str
    unit: str
    origins: int
    model_error: float | None
    last_value_error: float | None
    baseline_error: float | None
    ets_error: float | None
    model_beats_naive: int
    ets_beats_naive: int
    coverage_90: float | None
    coverage_90_noise: float | None
    use: str | None
    advice: str


class DynBacktestOriginsOut(DynCited):
    start: int
    origins: list[int]
    last: int
    runs: int
    seed: int
    demography: str
    summary: dict[str, Any]
    series: list[DynBacktestOriginsRow]
    by_origin: dict[str, Any]
    backtests: list[dict[str, Any]]


class DynSeries(Open):
    name: str
    unit: str
    p05: list[float | None]
    median: list[float | None]
    p95: list[float | None]
    effect_p05: list[float | None]
    effect_median: list[float | None]
    effect_p95: list[float | None]


class DynRunOut(DynCited):
    scenario: dict[str, Any]
    fit: list[int]
    years: list[int]
    runs: int
    seed: int
    noise: bool
    series: list[DynSeries]
    headline: dict[str, dict[str, Any]]


class DynLoopsOut(DynCited):
    scenario: str
    unit: str
    loops: list[dict[str, Any]]
    history: list[dict[str, Any]]
    years: list[dict[str, Any]]
    summary: dict[str, int]


class DynCompareOut(Open):
    countries: list[dict[str, Any]]
    year: int
    scenario: str
    runs: int
    units: dict[str, str]
    source: str
    sources: dict[str, str]


class DynSavedOut(UploadOut):
    title: str

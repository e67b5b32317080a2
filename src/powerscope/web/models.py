"""Request bodies and the documented shapes of the responses (the OpenAPI schema).

Responses are written directly as JSON (:mod:`powerscope.web.tables`), so these response models
document and let clients (and the schema tests) check them without costing a validation per
request. They list the fields the contract guarantees and allow more.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from powerscope.index.spec import AGGREGATIONS, NORMALISATIONS

Aggregation = Literal["arithmetic", "geometric", "harmonic", "generalised", "copeland"]
Normalisation = Literal["none", "max", "minmax", "zscore", "rank"]
assert set(Aggregation.__args__) == set(AGGREGATIONS)  # type: ignore[attr-defined]
assert set(Normalisation.__args__) == set(NORMALISATIONS)  # type: ignore[attr-defined]


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ComputeRequest(BaseModel):
    """Weights and methods for one computation of an index; everything optional."""

    model_config = ConfigDict(extra="forbid")

    weights: dict[str, float] | None = Field(
        default=None,
        description="Weights by node path, name or alias, e.g. {'Semiconductors': 0.5, "
        "'AI/Human Capital': 0.3}; nodes not named keep their default weight. Weights must be "
        "finite and >= 0, and a group cannot sum to 0.",
        examples=[{"Semiconductors": 1, "AI": 0, "Biotechnology": 0, "Space": 0, "Quantum": 0}],
    )
    renormalise: bool = Field(
        default=True,
        description="Rescale each group of sibling weights to sum to 1 (default). With false, "
        "a group that does not sum to 1 is an error.",
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
    focal: str | None = Field(
        default=None,
        max_length=64,
        description="The focal country of the 'partners' index (default KOR); ignored by the "
        "other indices.",
    )


class ErrorDetail(BaseModel):
    what: str = Field(description="What is wrong.")
    where: str | None = Field(default=None, description="Where: a parameter, file, row or node.")
    fix: str | None = Field(default=None, description="How to fix it.")


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


class RankingOut(Open):
    name: str
    source: str
    ranking: list[dict[str, Any]]


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


class CountryOut(Open):
    code: str
    name: str
    technology: dict[str, Any]
    military: dict[str, Any]
    arms: dict[str, Any]
    alignment: dict[str, Any]


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

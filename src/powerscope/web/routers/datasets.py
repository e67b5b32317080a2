"""``/api/health`` and ``/api/datasets``: the service's status and the provenance of its data."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from powerscope import __version__
from powerscope.web import models
from powerscope.web.common import CSV_TOO, Fmt, State
from powerscope.web.errors import portable
from powerscope.web.tables import csv_filename, json_response, table

router = APIRouter()

COLUMNS = ["id", "title", "publisher", "edition", "licence", "citation", "url", "rows", "tables",
           "files", "sha256"]  # fmt: skip


@router.get("/api/health", summary="Service status", response_model=models.HealthOut)
def health(state: State) -> Response:
    """Whether the service runs, its version, and where its data are read from (in words, or
    relative to the data folder: never an absolute server path)."""
    store = portable(state.store.describe())
    return json_response({"status": "ok", "version": __version__, "store": store})


@router.get(
    "/api/datasets",
    summary="Datasets and their provenance",
    response_model=models.DatasetsOut,
    responses=CSV_TOO,
)
def datasets(state: State, fmt: Fmt = "json") -> Response:
    """Every dataset in use: publisher, title, edition, licence, citation, URL, rows per
    table and the sha256 of each file read; ``citations``: how to cite each (with the data
    years present), as every other answer cites it."""
    rows = state.datasets()
    citations = [state.store.citation(str(row["id"])).to_dict() for row in rows]
    payload = {"store": portable(state.store.describe()), "datasets": rows, "citations": citations}
    return table(rows, payload, fmt, csv_filename("datasets"), COLUMNS)

"""``/api/claims``: the debate's claims, checked by :mod:`powerscope.claims`."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter
from starlette.responses import Response

from powerscope.web import models
from powerscope.web.common import CSV_TOO, Fmt, State
from powerscope.web.tables import csv_filename, table

router = APIRouter()

COLUMNS = ["id", "statement", "verdict", "stated", "computed", "edition", "note"]


@router.get(
    "/api/claims",
    summary="The debate's claims, checked",
    response_model=models.ClaimsOut,
    responses=CSV_TOO,
)
def claims(state: State, fmt: Fmt = "json") -> Response:
    """Each shipped claim: statement, verdict (confirmed, differs, cannot check), the stated
    and the computed value, and the data edition."""
    rows = state.claims()
    counts = dict(Counter(row["verdict"] for row in rows))
    payload = {"source": "powerscope claim checker (powerscope/claims.yaml)", "counts": counts,
               "claims": rows}  # fmt: skip
    return table(rows, payload, fmt, csv_filename("claims"), COLUMNS)

"""``/api/claims``: the debate's claims, checked by :mod:`powerscope.claims`."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter
from starlette.responses import Response

from powerscope.web import models
from powerscope.web.common import CSV_TOO, Fmt, State
from powerscope.web.tables import csv_filename, table

router = APIRouter()

#: the catalog id of the claims file shipped with powerscope (a curated source)
CLAIMS_DATASET = "powerscope_claims"
COLUMNS = ["id", "statement", "verdict", "stated", "computed", "edition", "note"]


@router.get(
    "/api/claims",
    summary="The debate's claims, checked",
    response_model=models.ClaimsOut,
    responses=CSV_TOO,
)
def claims(state: State, fmt: Fmt = "json") -> Response:
    """Each shipped claim: statement, verdict (confirmed, differs, cannot check), the stated
    and the computed value, the data edition and its ``citations``; the answer's ``citations``
    are the claims file's and every dataset (or table of one) a verdict reads, each once."""
    rows = state.claims()
    counts = dict(Counter(row["verdict"] for row in rows))
    claims_file = state.store.citation(CLAIMS_DATASET)
    cited = {claims_file.text(): claims_file.to_dict()}
    for row in rows:
        cited.update({c["text"]: c for c in row["citations"] if c["text"] not in cited})
    payload = {"source": claims_file.text(), "counts": counts, "citations": list(cited.values()),
               "claims": rows}  # fmt: skip
    return table(rows, payload, fmt, csv_filename("claims"), COLUMNS)

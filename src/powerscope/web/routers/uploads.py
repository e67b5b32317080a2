"""``/api/uploads/...``: datasets (CSV) and index specs (YAML) uploaded with the operator's
token, checked before they are stored (:mod:`powerscope.web.uploads`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from powerscope.errors import PowerscopeError, SpecError
from powerscope.web import models
from powerscope.web.common import (
    COPELAND_MAX_UNITS,
    CSV_TOO,
    Fmt,
    State,
    Upload,
    require_token,
    write_errors,
)
from powerscope.web.errors import TooLargeError
from powerscope.web.state import AppState
from powerscope.web.tables import csv_filename, json_response, table
from powerscope.web.uploads import check_csv, public, sanitise_filename

router = APIRouter()

UPLOAD_ERRORS = write_errors(
    disabled="Uploads are disabled (no token configured).",
    conflict="The spec would shadow a built-in index.",
    too_large="Larger than 5 MB.",
    kinds="Not a .csv (datasets) or .yaml (specs).",
)
#: how both upload routes are declared: 201, the upload's record, the token required
UPLOAD_ROUTE: dict[str, Any] = {
    "status_code": 201,
    "response_model": models.UploadOut,
    "responses": UPLOAD_ERRORS,
    "dependencies": [Depends(require_token)],
}
COLUMNS = ["id", "kind", "name", "bytes", "sha256", "created", "index"]


async def read_upload(file: UploadFile, limit: int) -> bytes:
    """An uploaded file's bytes; 413 when it is over ``limit``."""
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise TooLargeError(
            f"upload larger than {limit // (1024 * 1024)} MB",
            where=f"file {file.filename!r}",
            parameter="file",
            fix="upload a smaller file",
        )
    return content


def store_spec(state: AppState, name: str, content: bytes) -> dict[str, Any]:
    """Check an uploaded spec (parsed, validated and computed once), then store it."""
    from powerscope.index.service import compute_index

    spec, fields = state.uploads.check_spec(
        content, name, reserved=state.builtin_names(), tables=state.store.tables()
    )
    units = None
    if spec.extra.get("data_file"):
        units = state.uploads.record("datasets", str(fields["data_file"]))["rows"]
    uses_copeland = spec.aggregate == "copeland" or any(
        n.aggregate == "copeland" for _, n in spec.walk()
    )
    if uses_copeland and (units is None or units > COPELAND_MAX_UNITS):
        raise SpecError(
            f"Copeland aggregation is accepted for uploaded data of at most {COPELAND_MAX_UNITS} "
            "units",
            where=name,
            fix="use another aggregation",
        )
    try:
        compute_index(spec, store=state.store)
    except PowerscopeError as exc:
        raise SpecError(f"the spec cannot be computed: {exc.message}", where=name,
                        fix=exc.fix or "check its data and steps") from None  # fmt: skip
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
        raise SpecError(f"the spec cannot be computed: {exc}", where=name,
                        fix="check its data and steps") from None  # fmt: skip
    return state.uploads.save("specs", name, content, fields)


@router.post("/api/uploads/datasets", summary="Upload a dataset (CSV)", **UPLOAD_ROUTE)
async def upload_dataset(state: State, file: Upload) -> Response:
    """A CSV with a header, a 'code' (or 'uCode') column and numeric indicator columns, for
    an uploaded spec's 'data_file'. Checked before it is stored; never written to the
    warehouse."""
    uploads = state.uploads
    name = sanitise_filename(file.filename, "datasets")
    content = await read_upload(file, uploads.max_bytes)
    info = check_csv(content, name)
    fields = {"columns": info["columns"], "rows": info["rows"], "numeric": info["numeric"]}
    record = await run_in_threadpool(uploads.save, "datasets", name, content, fields)
    return json_response(public(record), status_code=201)


@router.post("/api/uploads/specs", summary="Upload an index spec (YAML)", **UPLOAD_ROUTE)
async def upload_spec(state: State, file: Upload) -> Response:
    """An index spec in powerscope's YAML (see powerscope/indices/ceti.yaml) on a warehouse
    'table' or an uploaded dataset ('data_file': its id or file name). It is parsed,
    validated and computed once before it is stored; it then appears in GET /api/indices."""
    name = sanitise_filename(file.filename, "specs")
    content = await read_upload(file, state.uploads.max_bytes)
    record = await run_in_threadpool(store_spec, state, name, content)
    return json_response(public(record), status_code=201)


@router.get(
    "/api/uploads",
    summary="The uploads",
    response_model=models.UploadsOut,
    responses=CSV_TOO,
)
def list_uploads(state: State, fmt: Fmt = "json") -> Response:
    """Every uploaded dataset and spec: id, kind, file name, size, sha256, time."""
    rows = [public(r) for r in state.uploads.records()]
    return table(rows, {"uploads": rows}, fmt, csv_filename("uploads"), COLUMNS)

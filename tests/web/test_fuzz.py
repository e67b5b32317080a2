"""Property-based tests of the HTTP API against its own OpenAPI schema (schemathesis).

Every operation is called with generated inputs, valid and invalid: no answer may be a server
error (5xx), and every answer must be documented (status code, content type, JSON schema). The
upload endpoints are fuzzed without a token configured (so they must refuse; their own tests
are in test_uploads.py). Kept bounded and reproducible:
at most 20 examples per operation, derandomised.

The dynamic model's endpoints are fuzzed twice more: with a country that has data (KOR), so the
generated years, windows and scenarios reach the model (runs capped at 200 to keep it fast),
and the scenario store with the token, so generated YAML, JSON and forms reach its validation.
"""

from __future__ import annotations

import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from powerscope.data.store import SnapshotStore
from powerscope.web.api import create_app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
# hypothesis keeps caches in a folder of its own: a scratch one, not the source tree
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="ps-hypothesis-"))

APP = create_app(store=SnapshotStore(), token=None, upload_dir=tempfile.mkdtemp(prefix="ps-up-"))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
dynamics = schema.include(path_regex=r"^/api/dynamics/\{code\}/")

TOKEN = "fuzz-token-0123456789abcdef"
WRITABLE = create_app(
    store=SnapshotStore(), token=TOKEN, upload_dir=tempfile.mkdtemp(prefix="ps-up-")
)
scenario_store = schemathesis.openapi.from_asgi("/openapi.json", WRITABLE).include(
    path="/api/dynamics/scenarios", method="POST"
)
FUZZ_RUNS = 200

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Repeatable fuzzing: a fixed derivation of examples, no example database, no time limit.
REPEATABLE = {"deadline": None, "derandomize": True, "database": None,
              "suppress_health_check": list(HealthCheck)}  # fmt: skip


@schema.parametrize()
@settings(max_examples=20, **REPEATABLE)
def test_api_never_fails_and_answers_as_documented(case: schemathesis.Case) -> None:
    cap_runs(case)
    case.call_and_validate(checks=CHECKS)


def cap_runs(case: schemathesis.Case) -> None:
    """At most FUZZ_RUNS ensemble runs for the dynamic model's endpoints (the inputs are what
    is fuzzed, not the model's speed)."""
    if not case.path.startswith("/api/dynamics"):
        return
    for values in (case.query, case.body):
        if not isinstance(values, dict):
            continue
        runs = values.get("runs")
        if isinstance(runs, int) and not isinstance(runs, bool) and runs > FUZZ_RUNS:
            values["runs"] = FUZZ_RUNS
        elif isinstance(runs, str) and runs.isdigit() and int(runs) > FUZZ_RUNS:
            values["runs"] = str(FUZZ_RUNS)


@dynamics.parametrize()
@settings(max_examples=8, **REPEATABLE)
def test_dynamics_for_a_country_with_data(case: schemathesis.Case) -> None:
    case.path_parameters = {**(case.path_parameters or {}), "code": "KOR"}
    cap_runs(case)
    case.call_and_validate(checks=CHECKS)


@scenario_store.parametrize()
@settings(max_examples=20, **REPEATABLE)
def test_saving_scenarios_never_fails(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)

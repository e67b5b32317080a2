"""Property-based tests of the HTTP API against its own OpenAPI schema (schemathesis).

Every operation is called with generated inputs, valid and invalid: no answer may be a server
error (5xx), and every answer must be documented (status code, content type, JSON schema). The
upload endpoints are fuzzed once without a token configured (so they must refuse) and once with
the token. Kept bounded and reproducible: 20 examples per operation by default, derandomised;
``POWERSCOPE_FUZZ_EXAMPLES=N`` runs N per test instead (e.g. 500 before a release).

The dynamic model's endpoints are fuzzed twice more: with a country that has data (KOR), so the
generated years, windows and scenarios reach the model (runs capped at 200 to keep it fast),
and the scenario store with the token, so generated YAML, JSON and forms reach its validation.

Schemathesis' generated files rarely get past the first check, so hypothesis strategies of our
own build what the validators read: index specs (YAML trees with tables, steps, weights and
directions, valid and broken), scenarios (saved and run inline), weights (objects and the
CLI's text) and CSV datasets. Each is sent with the token; every answer must be a success or a
4xx with ``{error: {what, where, fix}}``, never a 500.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from typing import Any

import pytest
import schemathesis
import yaml
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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


def examples(default: int) -> int:
    """``default`` examples, or ``$POWERSCOPE_FUZZ_EXAMPLES`` when it is set."""
    return int(os.environ.get("POWERSCOPE_FUZZ_EXAMPLES") or default)


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
@settings(max_examples=examples(20), **REPEATABLE)
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
@settings(max_examples=examples(8), **REPEATABLE)
def test_dynamics_for_a_country_with_data(case: schemathesis.Case) -> None:
    case.path_parameters = {**(case.path_parameters or {}), "code": "KOR"}
    cap_runs(case)
    case.call_and_validate(checks=CHECKS)


@scenario_store.parametrize()
@settings(max_examples=examples(20), **REPEATABLE)
def test_saving_scenarios_never_fails(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)


uploads_with_token = schemathesis.openapi.from_asgi("/openapi.json", WRITABLE).include(
    path_regex=r"^/api/uploads/"
)


@uploads_with_token.parametrize()
@settings(max_examples=examples(20), **REPEATABLE)
def test_uploads_with_the_token_never_fail(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)


# -- generated specs, scenarios, weights and datasets, sent with the token ---------------------

# an app of their own: failed tokens sent by the schemathesis runs above count against the
# client's address, and would have these answered 429
GENERATED = create_app(
    store=SnapshotStore(), token=TOKEN, upload_dir=tempfile.mkdtemp(prefix="ps-up-")
)
CLIENT = TestClient(GENERATED, raise_server_exceptions=False)
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ALLOWED = {200, 201, 404, 409, 413, 415, 422}
#: the dataset generated specs may name in 'data_file' (uploaded before any of them is sent)
SEEDED = CLIENT.post(
    "/api/uploads/datasets",
    files={"file": ("data.csv", b"code,x1,x2\nAAA,1,10\nBBB,2,30\nCCC,3,20\n")},
    headers=AUTH,
)
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
INDICATORS = ["AI/Algorithms", "AI/Human Capital", "Space/Launch", "Semicon/Manufacturing"]
STEPS = ["denominate", "impute", "screen", "treat", "normalise", "weights", "bogus"]
STEP_VALUES = st.one_of(
    st.none(),
    st.sampled_from(["group_mean", "minmax", "zscore", "mean", "EurAsia_group", "x1"]),
    st.floats(-2, 2),
    JUNK,
)


def post_json(url: str, body: Any, headers: dict[str, str] | None = None) -> Any:
    """POST ``body`` as JSON, NaN and infinities written as JavaScript does (invalid JSON the
    server must refuse, as a careless client might send it)."""
    content = json.dumps(body, allow_nan=True)
    kind = {"Content-Type": "application/json", **(headers or {})}
    return CLIENT.post(url, content=content, headers=kind)


def answered(response: Any) -> None:
    """A success, or a 4xx whose body says what, where and how to fix."""
    assert response.status_code in ALLOWED, (response.status_code, response.text[:500])
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["what"] and set(error) >= {"what", "where", "fix"}


def _tree(indicators: list[str], directions: list[int]) -> list[dict[str, Any]]:
    """Leaves on ``indicators`` with equal weights (summing to 1), in two groups when there
    are enough."""
    leaves = [
        {"id": f"n{i}", "indicator": name, "weight": 1 / len(indicators), "direction": d}
        for i, (name, d) in enumerate(zip(indicators, directions, strict=False))
    ]
    if len(leaves) < 3:
        return leaves
    half = len(leaves) // 2
    groups = [leaves[:half], leaves[half:]]
    for group in groups:
        for node in group:
            node["weight"] = 1 / len(group)
    return [{"id": f"g{k}", "weight": 0.5, "children": g} for k, g in enumerate(groups)]


warehouse_tree = st.builds(
    _tree,
    st.lists(st.sampled_from(INDICATORS), min_size=1, max_size=4, unique=True),
    st.lists(st.sampled_from([1, -1]), min_size=4, max_size=4),
)
uploaded_tree = st.builds(
    _tree,
    st.lists(st.sampled_from(["x1", "x2"]), min_size=1, max_size=2, unique=True),
    st.lists(st.sampled_from([1, -1]), min_size=4, max_size=4),
)
steps = st.dictionaries(
    st.sampled_from(STEPS),
    st.one_of(st.none(), st.dictionaries(st.sampled_from(["method", "by", "group", "threshold",
                                                          "lower", "upper", "winmax", "x"]),
                                         STEP_VALUES, max_size=2)),
    max_size=2,
)  # fmt: skip
methods = {
    "name": st.text(max_size=10),
    "normalise": st.sampled_from(["none", "minmax", "zscore", "rank"]),
    "aggregate": st.sampled_from(["arithmetic", "geometric", "harmonic"]),
    "scale": st.sampled_from([1, 100]),
}
valid_specs = st.one_of(
    st.fixed_dictionaries(
        {"id": st.just("fz"), "table": st.just("ceti_pillars"), "children": warehouse_tree},
        optional=methods,
    ),
    st.fixed_dictionaries(
        {"id": st.just("fzd"), "data_file": st.just("data.csv"), "children": uploaded_tree},
        optional={**methods, "steps": steps},
    ),
)
BROKEN_VALUES = st.one_of(
    JUNK,
    st.sampled_from(["/tmp/x", "../../x", "ceti", "entities", "_datasets", "copeland", "nope"]),
    st.just([{"id": "a"}, {"id": "a"}]),
    st.just([{"id": "a", "children": 5}]),
    st.just([{"id": "a", "weight": -1}]),
    steps,
)
broken_specs = st.builds(
    lambda spec, key, value: {**spec, key: value},
    valid_specs,
    st.sampled_from(["id", "table", "data_file", "children", "normalise", "aggregate", "scale",
                     "steps", "derive", "name", "edition"]),
    BROKEN_VALUES,
)  # fmt: skip
specs = st.one_of(valid_specs, broken_specs)


@settings(max_examples=examples(30), **REPEATABLE)
@given(spec=specs)
def test_generated_specs_are_stored_or_refused(spec: dict[str, Any]) -> None:
    content = yaml.safe_dump(spec, allow_unicode=True).encode()
    response = CLIENT.post("/api/uploads/specs", files={"file": ("s.yaml", content)}, headers=AUTH)
    answered(response)


def test_the_dataset_named_by_generated_specs_exists() -> None:
    """Generated specs naming 'data.csv' reach the dataset checks (not only 'not uploaded')."""
    assert SEEDED.status_code == 201, SEEDED.text
    names = [r["name"] for r in CLIENT.get("/api/uploads").json()["uploads"]]
    assert "data.csv" in names


PARAMETERS = ["rd_target", "recruits", "growth_base", "milex_adjustment", "rd_target "]
change = st.one_of(
    st.floats(-1e6, 1e6),
    st.fixed_dictionaries(
        {"value": st.one_of(st.floats(-100, 1e4), JUNK)},
        optional={
            "from": st.one_of(st.integers(1900, 2200), JUNK),
            "to": st.one_of(st.integers(1900, 2200), JUNK),
        },
    ),
    JUNK,
)
block = st.one_of(st.dictionaries(st.sampled_from(PARAMETERS), change, max_size=3), JUNK)
scenarios = st.fixed_dictionaries(
    {"name": st.one_of(st.just("fz-scenario"), st.sampled_from(["baseline", "a/b", ""]))},
    optional={
        "title": st.one_of(st.text(max_size=10), JUNK),
        "set": block,
        "add": block,
        "scale": block,
        "uncertain": st.one_of(
            st.dictionaries(
                st.sampled_from(PARAMETERS),
                st.one_of(st.lists(st.floats(-10, 10), min_size=2, max_size=2), JUNK),
                max_size=2,
            ),
            JUNK,
        ),
    },
)
scenarios = st.one_of(
    scenarios,
    st.builds(
        lambda scenario, key, value: {**scenario, key: value},
        scenarios,
        st.sampled_from(["name", "set", "add", "scale", "uncertain", "title", "bogus"]),
        JUNK,
    ),
)


@settings(max_examples=examples(25), **REPEATABLE)
@given(scenario=scenarios)
def test_generated_scenarios_are_saved_or_refused(scenario: dict[str, Any]) -> None:
    answered(post_json("/api/dynamics/scenarios", scenario, AUTH))


@settings(max_examples=examples(15), **REPEATABLE)
@given(scenario=scenarios)
def test_generated_scenarios_are_run_or_refused(scenario: dict[str, Any]) -> None:
    body = {"scenario": scenario, "runs": 10, "years": "2025-2030"}
    answered(post_json("/api/dynamics/KOR/run", body))


NODES = ["Semiconductors", "AI", "Space", "AI/Algorithms", "Quantum", "nope", ""]
weight = st.one_of(
    st.floats(-1, 5), st.sampled_from([math.nan, math.inf, -math.inf]), st.integers(-1, 3)
)
weights = st.one_of(
    st.dictionaries(st.sampled_from(NODES), weight, max_size=4),
    st.lists(st.tuples(st.sampled_from(NODES), st.one_of(weight, st.text(max_size=4))),
             max_size=4).map(lambda pairs: ",".join(f"{n}={w}" for n, w in pairs)),
    st.text(max_size=30),
    JUNK,
)  # fmt: skip


@settings(max_examples=examples(30), **REPEATABLE)
@given(weights=weights, renormalise=st.booleans())
def test_generated_weights_are_applied_or_refused(weights: Any, renormalise: bool) -> None:
    body = {"weights": weights, "renormalise": renormalise}
    answered(post_json("/api/indices/ceti/compute", body))
    if isinstance(weights, str):
        answered(CLIENT.get("/api/indices/ceti/ranking", params={"weights": weights}))


cell = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=6),
    st.sampled_from(["", "=1+1", "-2", "AAA", "uCode"]),
)
datasets = st.lists(st.lists(cell, min_size=1, max_size=4), min_size=0, max_size=6).map(
    lambda rows: "\n".join(",".join(row) for row in rows)
)


@settings(max_examples=examples(30), **REPEATABLE)
@given(body=datasets, header=st.sampled_from(["code,x1,x2\n", "uCode,x\n", "", "code\n"]))
def test_generated_datasets_are_stored_or_refused(body: str, header: str) -> None:
    files = {"file": ("d.csv", (header + body).encode("utf-8", "surrogatepass"))}
    answered(CLIENT.post("/api/uploads/datasets", files=files, headers=AUTH))

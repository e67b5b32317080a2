"""Property-based tests of the HTTP API against its own OpenAPI schema (schemathesis).

Every operation is called with generated inputs, valid and invalid: no answer may be a server
error (5xx), and every answer must be documented (status code, content type, JSON schema). The
upload endpoints are fuzzed without a token configured (so they must refuse; their own tests
are in test_uploads.py). Kept bounded and reproducible:
at most 20 examples per operation, derandomised.
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

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_fails_and_answers_as_documented(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)

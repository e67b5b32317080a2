"""The re-weighting session: the same figures as a full computation, as plain data."""

from __future__ import annotations

import json

import numpy as np
import pytest

from powerscope.data.store import SnapshotStore
from powerscope.errors import WeightsError
from powerscope.index import ROOT, load_spec
from powerscope.index.data import index_data
from powerscope.index.service import compute_index
from powerscope.index.session import IndexSession


@pytest.fixture(scope="module")
def session() -> IndexSession:
    spec = load_spec("ceti")
    store = SnapshotStore()
    matrix, info = index_data(spec, store)
    units = {c: info.get(c, (c, False)) for c in matrix.units}
    default = compute_index(spec, store=store)
    return IndexSession(spec, str(default.method["source"]), units, matrix, default)


def test_reweighting_matches_a_full_computation(session: IndexSession) -> None:
    weights = {"Semiconductors": 0.6, "AI": 0.1}
    scores = session.evaluate(weights, renormalise=True)
    expected = compute_index(session.spec, weights=weights, renormalise=True, store=SnapshotStore())
    for i, code in enumerate(scores.codes):
        assert scores.values[i, 0] == pytest.approx(expected.score(code))
        assert scores.rank[i] == expected.rank(code)


def test_renormalise_is_off_by_default(session: IndexSession) -> None:
    with pytest.raises(WeightsError, match="sum to"):
        session.evaluate({"Semiconductors": 0.6})


def test_payload_is_plain_json_ready_data(session: IndexSession) -> None:
    body = session.payload(session.evaluate())
    json.dumps(body, allow_nan=False)
    assert body["title"] == session.spec.name and body["children"] == session.default.children_of(
        ROOT
    )
    ranks = [r["rank"] for r in body["ranking"]]
    assert ranks == sorted(ranks) and ranks[0] == 1
    top = body["ranking"][0]["code"]
    points = sum(v for v in body["contributions"][top].values() if v is not None)
    assert points == pytest.approx(body["ranking"][0]["score"], abs=1e-4)


def test_compiled_once_per_method(session: IndexSession) -> None:
    a = session.compiled("minmax", None, False)
    assert session.compiled("minmax", None, False) is a
    assert session.compiled("minmax", None, True) is not a


def test_uncertainty_payload(session: IndexSession) -> None:
    body = session.uncertainty_payload(40, 3)
    assert body["runs"] == 40 and body["seed"] == 3 and body["failed_runs"] == 0
    kor = next(c for c in body["countries"] if c["code"] == "KOR")
    assert kor["p05"] <= kor["median"] <= kor["p95"]
    assert body == session.uncertainty_payload(40, 3)
    assert not np.isnan(kor["nominal_score"])


def test_compiled_variants_are_bounded_least_recently_used_out(session: IndexSession) -> None:
    bounded = IndexSession(
        session.spec, session.source, session.units, session.matrix, session.default
    )
    bounded.max_compiled = 3
    first = bounded.compiled(None, None, False)
    for low in range(5):
        bounded.compiled(None, None, False, rescale=(float(low), 100.0))
        assert bounded.compiled(None, None, False) is first  # used: kept
    assert len(bounded._compiled) == 3
    assert (None, None, False, (0.0, 100.0)) not in bounded._compiled  # least recently used

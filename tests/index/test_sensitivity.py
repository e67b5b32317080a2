"""Sobol sensitivity indices: the dominant assumption is found, a dummy one scores zero."""

from __future__ import annotations

import pytest

from powerscope.data.store import SnapshotStore
from powerscope.errors import SpecError
from powerscope.index import load_spec
from powerscope.index.data import index_data
from powerscope.index.sensitivity import sensitivity
from powerscope.index.uncertainty import CETI_DEFAULT, parse_uncertainty, simple_builder


@pytest.fixture(scope="module")
def ceti():  # type: ignore[no-untyped-def]
    spec = load_spec("ceti")
    matrix, units = index_data(spec, SnapshotStore())
    return spec, simple_builder(spec, matrix), units


def test_aggregation_dominates_the_ceti_ranks(ceti) -> None:  # type: ignore[no-untyped-def]
    spec, builder, units = ceti
    result = sensitivity(
        spec, parse_uncertainty(CETI_DEFAULT, spec), builder, n=256, seed=1, units=units
    )
    indices = result.indices.set_index("assumption")
    assert list(indices.index) == ["weights level 1", "weights level 2", "aggregation"]
    assert indices.at["aggregation", "ST"] > 0.5
    assert indices.at["aggregation", "ST"] > 5 * indices.at["weights level 1", "ST"]
    assert (indices["ST_conf"] > 0).all()
    assert result.uncertainty.runs == 256 * 5


def test_an_assumption_with_identical_alternatives_has_zero_indices(ceti) -> None:  # type: ignore[no-untyped-def]
    spec, builder, units = ceti
    raw = {"weights": [{"level": 2, "noise": 0.25}], "normalisation": ["none", "none"]}
    result = sensitivity(spec, parse_uncertainty(raw, spec), builder, n=128, seed=2, units=units)
    dummy = result.indices.set_index("assumption").loc["normalisation"]
    assert dummy["S1"] == pytest.approx(0.0, abs=1e-12) and dummy["ST"] == pytest.approx(
        0.0, abs=1e-12
    )


def test_sensitivity_needs_two_assumptions(ceti) -> None:  # type: ignore[no-untyped-def]
    spec, builder, _ = ceti
    with pytest.raises(SpecError, match="at least two"):
        sensitivity(
            spec,
            parse_uncertainty({"aggregation": ["arithmetic", "geometric"]}, spec),
            builder,
            n=64,
        )

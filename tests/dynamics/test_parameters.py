"""The parameter registry: every default and plausible range inside the meaningful range."""

from __future__ import annotations

import pytest

from powerscope.dynamics.parameters import PARAMETERS, closest


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_parameter_is_documented_and_consistent(name: str) -> None:
    p = PARAMETERS[name]
    assert p.unit and p.meaning.endswith(".")
    assert p.low < p.high
    if p.default is not None:
        assert p.low <= p.default <= p.high
    if p.plausible is not None:
        assert p.low <= p.plausible[0] < p.plausible[1] <= p.high
    if p.kind == "calibrated":
        assert p.prior is not None and p.prior[1] > 0
    if p.kind == "literature" and name != "frontier_growth":
        assert p.default is not None and p.plausible is not None and p.reference


def test_closest_names() -> None:
    assert closest("recruit_retension")[0] == "recruit_retention"
    assert closest("zzzz") == []

"""Scenarios as data: the shipped files, and clear errors for every kind of bad input."""

from __future__ import annotations

import numpy as np
import pytest

from powerscope.dynamics.scenario import (
    BASELINE,
    apply_scenario,
    load_scenario,
    parse_scenario,
    shipped,
)
from powerscope.errors import SpecError


def test_shipped_scenarios_parse() -> None:
    names = set(shipped())
    assert {
        "baseline",
        "thousand-talents",
        "rd-boost",
        "cuts",
        "alliance",
        "kist-returnees",
    } <= names
    talents = load_scenario("thousand-talents")
    recruits = next(c for c in talents.changes if c.parameter == "recruits")
    assert (recruits.value, recruits.start, recruits.end) == (800, 2026, 2035)
    assert talents.uncertain["recruit_productivity"] == (1.0, 3.0)
    assert load_scenario(None) is BASELINE


def _error(data, match: str) -> SpecError:
    with pytest.raises(SpecError, match=match) as info:
        parse_scenario(data, where="my.yaml")
    return info.value


def test_unknown_parameter_names_closest() -> None:
    err = _error({"name": "x", "set": {"recruit_retension": 0.9}}, "unknown parameter")
    assert err.where == "my.yaml: set.recruit_retension"
    assert "recruit_retention" in (err.fix or "")


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"name": "x", "set": {"recruit_retention": 1.5}}, "outside its meaningful range 0 to 1"),
        ({"name": "x", "set": {"rd_target": -1}}, "outside its meaningful range"),
        ({"name": "x", "set": {"recruits": {"value": 10, "from": 2030, "to": 2026}}}, "before"),
        ({"name": "x", "set": {"recruits": {"value": 10, "start": 2030}}}, "expected"),
        ({"name": "x", "set": {"recruits": "many"}}, "not a finite number"),
        ({"name": "x", "set": {"recruits": float("nan")}}, "not a finite number"),
        ({"name": "x", "set": {"recruits": {"value": 1, "from": 20260}}}, "out of range"),
        ({"name": "x", "scale": {"milex_target": -2}}, "negative"),
        ({"name": "x", "uncertain": {"recruit_productivity": [3, 1]}}, "low 3 > high 1"),
        ({"name": "x", "uncertain": {"recruit_retention": [0.5, 2]}}, "high bound"),
        ({"name": "x", "uncertain": {"recruits": 5}}, r"\[low, high\]"),
        ({"name": "x", "sett": {}}, "unknown scenario key"),
        ({"set": {}}, "no name"),
        (["not", "a", "mapping"], "must be a mapping"),
    ],
)
def test_bad_scenarios(data, match: str) -> None:
    err = _error(data, match)
    assert err.where and err.where.startswith("my.yaml") and err.fix


def test_yaml_errors_and_missing_files(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nset:\n  recruits: [1,\n", encoding="utf-8")
    with pytest.raises(SpecError, match="not valid YAML") as info:
        load_scenario(bad)
    assert str(bad) in (info.value.where or "")
    with pytest.raises(SpecError, match="not found") as info:
        load_scenario(tmp_path / "nope.yaml")
    assert "thousand-talents" in (info.value.fix or "")


def test_apply_scenario_windows_and_operations() -> None:
    years = np.arange(2024, 2031)
    params = {
        "recruits": np.zeros(2),
        "rd_target": np.full(2, 4.0),
        "milex_target": np.full(2, 2.5),
    }
    scenario = parse_scenario({
        "name": "x",
        "set": {"recruits": {"value": 800, "from": 2026, "to": 2028}},
        "add": {"rd_target": {"value": 1.0, "from": 2027}},
        "scale": {"milex_target": 0.5},
    })  # fmt: skip
    out = apply_scenario(scenario, params, years)
    assert out["recruits"][:, 0].tolist() == [0, 0, 800, 800, 800, 0, 0]
    assert out["rd_target"][:, 1].tolist() == [4, 4, 4, 5, 5, 5, 5]
    assert np.all(out["milex_target"] == 1.25)
    assert params["recruits"].tolist() == [0, 0]  # the input is not modified


def test_add_beyond_range_is_refused() -> None:
    scenario = parse_scenario({"name": "x", "add": {"rd_target": -9}}, where="cut.yaml")
    with pytest.raises(SpecError, match="resulting value") as info:
        apply_scenario(scenario, {"rd_target": np.full(3, 4.0)}, np.arange(2024, 2030))
    assert "cut.yaml" in (info.value.where or "")


def test_uncertain_levers_are_drawn_per_run() -> None:
    scenario = parse_scenario({
        "name": "x", "set": {"recruit_productivity": {"value": 2, "from": 2026}},
        "uncertain": {"recruit_productivity": [1, 3]},
    })  # fmt: skip
    out = apply_scenario(
        scenario, {"recruit_productivity": np.full(1000, 1.5)}, np.arange(2024, 2030),
        np.random.default_rng(0),
    )  # fmt: skip
    assert np.all(out["recruit_productivity"][:2] == 1.5)  # before 2026: unchanged
    drawn = out["recruit_productivity"][3]
    assert 1 <= drawn.min() < 1.2 and 2.8 < drawn.max() <= 3


def test_the_retired_ageing_scenario_says_why() -> None:
    from powerscope.dynamics.scenario import load_scenario
    from powerscope.errors import NotFoundError

    with pytest.raises(NotFoundError, match="is retired: the baseline now follows the UN"):
        load_scenario("korea-ageing")

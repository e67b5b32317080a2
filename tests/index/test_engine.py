"""The engine's methods on small hand-checkable data, and bad weights and specs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from powerscope.errors import DataFormatError, SpecError, WeightsError
from powerscope.index import ROOT, compile_index, compute, load_spec, normalise, parse_spec

SPEC = {
    "id": "toy",
    "children": [
        {"id": "A", "weight": 0.5, "children": [
            {"id": "x", "weight": 0.5}, {"id": "y", "weight": 0.5, "direction": -1},
        ]},
        {"id": "B", "weight": 0.5, "children": [{"id": "z", "weight": 1.0}]},
    ],
}  # fmt: skip
DATA = pd.DataFrame(
    {"x": [1.0, 2.0, 3.0], "y": [3.0, 2.0, 1.0], "z": [0.0, 5.0, 10.0]},
    index=pd.Index(["AAA", "BBB", "CCC"], name="code"),
)


def toy():  # type: ignore[no-untyped-def]
    return parse_spec(SPEC)


def test_minmax_arithmetic_by_hand() -> None:
    result = compute(toy(), DATA, normalisation="minmax")
    # x -> 0, .5, 1; -y -> 0, .5, 1; z -> 0, .5, 1: every level is 0, .5, 1
    assert result.scores[ROOT].tolist() == pytest.approx([0.0, 0.5, 1.0])
    assert result.ranks[ROOT].tolist() == [3, 2, 1]


def test_direction_is_applied_before_normalising() -> None:
    result = compute(toy(), DATA, normalisation="minmax")
    assert result.scores.at["AAA", "A/y"] == 0.0 and result.scores.at["CCC", "A/y"] == 1.0


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("none", [1.0, 2.0, 4.0]),
        ("max", [0.25, 0.5, 1.0]),
        ("minmax", [0.0, 1 / 3, 1.0]),
        ("zscore", [(1 - 7 / 3) / np.std([1, 2, 4], ddof=1), (2 - 7 / 3) / np.std([1, 2, 4], ddof=1),
                    (4 - 7 / 3) / np.std([1, 2, 4], ddof=1)]),
        ("rank", [1.0, 2.0, 3.0]),
        ("percentile_rank", [0.0, 0.5, 1.0]),
    ],
)  # fmt: skip
def test_normalisations(method: str, expected: list[float]) -> None:
    out = normalise(np.array([[1.0], [2.0], [4.0]]), method)
    assert out[:, 0] == pytest.approx(expected)


def test_normalisation_ignores_missing_values() -> None:
    out = normalise(np.array([[1.0], [np.nan], [3.0]]), "minmax")
    assert out[0, 0] == 0 and np.isnan(out[1, 0]) and out[2, 0] == 1


def test_arithmetic_mean_skips_missing_and_rescales_weights() -> None:
    data = DATA.copy()
    data.loc["AAA", "x"] = np.nan
    result = compute(toy(), data)
    # A for AAA is -y alone (the missing x's weight is given to the present child)
    assert result.scores.at["AAA", "A"] == pytest.approx(-3.0)


def test_geometric_mean() -> None:
    spec = parse_spec(
        {"id": "g", "children": [{"id": "p", "weight": 0.25}, {"id": "q", "weight": 0.75}]}
    )
    data = pd.DataFrame({"p": [16.0, 0.0], "q": [1.0, 4.0]}, index=["U1", "U2"])
    result = compute(spec, data, aggregation="geometric")
    assert result.scores.at["U1", ROOT] == pytest.approx(16**0.25)
    assert result.scores.at["U2", ROOT] == 0.0


def test_geometric_mean_refuses_negative_values() -> None:
    with pytest.raises(SpecError, match="geometric aggregation needs values >= 0"):
        compute(toy(), DATA, normalisation="zscore", aggregation="geometric")


def test_batch_evaluation_equals_single_runs() -> None:
    compiled = compile_index(toy(), DATA, normalisation="minmax")
    rng = np.random.default_rng(1)
    batch = np.tile(compiled.weights, (5, 1)) * rng.uniform(0.5, 1.5, (5, len(compiled.weights)))
    together = compiled.evaluate(batch)
    for run in range(5):
        assert together[run] == pytest.approx(compiled.evaluate(batch[run]), nan_ok=True)


def test_reweighting_changes_scores() -> None:
    result = compute(toy(), DATA, weights={"A": 1.0, "B": 0.0})
    assert result.scores[ROOT].tolist() == pytest.approx(result.scores["A"].tolist())


def test_weights_that_do_not_sum_to_one_are_an_error() -> None:
    with pytest.raises(WeightsError, match=r"sum to 1\.2, not 1.*renormalise=True"):
        compute(toy(), DATA, weights={"A": 0.7})


def test_renormalise_rescales_explicitly() -> None:
    result = compute(toy(), DATA, weights={"A": 0.6, "B": 0.2}, renormalise=True)
    assert result.method["weights"]["A"] == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"A": -0.1, "B": 1.1}, "must be finite and >= 0"),
        ({"Nowhere": 0.5}, "unknown node 'Nowhere'"),
        ({"A": 0.0, "B": 0.0}, "sum to 0"),
        ({"A": "heavy"}, "not a number"),
    ],
)
def test_impossible_weights(weights: dict[str, object], message: str) -> None:
    with pytest.raises(WeightsError, match=message):
        compute(toy(), DATA, weights=weights)  # type: ignore[arg-type]


def test_pillar_weights_by_path_and_alias() -> None:
    spec = load_spec("ceti")
    assert spec.find("Semicon/Human Capital") == "Semiconductors/Human Capital"
    assert spec.find("ai") == "AI"
    with pytest.raises(WeightsError, match="ambiguous"):
        spec.find("Human Capital")


def test_missing_indicator_in_data() -> None:
    with pytest.raises(DataFormatError, match="not in the data: z"):
        compute(toy(), DATA.drop(columns="z"))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"id": "t", "children": [{"id": "a", "weight": 0.5}]}, "sum to 0.5"),
        ({"id": "t", "children": [{"id": "a", "weight": 1, "colour": "red"}]}, "unknown key"),
        ({"id": "t", "children": [{"id": "a", "direction": 2}]}, "direction"),
        ({"id": "t", "normalise": "cubic", "children": [{"id": "a"}]}, "unknown normalisation"),
        ({"children": [{"id": "a"}]}, "missing key 'id'"),
    ],
)
def test_bad_specs(raw: dict[str, object], message: str) -> None:
    with pytest.raises(SpecError, match=message):
        parse_spec(raw)


def test_unknown_builtin_index() -> None:
    with pytest.raises(SpecError, match="unknown index 'cetx'.*ceti"):
        load_spec("cetx")


def test_strengths_break_rank_ties_by_weight() -> None:
    weights = {"A/x": 0.3, "A/y": 0.7}
    result = compute(toy(), DATA, normalisation="minmax", weights=weights)
    # x and y are tied (rank 1 for CCC, rank 3 for AAA): the heavier y is the telling one
    assert result.strengths("CCC", level="A")["strongest"] == ["A/y"]
    assert result.strengths("AAA", level="A")["weakest"] == ["A/y"]


def test_fast_reweighting_agrees_with_rebuilding_the_spec() -> None:
    compiled = compile_index(toy(), DATA)
    overrides = {"A": 0.3, "B": 0.7, "A/x": 0.9, "A/y": 0.1}
    rebuilt = toy().with_weights(overrides)
    by_path = rebuilt.weights()
    expected = [1.0] + [by_path[p] for p in compiled.paths[1:]]
    assert compiled.weight_vector(overrides).tolist() == pytest.approx(expected)
    assert compiled.evaluate(compiled.weight_vector(overrides)) == pytest.approx(
        compile_index(rebuilt, DATA).evaluate()
    )
    with pytest.raises(WeightsError, match=r"children of 'toy' sum to 1\.2"):
        compiled.weight_vector({"A": 0.7})
    assert compiled.weight_vector({"A": 0.7}, renormalise=True)[1] == pytest.approx(0.7 / 1.2)


def test_a_component_every_unit_shares_is_neither_strength_nor_weakness() -> None:
    data = DATA.assign(y=[1.0, 1.0, 1.0])  # -y is the same for every unit
    result = compute(toy(), data, normalisation="none", weights={"A/x": 0.1, "A/y": 0.9})
    # y weighs more, but nobody beats or is beaten on it: x decides both ways
    assert result.strengths("CCC", level="A")["strongest"] == ["A/x"]
    assert result.strengths("AAA", level="A")["weakest"] == ["A/x"]


def _two_children(method: str, **extra: object):  # type: ignore[no-untyped-def]
    raw = {"id": "g", "aggregate": method, **extra,
           "children": [{"id": "p", "weight": 0.25}, {"id": "q", "weight": 0.75}]}  # fmt: skip
    return parse_spec(raw)


def test_harmonic_and_generalised_means() -> None:
    data = pd.DataFrame({"p": [16.0], "q": [1.0]}, index=["U"])
    harmonic = compute(_two_children("harmonic"), data)
    assert harmonic.scores.at["U", ROOT] == pytest.approx(1 / (0.25 / 16 + 0.75 / 1))
    general = compute(_two_children("generalised", power=2), data)
    assert general.scores.at["U", ROOT] == pytest.approx((0.25 * 256 + 0.75) ** 0.5)


def test_generalised_mean_of_power_one_is_arithmetic() -> None:
    data = pd.DataFrame({"p": [16.0, 2.0], "q": [1.0, 3.0]}, index=["U", "V"])
    general = compute(_two_children("generalised", power=1), data)
    arithmetic = compute(_two_children("arithmetic"), data)
    assert general.scores[ROOT].tolist() == pytest.approx(arithmetic.scores[ROOT].tolist())


def test_copeland_outranking() -> None:
    spec = parse_spec({"id": "c", "aggregate": "copeland",
                       "children": [{"id": "p", "weight": 0.5}, {"id": "q", "weight": 0.5}]})  # fmt: skip
    data = pd.DataFrame({"p": [3.0, 2.0, 1.0], "q": [3.0, 1.0, 2.0]}, index=["A", "B", "C"])
    result = compute(spec, data)
    # A beats B and C on both; B and C each win one child of equal weight: a draw
    assert result.scores[ROOT].tolist() == [2.0, -1.0, -1.0]


def test_min_availability_makes_sparse_aggregates_missing() -> None:
    spec = parse_spec({"id": "t", "min_availability": 0.6,
                       "children": [{"id": "p", "weight": 0.5}, {"id": "q", "weight": 0.5}]})  # fmt: skip
    data = pd.DataFrame({"p": [1.0, 2.0], "q": [np.nan, 4.0]}, index=["A", "B"])
    result = compute(spec, data)
    assert np.isnan(result.scores.at["A", ROOT]) and result.scores.at["B", ROOT] == 3.0


def test_a_node_may_set_its_own_aggregation() -> None:
    raw = {"id": "t", "children": [
        {"id": "A", "weight": 0.5, "aggregate": "geometric",
         "children": [{"id": "x", "weight": 0.5}, {"id": "y", "weight": 0.5}]},
        {"id": "z", "weight": 0.5}]}  # fmt: skip
    data = pd.DataFrame({"x": [4.0], "y": [1.0], "z": [1.0]}, index=["U"])
    result = compute(parse_spec(raw), data)
    assert result.scores.at["U", "A"] == pytest.approx(2.0)
    assert result.scores.at["U", ROOT] == pytest.approx(1.5)
    assert compute(parse_spec(raw), data, aggregation="arithmetic").scores.at["U", "A"] == 2.5


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"id": "t", "min_availability": 1.5, "children": [{"id": "a"}]}, "outside 0-1"),
        ({"id": "t", "aggregate": "generalised", "power": 0, "children": [{"id": "a"}]}, "power 0"),
        ({"id": "t", "children": [{"id": "a", "aggregate": "median"}]}, "not allowed here"),
    ],
)
def test_bad_aggregation_settings(raw: dict[str, object], message: str) -> None:
    with pytest.raises(SpecError, match=message):
        parse_spec(raw)


def test_one_reweighting_on_complete_data_matches_the_group_by_group_path() -> None:
    import numpy as np

    from powerscope.data.store import SnapshotStore
    from powerscope.index import load_spec
    from powerscope.index.data import index_data
    from powerscope.index.engine import compile_index

    matrix, _ = index_data(load_spec("ceti"), SnapshotStore())
    compiled = compile_index(load_spec("ceti"), matrix)
    assert compiled._linear(None) and not compiled._linear("geometric")
    rng = np.random.default_rng(0)
    for _ in range(50):
        w = compiled.weights * rng.uniform(0.0, 2.0, len(compiled.weights))
        w[rng.integers(1, len(w), 3)] = 0.0  # zero weights, sometimes a whole group's
        one = compiled.evaluate(w)  # the linear path, or the group path when a group sums to 0
        batch = compiled.evaluate(w[None, :])[0]  # always group by group
        np.testing.assert_allclose(one, batch, rtol=1e-12, atol=1e-10)
    # a group whose weights are all 0 is missing in its parent: the group-by-group path decides
    parent, children = compiled.groups[0]
    w = compiled.weights.copy()
    w[children] = 0.0
    assert compiled._evaluate_linear(w) is None
    np.testing.assert_allclose(compiled.evaluate(w), compiled.evaluate(w[None, :])[0])
    assert np.isnan(compiled.evaluate(w)[:, parent]).all()


def test_zeros_in_a_geometric_mean_warn_and_name_the_rescale_remedy() -> None:
    from powerscope.index.engine import rescaled, zero_warnings

    compiled = compile_index(toy(), DATA, normalisation="minmax", aggregation="geometric")
    (warning,) = zero_warnings(compiled)
    assert "have a 0 on some indicator" in warning
    assert "rescale=(1, 100)" in warning and "--rescale 1,100" in warning
    assert zero_warnings(rescaled(compiled, (1, 100))) == []

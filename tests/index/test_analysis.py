"""The Handbook's statistical analysis on hand-checkable data, the ASEM example and the CETI."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from powerscope.errors import DataFormatError, SpecError
from powerscope.index import ROOT, compute, load_spec, parse_spec
from powerscope.index.analysis import (
    _p_value,
    correlation_flags,
    correlations,
    cronbach_alpha,
    cronbach_by_group,
    indicator_stats,
    level_correlations,
    node_levels,
    pca,
    pca_by_group,
    removal_impact,
    removal_summary,
    tree_frame,
)

# 4 units x 3 indicators, one missing cell
SMALL = pd.DataFrame(
    {"a": [1.0, 2.0, 3.0, 4.0], "b": [2.0, 1.0, 4.0, 3.0], "c": [0.0, 5.0, np.nan, 10.0]},
    index=["AAA", "BBB", "CCC", "DDD"],
)

TOY = parse_spec(
    {
        "id": "toy",
        "children": [
            {"id": "A", "weight": 0.5, "children": [
                {"id": "x", "weight": 0.5}, {"id": "y", "weight": 0.5, "direction": -1},
            ]},
            {"id": "B", "weight": 0.5, "children": [{"id": "z", "weight": 1.0}]},
        ],
    }
)  # fmt: skip
TOY_DATA = pd.DataFrame(
    {
        "x": [1.0, 2.0, 3.0, 4.0, 5.0],
        "y": [5.0, 3.0, 4.0, 1.0, 2.0],
        "z": [3.0, 1.0, 0.0, 4.0, 2.0],
    },
    index=pd.Index(["U1", "U2", "U3", "U4", "U5"], name="code"),
)


# -- indicator statistics -------------------------------------------------------------------


def test_indicator_stats_by_hand() -> None:
    stats = indicator_stats(SMALL)
    a = stats.loc["a"]
    assert (a["n"], a["n_available"], a["availability"]) == (4, 4, 1.0)
    assert a["mean"] == 2.5 and a["median"] == 2.5 and (a["min"], a["max"]) == (1.0, 4.0)
    assert a["sd"] == pytest.approx(math.sqrt(5 / 3))  # squared deviations 2.25+.25+.25+2.25
    assert a["skewness"] == pytest.approx(0.0)
    assert a["kurtosis"] == pytest.approx(-1.2)  # Excel KURT(1,2,3,4)
    c = stats.loc["c"]
    assert (
        c["availability"] == 0.75 and c["n_zero"] == 1 and c["share_zero"] == pytest.approx(1 / 3)
    )
    assert c["n_unique"] == 3 and c["mean"] == 5.0
    assert math.isnan(c["kurtosis"])  # fewer than 4 values


def test_skew_and_kurtosis_are_coinr_type_2() -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.lognormal(size=(40, 3)), columns=["p", "q", "r"])
    frame.iloc[3, 1] = np.nan
    stats = indicator_stats(frame)
    # e1071 type 2 (COINr's skew/kurt) = pandas' adjusted G1 and excess G2
    assert stats["skewness"].to_numpy() == pytest.approx(frame.skew().to_numpy())
    assert stats["kurtosis"].to_numpy() == pytest.approx(frame.kurt().to_numpy())
    # by the formula: G1 = g1 sqrt(n(n-1)) / (n-2)
    x = frame["p"].to_numpy()
    d = x - x.mean()
    g1 = np.mean(d**3) / np.mean(d**2) ** 1.5
    assert stats.at["p", "skewness"] == pytest.approx(g1 * math.sqrt(40 * 39) / 38)


def test_outlier_and_quality_flags() -> None:
    frame = pd.DataFrame(
        {
            "spike": [1.0] * 5 + [2.0] * 5 + [3.0] * 9 + [100.0],
            "even": np.arange(20.0),
            "sparse": [np.nan] * 10 + list(range(10)),
            "zeros": [0.0] * 15 + [1.0] * 5,
        }
    )
    stats = indicator_stats(frame)
    assert stats["flag_outlier"].tolist() == [True, False, False, False]
    assert stats.at["spike", "skewness"] > 2 and stats.at["spike", "kurtosis"] > 3.5
    assert stats["flag_availability"].tolist() == [False, False, True, False]  # 50% < 65%
    assert stats["flag_zeros"].tolist() == [False, False, True, True]
    assert stats["flag_unique"].tolist() == [True, False, False, True]  # 10/20 is not < .5


def test_non_numeric_column_is_an_error() -> None:
    with pytest.raises(DataFormatError, match=r"non-numeric column\(s\) \['name'\]"):
        indicator_stats(SMALL.assign(name=["a", "b", "c", "d"]))


# -- correlations ---------------------------------------------------------------------------


def test_pearson_matches_pandas_pairwise() -> None:
    assert correlations(SMALL).to_numpy() == pytest.approx(SMALL.corr().to_numpy())
    # a and b: deviations (-1.5,-.5,.5,1.5) and (-.5,-1.5,1.5,.5): 3/5
    assert correlations(SMALL).at["a", "b"] == pytest.approx(0.6)


def test_spearman_and_kendall_by_hand() -> None:
    rng = np.random.default_rng(0)
    noisy = pd.DataFrame(rng.normal(size=(30, 4)), columns=list("abcd"))
    noisy.iloc[[1, 5, 9, 20], [0, 2, 3, 1]] = np.nan
    # pandas ranks within each pair's complete observations, as R's cor(use = "pairwise")
    assert correlations(noisy, "spearman").to_numpy() == pytest.approx(
        noisy.corr("spearman").to_numpy()
    )
    x = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [1.0, 3.0, 2.0, 4.0]})
    assert correlations(x, "kendall").at["x", "y"] == pytest.approx(4 / 6)  # 5 conc., 1 disc.
    # tau-b with one tie in each: S = 4, 5 untied pairs each -> 4 / sqrt(5 * 5)
    ties = pd.DataFrame({"x": [1.0, 2.0, 2.0, 3.0], "y": [1.0, 2.0, 3.0, 3.0]})
    assert correlations(ties, "kendall").at["x", "y"] == pytest.approx(0.8)
    with pytest.raises(SpecError, match="unknown correlation method"):
        correlations(x, "cosine")  # type: ignore[arg-type]


def test_p_value_of_pearson_r() -> None:
    # r = .5, n = 10: t = 1.633 on 8 df; two-sided p by integrating Student's t density
    t = 0.5 * math.sqrt(8 / 0.75)
    grid = np.linspace(0.0, t, 200_001)
    density = math.gamma(4.5) / (math.sqrt(8 * math.pi) * math.gamma(4)) * (1 + grid**2 / 8) ** -4.5
    integral = float(np.sum((density[1:] + density[:-1]) / 2) * (grid[1] - grid[0]))
    assert _p_value(0.5, 10, "pearson") == pytest.approx(1 - 2 * integral, abs=1e-9)
    assert _p_value(0.5, 10, "pearson") == pytest.approx(0.1411, abs=1e-4)  # R's cor.test
    assert _p_value(1.0, 10, "pearson") == 0.0 and math.isnan(_p_value(0.3, 2, "pearson"))
    assert _p_value(0.0, 30, "kendall") == pytest.approx(1.0)


def test_level_correlations_within_and_across() -> None:
    result = compute(TOY, TOY_DATA, normalisation="minmax")
    within = level_correlations(result, TOY, within=True)
    assert set(within["child"]) == {"A", "B", "A/x", "A/y", "B/z"}
    row = within.set_index("child").loc["A/x"]
    expected = np.corrcoef(result.scores["A/x"], result.scores["A"])[0, 1]
    assert row["parent"] == "A" and row["r"] == pytest.approx(expected) and row["n"] == 5
    assert within.set_index("child").at["B/z", "r"] == pytest.approx(1.0)  # an only child
    across = level_correlations(result, TOY, within=False, level=1)
    assert len(across) == 3 * 2 and across["parent_level"].eq(2).all()
    assert across[~across["is_parent"]].set_index("child").at["A/x", "parent"] == "B"
    # raw data: leaves read from indicator columns, directions applied
    raw = tree_frame(TOY_DATA, TOY)
    assert raw["A/y"].tolist() == (-TOY_DATA["y"]).tolist() and "A" not in raw.columns


def test_level_correlation_flags_negative_and_higher_elsewhere() -> None:
    scores = pd.DataFrame(
        {
            ROOT: [1.0, 2.0, 3.0, 4.0],
            "A": [1.0, 2.0, 3.0, 4.0],
            "B": [4.0, 3.0, 2.0, 1.0],
            "A/x": [1.0, 2.0, 4.0, 3.0],
            "A/y": [4.0, 3.0, 2.0, 1.5],  # against its group
            "B/z": [1.0, 2.0, 3.0, 4.0],  # with A rather than its own group
        }
    )
    flags = level_correlations(scores, TOY, within=False, level=1).query("is_parent")
    by_child = flags.set_index("child")["flag"].to_dict()
    assert by_child == {"A/x": "", "A/y": "negative", "B/z": "negative"}
    flags = level_correlations(scores.assign(B=[1.0, 2.0, 3.0, 3.5]), TOY, within=False, level=1)
    assert flags.query("is_parent").set_index("child").at["B/z", "flag"] == "higher_elsewhere"


def test_correlation_flags_collinear_and_negative() -> None:
    data = TOY_DATA.assign(y=-TOY_DATA["x"] * 2)  # -y = 2x: collinear with x
    flags = correlation_flags(data, TOY, level=1)
    assert flags[["group", "child_a", "child_b", "flag"]].values.tolist() == [
        ["A", "A/x", "A/y", "collinear"]
    ]
    assert flags["r"].iloc[0] == pytest.approx(1.0)
    flags = correlation_flags(TOY_DATA.assign(y=TOY_DATA["x"]), TOY, level=1)
    assert flags["flag"].tolist() == ["negative"]
    # grouped two levels up (COINr's grouplev): x, y and z share the top
    everything = correlation_flags(TOY_DATA, TOY, level=1, group_level=3, threshold=0.95, low=-2)
    assert everything.empty


# -- Cronbach's alpha and PCA ---------------------------------------------------------------


def test_cronbach_alpha_textbook_example() -> None:
    # 4 respondents x 3 items: item variances 5/3, 19/12, 11/12 (sum 12.5/3); totals 6, 8, 10, 14
    # with variance 35/3; alpha = 3/2 * (1 - 12.5/35) = 33.75/35
    items = pd.DataFrame({"i1": [1, 2, 3, 4], "i2": [2, 3, 3, 5], "i3": [3, 3, 4, 5]})
    assert cronbach_alpha(items) == pytest.approx(33.75 / 35)
    assert cronbach_alpha(pd.DataFrame({"a": [1.0, 2, 4], "b": [1.0, 2, 4]})) == pytest.approx(1.0)
    with pytest.raises(DataFormatError, match="at least 2 items"):
        cronbach_alpha(items[["i1"]])


def test_cronbach_pairwise_versus_complete_cases() -> None:
    items = pd.DataFrame(
        {"i1": [1.0, 2, 3, 4, 5], "i2": [2.0, 3, 3, 5, np.nan], "i3": [3.0, 3, 4, 5, 1]}
    )
    complete = cronbach_alpha(items, missing="complete")
    assert complete == pytest.approx(cronbach_alpha(items.dropna()))
    pairwise = cronbach_alpha(items)
    cov = items.cov().to_numpy()  # pandas: pairwise-complete covariances, as R's cov(use=)
    assert pairwise == pytest.approx(1.5 * (1 - np.trace(cov) / cov.sum()))
    assert pairwise != pytest.approx(complete)


def test_cronbach_by_group() -> None:
    result = compute(TOY, TOY_DATA, normalisation="minmax")
    table = cronbach_by_group(result, TOY).set_index("group")
    assert list(table.index) == [ROOT, "A"]  # B has a single child
    x, y = result.scores["A/x"], result.scores["A/y"]
    assert table.at["A", "alpha"] == pytest.approx(cronbach_alpha(pd.DataFrame({"x": x, "y": y})))
    assert table.at["A", "k"] == 2 and table.at[ROOT, "level"] == 3


def test_pca_of_collinear_data_has_one_component() -> None:
    x = np.array([1.0, 2.0, 4.0, 7.0, 8.0])
    data = pd.DataFrame({"a": x, "b": 2 * x + 1, "c": 5 - 3 * x})
    loadings, ratio = pca(data)
    assert ratio[0] == pytest.approx(1.0) and ratio.sum() == pytest.approx(1.0)
    assert np.abs(loadings["PC1"]).to_numpy() == pytest.approx([1 / math.sqrt(3)] * 3)
    assert loadings.at["a", "PC1"] > 0 and loadings.at["c", "PC1"] < 0  # sum oriented positive


def test_pca_uncorrelated_complete_cases_and_errors() -> None:
    data = pd.DataFrame({"x": [1.0, -1.0, 1.0, -1.0, 3.0], "y": [1.0, 1.0, -1.0, -1.0, np.nan]})
    loadings, ratio = pca(data)
    assert ratio == pytest.approx([0.5, 0.5])
    assert loadings.attrs["n_used"] == 4 and loadings.attrs["n_dropped"] == 1
    assert pca(data, n_components=1)[0].columns.tolist() == ["PC1"]
    with pytest.raises(DataFormatError, match=r"\['k'\] do not vary"):
        pca(data.assign(k=1.0))


# -- removing components --------------------------------------------------------------------


def test_removal_impact_equals_rebuilding_with_zero_weight() -> None:
    impact = removal_impact(TOY, TOY_DATA, normalisation="minmax")
    assert sorted(set(impact["removed"])) == ["A", "A/x", "A/y", "B", "B/z"]
    run = impact[impact["removed"] == "A/x"].set_index("code")
    rebuilt = compute(
        TOY.with_weights({"A/x": 0.0}, renormalise=True), TOY_DATA, normalisation="minmax"
    )
    nominal = compute(TOY, TOY_DATA, normalisation="minmax")
    assert run["score_removed"].to_numpy() == pytest.approx(rebuilt.scores[ROOT].to_numpy())
    assert run["rank_removed"].tolist() == rebuilt.ranks[ROOT].tolist()
    assert run["rank_nominal"].tolist() == nominal.ranks[ROOT].tolist()
    change = rebuilt.rank_values[:, 0] - nominal.rank_values[:, 0]
    assert run["rank_change"].tolist() == change.astype(int).tolist()
    assert run["mean_abs_rank_change"].iloc[0] == pytest.approx(np.abs(change).mean())


def test_removal_of_an_only_child_removes_its_parent() -> None:
    impact = removal_impact(TOY, TOY_DATA, normalisation="minmax", nodes=["z"])
    assert set(impact["removed_as"]) == {"B"}
    rebuilt = compute(
        TOY.with_weights({"B": 0.0}, renormalise=True), TOY_DATA, normalisation="minmax"
    )
    assert impact["score_removed"].to_numpy() == pytest.approx(rebuilt.scores[ROOT].to_numpy())
    with pytest.warns(UserWarning, match="nothing to aggregate"):
        assert removal_impact(TOY, TOY_DATA, target="B", normalisation="minmax").empty


@pytest.mark.parametrize("aggregation", ["geometric", "harmonic"])
def test_removal_under_other_means_drops_the_node(aggregation: str) -> None:
    # min-max gives a 0 to each indicator's minimum: weight 0 x log 0 would be undefined, and a
    # harmonic mean is 0 as soon as a child is 0, weighted or not
    data = TOY_DATA.assign(y=[3.0, 4.0, 2.0, 5.0, 1.0])  # -y is 0 at U4, where x and z are not
    impact = removal_impact(TOY, data, normalisation="minmax", aggregation=aggregation)
    run = impact[impact["removed"] == "A/y"]
    pruned = parse_spec(
        {"id": "toy", "children": [
            {"id": "A", "weight": 0.5, "children": [{"id": "x", "weight": 1.0}]},
            {"id": "B", "weight": 0.5, "children": [{"id": "z", "weight": 1.0}]},
        ]}
    )  # fmt: skip
    rebuilt = compute(pruned, data, normalisation="minmax", aggregation=aggregation)
    assert run["score_removed"].notna().all()
    assert run["score_removed"].to_numpy() == pytest.approx(rebuilt.scores[ROOT].to_numpy())


def test_removal_options() -> None:
    levels = node_levels(TOY)
    assert levels == {ROOT: 3, "A": 2, "A/x": 1, "A/y": 1, "B": 2, "B/z": 1}
    by_level = removal_impact(TOY, TOY_DATA, level=2, normalisation="minmax")
    assert sorted(set(by_level["removed"])) == ["A", "B"]
    within_a = removal_impact(TOY, TOY_DATA, target="A", normalisation="minmax")
    assert sorted(set(within_a["removed"])) == ["A/x", "A/y"]
    with pytest.raises(SpecError, match="not below 'A'"):
        removal_impact(TOY, TOY_DATA, target="A", nodes=["z"])
    with pytest.raises(TypeError, match="units_of"):
        removal_impact(TOY, TOY_DATA, units_of="x")


# -- the ASEM example -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def asem():  # type: ignore[no-untyped-def]
    from powerscope.index.coinr import import_coinr, indicator_frame, unit_info
    from support import require_shared

    spec_dict, data = import_coinr(
        require_shared("coinr_asem", "ASEM_iData.csv"),
        require_shared("coinr_asem", "ASEM_iMeta.csv"),
    )
    spec = parse_spec(spec_dict)
    frame = indicator_frame(spec, data)
    return spec, frame, compute(spec, frame, normalisation="minmax", units=unit_info(data))


def test_asem_availability_and_outliers(asem) -> None:  # type: ignore[no-untyped-def]
    _, frame, _ = asem
    stats = indicator_stats(frame)
    assert len(stats) == 49 and (stats["n"] == 51).all()
    assert stats["availability"].mean() == pytest.approx(1 - 63 / (51 * 49))
    assert int((51 - stats["n_available"]).sum()) == 63
    assert stats.at["Flights", "flag_outlier"] and not stats.at["LPI", "flag_outlier"]
    assert stats["skewness"].to_numpy() == pytest.approx(frame.skew().to_numpy())


def test_asem_correlations_with_parents(asem) -> None:  # type: ignore[no-untyped-def]
    spec, _, result = asem
    within = level_correlations(result, spec)
    assert len(within) == 49 + 8 + 2
    assert within.query("child_level == 1")["r"].gt(0).sum() >= 45  # mostly positive
    assert within.loc[within["flag"] == "negative", "child"].tolist() == ["Conn/Instit/TBTs"]
    assert within.set_index("child").at["Conn/Physical/ConSpeed", "n"] == 43  # 8 missing
    across = level_correlations(result, spec, within=False, level=1)
    assert len(across) == 49 * 8 and across.groupby("child")["is_parent"].sum().eq(1).all()


def test_asem_consistency_and_pca_by_group(asem) -> None:  # type: ignore[no-untyped-def]
    spec, _, result = asem
    alpha = cronbach_by_group(result, spec).set_index("group")
    assert alpha.at["Conn/ConEcFin", "alpha"] > 0.9 and alpha.at["Conn/Instit", "alpha"] < 0.5
    assert alpha.at["Conn", "k"] == 5 and alpha.at["Sust/Social", "k"] == 9
    by_pca = pca_by_group(result, spec).set_index("group")
    assert by_pca["pc1_share"].between(0, 1).all()
    assert by_pca.at["Conn/ConEcFin", "pc1_share"] > by_pca.at["Conn/Physical", "pc1_share"]


# -- the CETI: removing a sector ------------------------------------------------------------


@pytest.fixture(scope="module")
def ceti_impact():  # type: ignore[no-untyped-def]
    from powerscope.data.store import SnapshotStore
    from powerscope.index.data import index_data

    spec = load_spec("ceti")
    matrix, units = index_data(spec, SnapshotStore())
    return removal_impact(spec, matrix, units)


def test_removing_semiconductors_moves_korea_down(ceti_impact) -> None:  # type: ignore[no-untyped-def]
    kor = ceti_impact[ceti_impact["code"] == "KOR"].set_index("removed")
    semis = kor.loc["Semiconductors"]
    assert semis["rank_nominal"] == 5 and semis["rank_removed"] == 11
    assert semis["rank_change"] == 6 and semis["score_removed"] < semis["score_nominal"]
    assert semis["score_removed"] == pytest.approx(16.30, abs=0.01)
    assert (kor.loc[["AI", "Biotechnology", "Space", "Quantum"], "rank_change"] <= 0).all()


def test_semiconductors_matter_most_in_the_ceti(ceti_impact) -> None:  # type: ignore[no-untyped-def]
    summary = removal_summary(ceti_impact)
    assert summary.index[0] == "Semiconductors"
    assert summary.at["Semiconductors", "mean_abs_rank_change"] == pytest.approx(48 / 26)
    assert len(summary) == 5 + 44  # 5 sectors and 44 pillars
    assert summary.loc["Quantum", "level"] == 2 and summary["units_moved"].max() == 20

"""The power index spec: its tree matches the deriver, weights sum to 1, every source is cited,
and the panel engine computes it for every state and year."""

from __future__ import annotations

import pytest

from powerscope.data.store import SnapshotStore
from powerscope.index.panel import compute_panel, trend
from powerscope.index.spec import IndexSpec, load_spec
from powerscope.power.indicators import INDICATORS, MEASURES


@pytest.fixture(scope="module")
def spec() -> IndexSpec:
    return load_spec("power")


def test_eight_measures_with_the_deriver_indicators_under_them(spec: IndexSpec) -> None:
    assert [node.id for node in spec.root.children] == list(MEASURES)
    leaves = {node.indicator: path.split("/")[0] for path, node in spec.leaves()}
    assert leaves == {name: ind.measure for name, ind in INDICATORS.items()}


def test_weights_are_positive_and_sum_to_one_in_every_group(spec: IndexSpec) -> None:
    groups = [spec.root, *(node for _, node in spec.walk() if node.children)]
    for group in groups:
        weights = [child.weight for child in group.children]
        assert all(w > 0 for w in weights), group.id
        assert sum(weights) == pytest.approx(1.0), group.id


def test_every_dataset_an_indicator_reads_is_cited(spec: IndexSpec) -> None:
    listed = {spec.source, *spec.extra["sources"]}
    assert {ind.dataset for ind in INDICATORS.values()} == listed
    store = SnapshotStore()
    for dataset in listed:
        assert store.citation(str(dataset)).edition  # every source has its edition


def test_the_panel_block_and_uncertainty_default(spec: IndexSpec) -> None:
    assert spec.extra["derive"] == "power_open"
    options = spec.panel
    assert options is not None
    assert (options.first, options.last, options.carry_forward) == (2000, 2024, 3)
    assert options.normalise_over == "panel"
    assert spec.extra["uncertainty"]["normalisation"] == ["minmax", "percentile_rank", "zscore"]


def test_the_engine_ranks_every_state_in_every_year(spec: IndexSpec) -> None:
    result = compute_panel(spec, store=SnapshotStore())
    frame = result.frame
    assert sorted(frame["year"].unique()) == list(range(2000, 2025))
    assert (frame.groupby("year")["code"].nunique() >= 150).all()
    one = result.for_year(2023)
    assert one.method["year"] == 2023
    assert one.rank("USA") == 1 and one.rank("CHN") == 2
    assert {c.dataset for c in one.citations} >= {"wdi", "sipri_milex", "lowy_gdi", "atop"}
    assert frame["score"].min() >= 0.0 and frame["score"].max() <= 100.0


def test_korea_trend_has_a_rank_every_year(spec: IndexSpec) -> None:
    frame = trend(spec, ["KOR"], first=2000, last=2024, store=SnapshotStore())
    assert list(frame["year"]) == list(range(2000, 2025))
    assert frame["rank"].notna().all() and frame["rank"].between(5, 20).all()

"""Builds: COINr's own example reproduced, logs that repeat a build, comparisons."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from powerscope.errors import DataFormatError, SpecError
from powerscope.index import load_spec
from powerscope.index.build import (
    COINR_EXAMPLE_STEPS,
    BuildLog,
    build,
    build_inputs,
    compare,
    load_data,
    rebuild,
)
from powerscope.index.coinr import import_coinr, write_spec
from powerscope.index.uncertainty import parse_uncertainty, uncertainty
from support import require_shared

# COINr's "Presenting Results" vignette, get_results(build_example_coin(), "Aggregated"):
# Index, Conn, Sust, Physical, ConEcFin, Political, Instit, P2P, Environ (rounded to 2 d.p.)
COINR_RESULTS = {
    "CHE": [68.38, 62.79, 73.98, 63.41, 32.87, 74.78, 85.94, 56.93, 77.21],
    "NLD": [64.82, 61.94, 67.70, 64.87, 46.62, 84.55, 71.74, 41.92, 58.73],
    "DNK": [64.80, 57.10, 72.51, 50.52, 30.43, 78.13, 75.35, 51.04, 69.83],
    "NOR": [64.47, 57.44, 71.50, 58.18, 25.70, 80.03, 89.46, 33.80, 70.90],
    "BEL": [63.54, 63.99, 63.09, 71.97, 48.22, 80.84, 75.60, 43.32, 53.01],
    "SWE": [63.00, 53.87, 72.12, 51.51, 23.87, 80.98, 74.51, 38.50, 66.37],
}
COLUMNS = ["index", "Conn", "Sust", "Conn/Physical", "Conn/ConEcFin", "Conn/Political",
           "Conn/Instit", "Conn/P2P", "Sust/Environ"]  # fmt: skip


@pytest.fixture(scope="module")
def asem(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("asem")
    spec, data = import_coinr(
        require_shared("coinr_asem", "ASEM_iData.csv"),
        require_shared("coinr_asem", "ASEM_iMeta.csv"),
    )
    write_spec(spec, data, folder / "asem.yaml")
    spec = load_spec(folder / "asem.yaml")
    return spec, load_data(spec)


def test_coinr_example_build_is_reproduced(asem) -> None:  # type: ignore[no-untyped-def]
    spec, frame = asem
    built = build(spec, frame, COINR_EXAMPLE_STEPS)
    result = built.result
    for code, expected in COINR_RESULTS.items():
        got = [round(result.score(code, path), 2) for path in COLUMNS]
        assert got == pytest.approx(expected, abs=0.006), code
    top6 = [r["code"] for r in result.rows()[:6]]
    assert top6 == list(COINR_RESULTS)
    assert built.removed_units == []  # every unit passes the 90% availability screen
    assert built.imputed.sum() >= 63  # every missing cell was imputed, and flagged


def test_geometric_mean_on_1_100(asem) -> None:  # type: ignore[no-untyped-def]
    spec, frame = asem
    steps = {**COINR_EXAMPLE_STEPS, "normalise": {"method": "minmax", "lower": 1, "upper": 100}}
    built = build(spec, frame, steps, aggregation="geometric")
    compiled = built.compiled
    x = compiled.normalised
    assert np.nanmin(x) == pytest.approx(1.0) and np.nanmax(x) == pytest.approx(100.0)
    # the Physical pillar of the first unit, by hand: exp(mean(log x)) over its 8 indicators
    leaves = [i for i, p in enumerate(spec.paths()) if p.startswith("Conn/Physical/")]
    columns = [list(compiled.leaf_nodes).index(i + 1) for i in leaves]
    first = compiled.units[0]
    expected = float(np.exp(np.log(x[0, columns]).mean()))
    assert built.result.score(first, "Conn/Physical") == pytest.approx(expected)
    assert built.log.aggregation == "geometric"


def test_log_rebuilds_identically_and_compares(asem, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec, frame = asem
    first = build(spec, frame, COINR_EXAMPLE_STEPS)
    again = rebuild(spec, frame, BuildLog.from_dict(first.log.to_dict()))
    assert np.array_equal(first.result.values, again.result.values, equal_nan=True)
    other = build(spec, frame, {**COINR_EXAMPLE_STEPS, "treat": {"winmax": 1}})
    diff = compare(first, other)
    assert list(diff.columns) == ["code", "rank_a", "rank_b", "change"]
    assert diff["change"].abs().iloc[0] == diff["change"].abs().max() > 0
    assert (compare(first, again)["change"] == 0).all()


def test_rebuild_refuses_other_data(asem) -> None:  # type: ignore[no-untyped-def]
    spec, frame = asem
    log = build(spec, frame, COINR_EXAMPLE_STEPS).log
    changed = frame.copy()
    changed.loc[0, "LPI"] = 1.0
    with pytest.raises(DataFormatError, match="differ from the data the build log"):
        rebuild(spec, changed, log)


def test_unknown_step_is_an_error(asem) -> None:  # type: ignore[no-untyped-def]
    spec, frame = asem
    with pytest.raises(SpecError, match="unknown build step 'smooth'"):
        build(spec, frame, {"smooth": {}})


def test_coinr_sensitivity_vignette_uncertainty(asem) -> None:  # type: ignore[no-untyped-def]
    spec, frame = asem
    builder, options, units = build_inputs(spec, steps=COINR_EXAMPLE_STEPS, frame=frame)
    raw = {
        "weights": [{"level": 2, "noise": 0.25}, {"level": 3, "noise": 0.25}],
        "aggregation": ["arithmetic", "geometric"],
        "normalisation": [{"method": "minmax", "lower": 1, "upper": 100},
                          {"method": "zscore", "mean": 10, "sd": 2}],
        "steps": {"treat.winmax": [1, 2, 3, 4, 5]},
    }  # fmt: skip
    result = uncertainty(spec, parse_uncertainty(raw, spec, data_options=options), builder,
                         runs=200, seed=1, units=units)  # fmt: skip
    summary = result.summary().set_index("code")
    assert summary.loc["CHE", "nominal_rank"] == 1 and summary.loc["CHE", "median_rank"] == 1
    assert len(result.failed) == 0
    assert result.parameters["variant"].nunique() == 10  # 5 winmax x 2 normalisations


def test_pca_and_equal_weighting_steps(asem) -> None:  # type: ignore[no-untyped-def]
    spec, frame = asem
    pca = build(spec, frame, {**COINR_EXAMPLE_STEPS, "weights": {"method": "pca"}})
    physical = {k: v for k, v in pca.log.weights.items() if k.startswith("Conn/Physical/")}
    assert sum(physical.values()) == pytest.approx(1.0)
    assert len(set(np.round(list(physical.values()), 6))) > 1  # not equal any more
    effective = pca.reports["effective_weights"]
    leaves = [p for p, _ in spec.leaves()]
    assert sum(effective[p] for p in leaves) == pytest.approx(1.0)
    equal = build(spec, frame, {**COINR_EXAMPLE_STEPS, "weights": {"method": "equal"}})
    assert equal.reports["effective_weights"]["Conn/Physical/LPI"] == pytest.approx(0.5 * 0.2 / 8)
    with pytest.raises(SpecError, match="unknown weighting 'entropy'"):
        build(spec, frame, {**COINR_EXAMPLE_STEPS, "weights": {"method": "entropy"}})

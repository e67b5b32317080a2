"""One normalisation catalogue: a method name means the same with and without a data file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from powerscope.index import compute, load_spec, normalise
from powerscope.index.service import compute_index
from powerscope.index.steps import normalise as steps_normalise

X = np.array([[1.0], [2.0], [2.0], [5.0]])
# COINr: n_rank (ties "min"), n_prank ((rank - 1) / (n - 1)), n_borda (rank - 1)
COINR = {
    "rank": [1.0, 2.0, 2.0, 4.0],
    "percentile_rank": [0.0, 1 / 3, 1 / 3, 1.0],
    "borda": [0.0, 1.0, 1.0, 3.0],
    "max": [0.2, 0.4, 0.4, 1.0],
}


@pytest.mark.parametrize("method", sorted(COINR))
def test_engine_and_steps_give_coinr(method: str) -> None:
    assert normalise(X, method)[:, 0] == pytest.approx(COINR[method])
    assert steps_normalise(X, method)[:, 0] == pytest.approx(COINR[method])


def test_ranks_are_vectorised_over_columns_with_missing_values() -> None:
    x = np.array([[1.0, 3.0], [np.nan, 3.0], [2.0, 1.0], [2.0, np.nan]])
    out = normalise(x, "rank")
    assert np.isnan(out[1, 0]) and np.isnan(out[3, 1])
    assert out[[0, 2, 3], 0].tolist() == [1.0, 2.0, 2.0]
    assert out[[0, 1, 2], 1].tolist() == [2.0, 2.0, 1.0]


SPEC = """id: ranked
normalise: rank
children:
  - {id: a, weight: 1.0}
"""


def test_rank_means_the_same_with_and_without_a_data_file(tmp_path: Path) -> None:
    (tmp_path / "ranked.csv").write_text("uCode,a\nA,1\nB,2\nC,2\nD,5\n", encoding="utf-8")
    (tmp_path / "plain.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "built.yaml").write_text(SPEC + "data_file: ranked.csv\n", encoding="utf-8")
    frame = pd.DataFrame({"a": X[:, 0]}, index=["A", "B", "C", "D"])
    plain = compute(load_spec(tmp_path / "plain.yaml"), frame)
    built = compute_index(load_spec(tmp_path / "built.yaml"))
    expected = [1.0, 2.0, 2.0, 4.0]
    assert [plain.score(c) for c in "ABCD"] == expected
    assert [built.score(c) for c in "ABCD"] == expected


def test_a_normalisation_with_parameters_in_the_engine() -> None:
    spec = load_spec("partners")
    columns = [str(node.indicator) for _, node in spec.leaves()]
    values = np.arange(2.0 * len(columns)).reshape(2, -1)
    frame = pd.DataFrame(values, index=["AAA", "BBB"], columns=columns)
    from powerscope.index import compile_index

    compiled = compile_index(
        spec, frame, normalisation={"method": "minmax", "lower": 1, "upper": 2}
    )
    assert (
        compiled.scale == 1.0 and compiled.normalised.min() == 1 and compiled.normalised.max() == 2
    )

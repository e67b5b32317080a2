"""One robustness call: uncertainty() by executor name, and no import circle between them."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from powerscope.errors import SpecError
from powerscope.index import parse_spec
from powerscope.index.engine import Matrix
from powerscope.index.robustness import setup, uncertainty

SPEC = parse_spec(
    {
        "id": "toy",
        "normalise": "minmax",
        "uncertainty": {
            "weights": [{"level": 1, "noise": 0.25}, {"level": 2, "noise": 0.25}],
            "normalisation": ["minmax", "percentile_rank"],
        },
        "children": [
            {"id": "A", "weight": 0.5, "children": [{"id": "x", "weight": 0.5}, {"id": "y", "weight": 0.5}]},
            {"id": "B", "weight": 0.5, "children": [{"id": "z", "weight": 1.0}]},
        ],
    }
)  # fmt: skip
RNG = np.random.default_rng(3)
DATA = Matrix([f"U{i:02d}" for i in range(12)], ["x", "y", "z"], RNG.random((12, 3)))


def test_defaults_come_from_the_spec() -> None:
    problem = setup(SPEC, data=DATA)
    assert problem.assumptions == dict(SPEC.extra["uncertainty"])
    assert problem.uspec.assumptions() == ["weights level 1", "weights level 2", "normalisation"]
    assert problem.units["U00"] == ("U00", False)


def test_same_seed_same_result_and_another_seed_differs() -> None:
    a = uncertainty(SPEC, runs=60, seed=5, data=DATA)
    b = uncertainty(SPEC, runs=60, seed=5, data=DATA)
    c = uncertainty(SPEC, runs=60, seed=6, data=DATA)
    assert np.array_equal(a.ranks, b.ranks, equal_nan=True)
    assert not np.array_equal(a.scores, c.scores, equal_nan=True)
    assert a.assumptions == dict(SPEC.extra["uncertainty"]) and a.engine == "local"
    assert set(a.parameters["variant"]) == {
        "normalisation=minmax",
        "normalisation=percentile_rank",
    }


def test_local_and_dask_engines_give_identical_results() -> None:
    pytest.importorskip("dask.distributed")
    local = uncertainty(SPEC, runs=40, seed=11, data=DATA, engine="local", chunk=7)
    dask = uncertainty(SPEC, runs=40, seed=11, data=DATA, engine="dask", chunk=7)
    assert dask.engine == "dask"
    assert np.array_equal(local.scores, dask.scores, equal_nan=True)
    assert np.array_equal(local.ranks, dask.ranks, equal_nan=True)
    pd.testing.assert_frame_equal(local.summary(), dask.summary())


def test_an_unknown_engine_names_the_known_ones() -> None:
    with pytest.raises(SpecError) as info:
        uncertainty(SPEC, runs=5, seed=1, data=DATA, engine="spark")
    assert "unknown engine 'spark'" in info.value.what and info.value.parameter == "engine"
    assert "local, dask" in str(info.value.fix)


def test_given_assumptions_replace_the_defaults() -> None:
    result = uncertainty(
        SPEC, runs=20, seed=1, data=DATA, assumptions={"aggregation": ["arithmetic", "geometric"]}
    )
    assert set(result.parameters["aggregation"]) == {"arithmetic", "geometric"}
    assert set(result.parameters["variant"]) == {"nominal"}


@pytest.mark.parametrize(
    "first", ["powerscope.index.engines", "powerscope.index.uncertainty", "powerscope.index"]
)
def test_no_import_circle_between_executors_and_uncertainty(first: str) -> None:
    """Importing either module first, in a fresh interpreter, loads the executors without the
    uncertainty module importing back into a half-initialised module."""
    code = (
        f"import importlib, sys; importlib.import_module({first!r}); "
        "import powerscope.index.engines as e; "
        "import ast, inspect; "
        "tree = ast.parse(inspect.getsource(e)); "
        "names = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]; "
        "assert not [m for m in names if m and m.startswith('powerscope.index.uncertainty')], names; "
        "print(sorted(e.EXECUTORS))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "['dask', 'local']"

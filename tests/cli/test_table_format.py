"""The CLI's tables: ranks as integers, one number of decimals per column, rounding noise as 0,
readable headers; JSON and CSV keep the values as computed."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from powerscope.cli.common import Format, column_cells, emit, header


@pytest.mark.parametrize(
    ("name", "readable"),
    [
        ("q05_rank", "rank 5th pct"),
        ("q95_rank", "rank 95th pct"),
        ("effect_p05", "effect 5th pct"),
        ("p95", "95th pct"),
        ("median_rank", "median rank"),
        ("open_minus_gfp", "open minus GFP"),
        ("r2", "R²"),
        ("tiv 2017-2021", "TIV 2017-2021"),
        ("code", "code"),
    ],
)
def test_headers_are_readable(name: str, readable: str) -> None:
    assert header(name) == readable


def test_ranks_are_integers_and_a_non_whole_rank_has_one_decimal() -> None:
    assert column_cells("rank", [5.0, 12.0, np.nan]) == ["5", "12", ""]
    assert column_cells("q05_rank", pd.array([1, None, 3], dtype="Int64").tolist()) == [
        "1",
        "",
        "3",
    ]
    assert column_cells("mean_rank", [1.0, 2.25]) == ["1.0", "2.2"]


def test_one_number_of_decimals_per_column_and_noise_is_zero() -> None:
    # 0.7484 beside 2.8: the same decimals for both, three significant digits of the smallest
    assert column_cells("value", [0.7484, 2.8]) == ["0.748", "2.800"]
    assert column_cells("score", [84.33, 5.0]) == ["84.33", "5.00"]
    assert column_cells("kappa", [0.80919, -2.22e-14]) == ["0.809", "0.000"]
    assert column_cells("tiv", [50985.3, 12.5]) == ["50985.3", "12.5"]
    # never more decimals than the values have, at most four
    assert column_cells("high", [200000.0, 0.05]) == ["200000.00", "0.05"]
    assert column_cells("share", [43.14325, 0.000012]) == ["43.1433", "0.0000"]
    assert column_cells("name", ["Korea", None]) == ["Korea", ""]
    assert column_cells("stated", [[9, 12], 5, None]) == ["[9, 12]", "5", ""]


def test_json_and_csv_keep_the_values(capsys: pytest.CaptureFixture[str]) -> None:
    frame = pd.DataFrame({"code": ["KOR"], "q05_rank": [5.0], "gap": [-2.22e-14]})
    emit(frame, {"rows": frame.to_dict(orient="records")}, Format.json, None)
    assert json.loads(capsys.readouterr().out)["rows"][0] == {
        "code": "KOR",
        "q05_rank": 5.0,
        "gap": -2.22e-14,
    }
    emit(frame, {}, Format.csv, None)
    assert capsys.readouterr().out.splitlines() == ["code,q05_rank,gap", "KOR,5.0,-2.22e-14"]
    emit(frame, {}, Format.table, None)
    table = capsys.readouterr().out
    assert "rank 5th pct" in table and "5.0" not in table and "e-14" not in table

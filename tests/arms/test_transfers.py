"""Annualising SIPRI deals: totals kept, delivery years respected, fitted to SIPRI's annual data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from powerscope.arms.transfers import annualise, explode_deliveries
from powerscope.data.store import SnapshotStore
from powerscope.errors import DataFormatError


def _register(rows: list[tuple[int, str, str, str | None, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=["deal_id", "supplier_code", "recipient_code", "delivery_years", "tiv_delivered"],
    )


def test_even_split_across_delivery_years() -> None:
    reg = _register([(1, "KOR", "POL", "2022;2023;2024", 30.0), (2, "KOR", "PHL", None, 0.0)])
    out = annualise(reg)
    assert out["year"].tolist() == [2022, 2023, 2024]
    assert out["tiv"].tolist() == [10.0, 10.0, 10.0]
    assert set(out["method"]) == {"even"}


def test_fit_moves_tiv_between_a_deals_own_years_only() -> None:
    reg = _register([(1, "A", "B", "2019;2020", 100.0), (2, "A", "B", "2020;2021", 50.0)])
    table = pd.DataFrame({"supplier_code": ["A"] * 3, "recipient_code": ["B"] * 3,
                          "year": [2019, 2020, 2021], "tiv": [80.0, 40.0, 30.0]})  # fmt: skip
    out = annualise(reg, table)
    assert out.groupby("deal_id")["tiv"].sum().tolist() == pytest.approx([100.0, 50.0])
    by_year = out.groupby("year")["tiv"].sum()
    assert by_year.to_dict() == pytest.approx({2019: 80.0, 2020: 40.0, 2021: 30.0}, rel=1e-3)
    assert set(out["year"]) == {2019, 2020, 2021} and set(out["method"]) == {"fitted"}


def test_years_after_the_tables_keep_the_even_split() -> None:
    reg = _register([(1, "A", "B", "2023;2024", 10.0)])
    table = pd.DataFrame(
        {"supplier_code": ["A"], "recipient_code": ["B"], "year": [2021], "tiv": [5.0]}
    )
    out = annualise(reg, table)
    assert out["tiv"].tolist() == [5.0, 5.0] and set(out["method"]) == {"even"}


def test_unparseable_year_is_an_error() -> None:
    with pytest.raises(DataFormatError, match="unparseable delivery year"):
        explode_deliveries(_register([(1, "A", "B", "2019;soon", 10.0)]))


def test_real_register_fitting_reproduces_sipri_annual_totals(arms) -> None:  # type: ignore[no-untyped-def]
    deliveries, register, tiv = arms
    # every deal keeps its delivered TIV exactly
    kept = deliveries.groupby("deal_id")["tiv"].sum()
    delivered = register.set_index("deal_id")["tiv_delivered"].reindex(kept.index)
    assert np.allclose(kept, delivered)
    even = annualise(register)
    sipri = tiv.groupby(["supplier_code", "year"])["tiv"].sum()

    def error(frame: pd.DataFrame) -> float:
        ours = frame[frame["year"] <= 2021].groupby(["supplier_code", "year"])["tiv"].sum()
        both = pd.concat([ours, sipri], axis=1, keys=["ours", "sipri"]).fillna(0)
        return float((both["ours"] - both["sipri"]).abs().mean())

    assert error(deliveries) < 0.3 * error(even)


def test_a_bad_register_is_not_half_loaded_into_the_warehouse(shared_data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import gzip
    import shutil

    from powerscope.data.sources.sipri import SOURCES
    from powerscope.data.store import build_warehouse, warehouse_path
    from powerscope.errors import WarehouseError

    arms_source = next(s for s in SOURCES if s.info.id == "sipri_arms")
    good = tmp_path / "good"
    shutil.copytree(shared_data / "sipri_arms", good / "sipri_arms")
    build_warehouse(good, [arms_source])
    before = warehouse_path().read_bytes()
    bad = tmp_path / "bad"
    shutil.copytree(good, bad)
    register = bad / "sipri_arms" / "trade-register_all_1950-2024_gen2025-03-13.csv.gz"
    lines = gzip.decompress(register.read_bytes()).decode("iso-8859-1").splitlines(keepends=True)
    lines[12] = lines[12].replace(",27,27", ",27,lots", 1)  # the first deal's delivered TIV
    register.write_bytes(gzip.compress("".join(lines).encode("iso-8859-1")))
    with pytest.raises(WarehouseError, match=r"sipri_arms.*'lots'.*line 13"):
        build_warehouse(bad, [arms_source])
    assert warehouse_path().read_bytes() == before


def test_the_annualised_deliveries_are_kept_and_read_back_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from powerscope.arms import service

    monkeypatch.setenv("POWERSCOPE_HOME", str(tmp_path))
    store = SnapshotStore()
    first = service.load(store)
    assert list((tmp_path / "cache" / "arms").glob("*.parquet"))
    calls: list[int] = []
    real = service.annualise
    monkeypatch.setattr(service, "annualise", lambda *a: calls.append(1) or real(*a))
    again = service.load(store)
    assert calls == []  # read from the cache
    pd.testing.assert_frame_equal(again.deliveries, first.deliveries)
    pd.testing.assert_frame_equal(again.deliveries, real(first.register, first.tiv_table))
    # another register is another key: computed, not read
    register = first.register.iloc[:-1]
    assert len(service._annualised(register, first.tiv_table)) < len(first.deliveries)
    assert calls == [1]

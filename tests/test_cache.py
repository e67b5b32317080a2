"""powerscope's cache of recomputable results: keyed by everything a result depends on, written
atomically, and never in the way (an unreadable entry or a read-only folder only recomputes)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from powerscope import cache


def test_a_value_round_trips_under_its_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERSCOPE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "cache"
    key = cache.key_of("a", b"b")
    assert cache.read("ns", key) is None
    cache.write("ns", key, {"x": [1.5, 0.1]})
    assert cache.read("ns", key) == {"x": [1.5, 0.1]}
    assert [p.name for p in (tmp_path / "cache" / "ns").iterdir()] == [f"{key}.json"]


def test_keys_separate_their_parts() -> None:
    assert cache.key_of("ab", "c") != cache.key_of("a", "bc")
    assert cache.key_of("ab", "c") == cache.key_of("ab", "c")


def test_a_broken_entry_reads_as_absent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERSCOPE_HOME", str(tmp_path))
    (tmp_path / "cache" / "ns").mkdir(parents=True)
    (tmp_path / "cache" / "ns" / "k.json").write_text('{"cut', encoding="utf-8")
    assert cache.read("ns", "k") is None


def test_a_cache_that_cannot_be_written_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import powerscope.files

    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError("read-only")

    monkeypatch.setenv("POWERSCOPE_HOME", str(tmp_path))
    monkeypatch.setattr(powerscope.files, "write_atomic", refuse)
    cache.write("ns", "k", 1)  # no error
    assert cache.read("ns", "k") is None


def test_ets_fits_are_kept_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from powerscope.dynamics import forecasts

    monkeypatch.setenv("POWERSCOPE_HOME", str(tmp_path))
    history = pd.Series(np.exp(np.linspace(0.0, 1.0, 15)) * 100.0, index=range(2000, 2015))
    years = np.arange(2010, 2015)
    forecasts._ets_fit.cache_clear()
    first, label = forecasts.ets(history, (2000, 2009), years)
    assert len(list((tmp_path / "cache" / "ets").iterdir())) == 1
    forecasts._ets_fit.cache_clear()

    def refit(*args: object) -> None:
        raise AssertionError("fitted again although the fit was cached")

    monkeypatch.setattr(forecasts, "_ets_select", refit)
    again, label_again = forecasts.ets(history, (2000, 2009), years)
    np.testing.assert_array_equal(first, again)
    assert label == label_again and label.startswith("ETS(")


def test_tables_round_trip_and_damaged_ones_read_as_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERSCOPE_HOME", str(tmp_path))
    frame = pd.DataFrame({"code": ["KOR", "JPN"], "value": [1.5, np.nan], "carried": [True, False]})
    cache.write_frame("t", "k", frame)
    pd.testing.assert_frame_equal(cache.read_frame("t", "k"), frame)
    (tmp_path / "cache" / "t" / "k.parquet").write_bytes(b"PAR1 cut")
    assert cache.read_frame("t", "k") is None


def test_the_power_panel_is_derived_once_between_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from powerscope.data.store import SnapshotStore
    from powerscope.power import indicators

    monkeypatch.setenv("POWERSCOPE_HOME", str(tmp_path))
    monkeypatch.setattr(indicators, "_CACHE", {})
    store = SnapshotStore()
    first = indicators.power_panel(store)
    assert len(list((tmp_path / "cache" / "power-panel").iterdir())) == 1
    monkeypatch.setattr(indicators, "_CACHE", {})  # a new process: only the disk cache is left

    def derive(*args: object) -> None:
        raise AssertionError("derived again although the panel was cached")

    monkeypatch.setattr(indicators, "_indicator_tables", derive)
    again = indicators.power_panel(store)
    pd.testing.assert_frame_equal(first, again)


def test_a_frame_digest_changes_with_any_value_dtype_or_column() -> None:
    frame = pd.DataFrame({"code": ["KOR", "JPN"], "value": [1.0, 2.0]})
    same = cache.frame_digest(frame.copy())
    assert cache.frame_digest(frame) == same
    changed = frame.copy()
    changed.loc[1, "value"] = 2.5
    assert cache.frame_digest(changed) != same
    assert cache.frame_digest(frame.astype({"value": "float32"})) != same
    assert cache.frame_digest(frame.rename(columns={"value": "score"})) != same

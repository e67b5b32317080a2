"""The brief's Global Firepower explanation comes from a cache: the same figures as a fresh
fit, kept per data and code version."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from powerscope.brief.sections import Brief, BriefContext
from powerscope.brief.sections.military import military_section
from powerscope.data.store import SnapshotStore
from powerscope.military import service


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if a is None or b is None:
        return a is None and b is None
    return bool(a == b)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POWERSCOPE_HOME", str(tmp_path))
    monkeypatch.setattr(service, "_EXPLAINED", {})
    return tmp_path


def test_cached_explanation_has_the_figures_of_a_fresh_fit(home: Path) -> None:
    store = SnapshotStore()
    fresh = service.explain_gfp(country="KOR", top=8, store=store)
    fitted = service.explain_gfp_cached("KOR", top=8, store=store)  # fitted, written
    files = list((home / "cache" / "gfp-explained").glob("*.json"))
    assert len(files) == 1
    service._EXPLAINED.clear()
    read = service.explain_gfp_cached("KOR", top=8, store=store)  # read from the file
    for cached in (fitted, read):
        assert cached["metrics"] == fresh["metrics"]
        assert cached["citations"] == fresh["citations"]
        assert (cached["source"], cached["title"]) == (fresh["source"], fresh["title"])
        assert len(cached["explanation"]) == len(fresh["explanation"]) == 8
        for mine, theirs in zip(cached["explanation"], fresh["explanation"], strict=True):
            assert mine.keys() == theirs.keys()
            for key in mine:
                assert _same(mine[key], theirs[key]), (mine["factor"], key)


def test_an_unreadable_cache_file_is_fitted_again(home: Path) -> None:
    store = SnapshotStore()
    first = service.explain_gfp_cached("JPN", top=3, store=store)
    (path,) = (home / "cache" / "gfp-explained").glob("*.json")
    path.write_text("{not json")
    service._EXPLAINED.clear()
    assert service.explain_gfp_cached("JPN", top=3, store=store) == first
    assert path.read_text().startswith('{"metrics"')


def test_other_gfp_figures_give_another_cache_key() -> None:
    store = SnapshotStore()
    index, factors = store.table("gfp_index"), store.table("gfp_factors")
    key = service._gfp_cache_key(index, factors, model="ridge", impute=None)
    assert key == service._gfp_cache_key(index, factors, model="ridge", impute=None)
    changed = index.copy()
    changed.loc[changed.index[0], "pwr_index"] *= 1.01
    assert service._gfp_cache_key(changed, factors, model="ridge", impute=None) != key
    assert service._gfp_cache_key(index, factors, model="lasso", impute=None) != key


def test_the_brief_section_is_the_same_as_with_a_fresh_fit(
    kor: Brief, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The brief (built with the cache) shows exactly what a fresh fit gives."""

    def fresh(country: str, *, top: int, store: Any) -> dict[str, Any]:
        return service.explain_gfp(country=country, top=top, store=store)

    monkeypatch.setattr(service, "explain_gfp_cached", fresh)
    uncached = military_section(BriefContext("KOR", runs=2000, seed=1, store=SnapshotStore()))
    cached = kor.section("military")
    assert [t.rows for t in cached.tables] == [t.rows for t in uncached.tables]
    assert [t.note for t in cached.tables] == [t.note for t in uncached.tables]
    assert cached.data == uncached.data
